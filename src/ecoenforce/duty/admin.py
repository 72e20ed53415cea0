"""Admin for the scorecard policy (a change is a new version) and the duty requirements (reference text)."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.duty.models import DutyPolicy, DutyRequirement
from ecoenforce.duty.scorecard import DEFAULT_VALUES
from ecoenforce.duty.services import duty_policy_add, duty_policy_check


@admin.register(DutyPolicy)
class DutyPolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change indicators, targets or weights; the newest is in force."""

    def check_values(self, values) -> None:
        duty_policy_check(values)

    def add_version(self, *, actor, values, source):
        return duty_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(DEFAULT_VALUES)


@admin.register(DutyRequirement)
class DutyRequirementAdmin(admin.ModelAdmin):
    list_display = ("level", "post", "matter", "order")
    list_filter = ("level", "post")
    search_fields = ("requirement", "basis", "matter__name")
    autocomplete_fields = ()
    raw_id_fields = ("matter",)
