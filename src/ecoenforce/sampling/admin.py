"""Admin: the turnaround policy is edited here; requests, custody and results are read only (they change only
through the services, with their audit events)."""

from django.contrib import admin

from ecoenforce.sampling.models import CustodyStep, SamplingRequest, Turnaround


@admin.register(Turnaround)
class TurnaroundAdmin(admin.ModelAdmin):
    list_display = ("medium", "working_days", "basis")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SamplingRequest)
class SamplingRequestAdmin(_ReadOnly):
    list_display = ("number", "entity", "medium", "status", "due_on", "station")
    list_filter = ("status", "medium")
    search_fields = ("number", "entity__name")


@admin.register(CustodyStep)
class CustodyStepAdmin(_ReadOnly):
    list_display = ("sample", "step", "at", "from_party", "to_party", "seal_no", "recorded_by")
