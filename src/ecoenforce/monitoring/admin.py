"""Admin: read-only views of the monitoring registry (changes go through the pages/services, which audit them)."""

from django.contrib import admin

from ecoenforce.monitoring.models import (
    MonitoringDevice,
    MonitoringPoint,
    Outlet,
    PointPollutant,
    QuarantineRelease,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listing and search only: a direct edit would skip the audit record and the gateway snapshot."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonitoringDevice)
class MonitoringDeviceAdmin(ReadOnlyAdmin):
    list_display = ("mn", "entity", "protocol", "active", "installed_on")
    list_filter = ("protocol", "active")
    search_fields = ("mn", "entity__name", "entity__uscc")
    exclude = ("password", "sm4_key")


@admin.register(Outlet)
class OutletAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "entity")
    search_fields = ("code", "name", "entity__name")


class PointPollutantInline(admin.TabularInline):
    model = PointPollutant
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonitoringPoint)
class MonitoringPointAdmin(ReadOnlyAdmin):
    list_display = ("device", "outlet")
    search_fields = ("device__mn", "outlet__name")
    inlines = [PointPollutantInline]


@admin.register(QuarantineRelease)
class QuarantineReleaseAdmin(ReadOnlyAdmin):
    list_display = ("mn", "released_by", "released_at", "frames", "rows_written")
