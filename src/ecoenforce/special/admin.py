"""Special and supervised cases in the administration site (read for support)."""

from django.contrib import admin

from ecoenforce.special.models import SpecialCase, Supervision


@admin.register(SpecialCase)
class SpecialCaseAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "opened_on")

    def has_add_permission(self, request):
        return False


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ("case", "supervisor", "deadline", "next_report_due", "status")

    def has_add_permission(self, request):
        return False
