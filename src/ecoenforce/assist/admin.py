"""Assistance in the admin (read-mostly: assignments are made on the pages, through the services)."""

from django.contrib import admin

from ecoenforce.assist.models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "kind", "region", "starts_on", "ends_on")
    list_filter = ("kind",)
    readonly_fields = ("organization", "region", "staff", "entities", "created_by")
