"""Leads in the admin: read-only for support staff; leads are taken in and triaged in the app (leads.services)."""

from django.contrib import admin

from ecoenforce.leads.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("number", "source", "title", "region", "status", "received_at")
    list_filter = ("source", "status")
    search_fields = ("number", "title")
    readonly_fields = ("status", "case", "close_reason", "close_note", "triaged_at")
    # The tipster is sealed (core.sealing): not even the admin shows or edits it.
    exclude = ("reporter",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
