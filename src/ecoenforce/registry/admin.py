"""Admin for registry reference data."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.registry.models import (
    CatalogueVersion,
    EnterpriseAccount,
    Industry,
    InspectorProfile,
    InspectorTie,
    PositiveListEntry,
    RegulatedEntity,
    RiskPolicy,
)
from ecoenforce.registry.risk_services import risk_policy_add, risk_policy_check


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "division_name_zh", "confidence")
    list_filter = ("confidence",)
    search_fields = ("code", "name_zh", "name_en")


@admin.register(RegulatedEntity)
class RegulatedEntityAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "industry", "region", "permit_class", "is_key_unit")
    list_filter = ("permit_class", "is_key_unit", "region")
    search_fields = ("name", "uscc")
    raw_id_fields = ("industry",)
    # The class comes from the classification and the flag from the positive-list process, each with its reasons
    # in the record (registry.risk_services, registry.positive); the admin shows them and never sets them.
    readonly_fields = ("risk_class", "risk_score", "risk_scored_on", "on_positive_list")


@admin.register(RiskPolicy)
class RiskPolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change the weights; the newest version is in force."""

    def check_values(self, values) -> None:
        risk_policy_check(values)

    def add_version(self, *, actor, values, source):
        return risk_policy_add(actor=actor, values=values, source=source)


@admin.register(InspectorTie)
class InspectorTieAdmin(admin.ModelAdmin):
    list_display = ("inspector", "entity", "kind", "declared_on")
    list_filter = ("kind",)
    raw_id_fields = ("inspector", "entity")


@admin.register(InspectorProfile)
class InspectorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "home_region", "in_pool", "updated_at")
    list_filter = ("in_pool",)
    raw_id_fields = ("user",)


@admin.register(EnterpriseAccount)
class EnterpriseAccountAdmin(admin.ModelAdmin):
    """Link an enterprise user to its facility (it can then apply for the positive list)."""

    list_display = ("user", "entity")
    raw_id_fields = ("user", "entity")


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    """Read-only here: versions are created, imported and published on the catalogue pages."""

    list_display = ("year", "status", "published_on", "source")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(PositiveListEntry)
class PositiveListEntryAdmin(admin.ModelAdmin):
    """Read-only: applications are decided on the positive-list pages (audited)."""

    list_display = ("entity", "status", "applied_at", "valid_until")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
