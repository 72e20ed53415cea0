"""Admin for registry reference data."""

from django.contrib import admin

from ecoenforce.registry.models import Industry, RegulatedEntity, RiskPolicy


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "division_name_zh")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(RegulatedEntity)
class RegulatedEntityAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "industry", "region", "permit_class", "is_key_unit")
    list_filter = ("permit_class", "is_key_unit", "region")
    search_fields = ("name", "uscc")
    raw_id_fields = ("industry",)


@admin.register(RiskPolicy)
class RiskPolicyAdmin(admin.ModelAdmin):
    """Add a new version to change the weights; the newest version is in force."""

    list_display = ("version", "source", "created_at")

    def has_change_permission(self, request, obj=None):
        return False
