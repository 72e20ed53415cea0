"""Case policy in the admin: stage deadlines, discretion policy versions (cases themselves move only through the workflow service)."""

from django.contrib import admin

from ecoenforce.cases.discretion import discretion_policy_add, discretion_policy_check, discretion_seed_values
from ecoenforce.cases.models import Case, DiscretionPolicy, LegalReviewPolicy, ProcedurePolicy, StageDeadline
from ecoenforce.cases.procedure import DEFAULTS as PROCEDURE_DEFAULTS
from ecoenforce.cases.procedure_services import procedure_policy_add, procedure_policy_check
from ecoenforce.cases.review import DEFAULT_VALUES, review_policy_add, review_policy_check
from ecoenforce.core.admin import VersionedPolicyAdmin


@admin.register(StageDeadline)
class StageDeadlineAdmin(admin.ModelAdmin):
    list_display = ("stage", "days", "day_kind", "basis")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "entity", "stage", "filed_on", "decision_due")
    list_filter = ("stage",)
    search_fields = ("number", "title")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DiscretionPolicy)
class DiscretionPolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change benchmarks, weights, situations or the apology rule."""

    def check_values(self, values) -> None:
        discretion_policy_check(values)

    def add_version(self, *, actor, values, source):
        return discretion_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return discretion_seed_values()


@admin.register(LegalReviewPolicy)
class LegalReviewPolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change which decisions are major and need legal review (fine threshold, kinds)."""

    def check_values(self, values) -> None:
        review_policy_check(values)

    def add_version(self, *, actor, values, source):
        return review_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(DEFAULT_VALUES)


@admin.register(ProcedurePolicy)
class ProcedurePolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change the procedure's periods (hearing notice, payment, surcharge, appeals, court
    enforcement, extension) or the collective-discussion criteria."""

    def check_values(self, values) -> None:
        procedure_policy_check(values)

    def add_version(self, *, actor, values, source):
        return procedure_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(PROCEDURE_DEFAULTS)
