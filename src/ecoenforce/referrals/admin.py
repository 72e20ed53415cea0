"""Referral policy in the admin (a new version is added, never edited) and referrals read-only."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.referrals.models import Referral, ReferralPolicy
from ecoenforce.referrals.services import DEFAULTS, referral_policy_add, referral_policy_check


@admin.register(ReferralPolicy)
class ReferralPolicyAdmin(VersionedPolicyAdmin):
    """Add a version to change how many working days a department has to answer."""

    def check_values(self, values) -> None:
        referral_policy_check(values)

    def add_version(self, *, actor, values, source):
        return referral_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(DEFAULTS)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("number", "direction", "department", "status", "deadline")
    list_filter = ("direction", "status")
    readonly_fields = [f.name for f in Referral._meta.fields]
