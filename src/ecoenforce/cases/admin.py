"""Case policy in the admin: stage deadlines (cases themselves move only through the workflow service)."""

from django.contrib import admin

from ecoenforce.cases.models import Case, StageDeadline


@admin.register(StageDeadline)
class StageDeadlineAdmin(admin.ModelAdmin):
    list_display = ("stage", "days", "day_kind", "basis")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "entity", "stage", "filed_on", "decision_due")
    list_filter = ("stage",)
    search_fields = ("number", "title")

    def has_change_permission(self, request, obj=None):
        return False
