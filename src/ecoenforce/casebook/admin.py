"""Typical cases in the administration site (read for support)."""

from django.contrib import admin

from ecoenforce.casebook.models import DecisionWithdrawal, TypicalCase


@admin.register(TypicalCase)
class TypicalCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "matter_code", "fine_amount", "published_at")

    def has_add_permission(self, request):
        return False


@admin.register(DecisionWithdrawal)
class DecisionWithdrawalAdmin(admin.ModelAdmin):
    list_display = ("case", "revoked_on", "due", "withdrawn_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
