"""Transfers in the administration site: read for support, changed only through the services."""

from django.contrib import admin

from ecoenforce.transfers.models import CaseFacts, Transfer


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "status", "proposed_on", "step_due")
    list_filter = ("kind", "status")
    search_fields = ("case__number", "number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CaseFacts)
class CaseFactsAdmin(admin.ModelAdmin):
    list_display = ("case", "tier", "threshold_met_on", "decide_due")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
