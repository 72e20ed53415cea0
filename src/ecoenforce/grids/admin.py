"""Grids in the admin (read-mostly: grids are drawn and plans made on the grid pages, through the services)."""

from django.contrib import admin

from ecoenforce.grids.models import Grid, PatrolPlan


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "town")
    search_fields = ("code", "name", "town")
    readonly_fields = ("boundary",)


@admin.register(PatrolPlan)
class PatrolPlanAdmin(admin.ModelAdmin):
    list_display = ("grid", "starts_on", "ends_on", "patrols_planned")
    readonly_fields = ("grid", "entities", "created_by")
