"""Admin of the enterprise service: for looking things up (changes go through the pages and their services)."""

from django.contrib import admin

from ecoenforce.compliance.models import DisclosureReport, HelpVisit, Rectification


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("title", "entity", "source", "status", "deadline", "issued_by")
    list_filter = ("status", "source")
    search_fields = ("title", "entity__name")
    raw_id_fields = ("entity", "issued_by", "self_inspection")


@admin.register(DisclosureReport)
class DisclosureReportAdmin(admin.ModelAdmin):
    list_display = ("entity", "year", "status", "published_at")
    list_filter = ("status", "year")
    search_fields = ("entity__name", "entity__uscc")
    raw_id_fields = ("entity", "updated_by")


@admin.register(HelpVisit)
class HelpVisitAdmin(admin.ModelAdmin):
    list_display = ("entity", "date", "topic", "recorded_by")
    search_fields = ("topic", "entity__name")
    raw_id_fields = ("entity", "recorded_by")
