"""Admin for the tip reward policy: a change is a new version, checked before it is stored; the newest is in force."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.social.models import RewardPolicy
from ecoenforce.social.rewards import DEFAULTS
from ecoenforce.social.rewards_services import reward_policy_add, reward_policy_check


@admin.register(RewardPolicy)
class RewardPolicyAdmin(VersionedPolicyAdmin):
    """Add a version to change the share of the fine, the cap, the minimum or who is eligible."""

    def check_values(self, values) -> None:
        reward_policy_check(values)

    def add_version(self, *, actor, values, source):
        return reward_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(DEFAULTS)
