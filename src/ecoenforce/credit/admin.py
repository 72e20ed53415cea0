"""Admin for the credit rating policy (a change is a new version) and the stored ratings (read-only)."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.credit.models import CreditPolicy, CreditRating
from ecoenforce.credit.rating import JIANGSU_DEFAULTS
from ecoenforce.credit.services import credit_policy_add, credit_policy_check


@admin.register(CreditPolicy)
class CreditPolicyAdmin(VersionedPolicyAdmin):
    """Add a new version to change the scale, the indicators' points or the vetoes; the newest is in force."""

    def check_values(self, values) -> None:
        credit_policy_check(values)

    def add_version(self, *, actor, values, source):
        return credit_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(JIANGSU_DEFAULTS)


@admin.register(CreditRating)
class CreditRatingAdmin(admin.ModelAdmin):
    """Read-only: ratings are computed by the credit service (audited)."""

    list_display = ("entity", "period_start", "period_end", "grade", "score", "policy_version", "computed_at")
    list_filter = ("grade", "period_end")
    search_fields = ("entity__name", "entity__uscc")
    list_select_related = ("entity",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
