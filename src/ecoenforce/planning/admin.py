"""Admin for planning policy data: versions are added, never edited (the newest is in force)."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.planning.capacity import PlanningRules
from ecoenforce.planning.models import PlanningPolicy
from ecoenforce.planning.services import planning_policy_add, planning_policy_check


@admin.register(PlanningPolicy)
class PlanningPolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change caps, capacity factors or default ratios."""

    def check_values(self, values) -> None:
        planning_policy_check(values)

    def add_version(self, *, actor, values, source):
        return planning_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return PlanningRules().as_values()
