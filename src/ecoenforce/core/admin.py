"""Admin for reference data: regions, organizations, users, the holiday schedule."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import AuditEvent, Organization, Region, ScheduleDay, ScheduleYear, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "region", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "organization", "certificate_no", "is_active")
    list_filter = ("role", "organization", "is_active")
    search_fields = ("username", "full_name", "certificate_no")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Enforcement"), {"fields": ("full_name", "role", "organization", "certificate_no", "phone")}),
    )


@admin.register(ScheduleYear)
class ScheduleYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")


@admin.register(ScheduleDay)
class ScheduleDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the record is changed by nobody, not even administrators."""

    list_display = ("seq", "at", "actor_label", "object_type", "object_id", "action")
    list_filter = ("object_type",)
    search_fields = ("object_id", "action", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
