"""Reward reads: the rules in force, a tip's assessment, the tipster's reward outcome in plain words (no staff names,
no amounts of anyone else), and the rewards a county's leader has to decide or pay."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import get_in_scope, home_region_q
from ecoenforce.core.models import User
from ecoenforce.social.models import Reward, RewardPolicy, Tip
from ecoenforce.social.rewards import (
    ANONYMOUS,
    CAPPED,
    NO_FINE,
    NOT_FIRST,
    NOT_VERIFIED,
    RAISED_TO_MINIMUM,
    SHARE,
    RewardAssessment,
    RewardRules,
    assess,
)

DECIDED = (Stage.DECISION, Stage.SERVICE, Stage.EXECUTION, Stage.CLOSED)

REASONS = {
    NOT_VERIFIED: gettext_noop("the bureau has not found the reported facts true"),
    NO_FINE: gettext_noop("no fine was decided in the case"),
    NOT_FIRST: gettext_noop("an earlier tip reported the same facts, and only the first reporter is rewarded"),
    ANONYMOUS: gettext_noop("the bureau's rules reward real-name tips only"),
    SHARE: gettext_noop("a share of the fine"),
    CAPPED: gettext_noop("limited to the maximum reward"),
    RAISED_TO_MINIMUM: gettext_noop("raised to the minimum reward"),
}


def reason_words(codes: list[str]) -> str:
    """The reasons in the reader's language, joined."""
    return "; ".join(_(REASONS[c]) for c in codes if c in REASONS)


def reward_rules() -> tuple[RewardRules, int | None]:
    """The rules in force and their policy version (None: the code's defaults)."""
    policy = RewardPolicy.newest()
    return RewardRules.from_values(policy.values if policy else None), (policy.version if policy else None)


def reward_facts(tip: Tip) -> dict:
    """What the rules look at, read from the tip, its lead and its case."""
    case = tip.lead.case
    verified = case is not None and case.stage != Stage.PROPOSED and case.outcome != case.Outcome.NOT_FILED
    fine = case.fine_amount if (verified and case.outcome == case.Outcome.PENALTY and case.stage in DECIDED) else None
    return {"verified": verified, "fine": fine, "first_reporter": tip.duplicate_of_id is None,
            "real_name": not tip.anonymous}


def reward_assess_tip(tip: Tip) -> tuple[RewardAssessment, int | None]:
    rules, version = reward_rules()
    return assess(rules=rules, **reward_facts(tip)), version


def reward_outcome_words(tip: Tip) -> tuple[str, bool]:
    """The reward part of the tracking page: eligible / awaiting approval / approved / paid / refused / not eligible
    and why (empty while the matter is still open: too early to say); and whether the tipster may claim it now."""
    reward = Reward.objects.filter(tip=tip).first()
    if reward is not None:
        return _reward_status_words(reward), False
    assessment, _version = reward_assess_tip(tip)
    if assessment.eligible:
        return _("Your tip is eligible for a reward of ¥%(amount)s (%(why)s). Claim it below.") % {
            "amount": assessment.amount, "why": reason_words(assessment.reasons)}, True
    lead, case = tip.lead, tip.lead.case
    finished = lead.status == lead.Status.CLOSED or (case is not None and (
        case.stage in DECIDED or case.outcome == case.Outcome.NOT_FILED)) or tip.duplicate_of_id is not None
    if not finished:
        return "", False
    return _("Not eligible for a reward: %(why)s.") % {"why": reason_words(assessment.reasons)}, False


def _reward_status_words(reward: Reward) -> str:
    if reward.status == Reward.Status.PAID:
        return _("Your reward of ¥%(amount)s was paid on %(date)s.") % {
            "amount": reward.paid_amount, "date": date_format(reward.paid_on)}
    if reward.status == Reward.Status.APPROVED:
        return _("Your reward of ¥%(amount)s was approved; the bureau will contact you to pay it.") % {
            "amount": reward.amount}
    if reward.status == Reward.Status.REFUSED:
        return _("The bureau reviewed your reward claim and did not approve it. Call the 12369 hotline to ask why.")
    return _("You claimed a reward of ¥%(amount)s; it is awaiting approval by the bureau.") % {"amount": reward.amount}


def rewards_for_user(*, user: User) -> QuerySet[Reward]:
    """Rewards of tips within the user's reach."""
    from ecoenforce.core.access import scope_by_region

    return scope_by_region(Reward.objects.select_related("tip__lead__region", "tip__lead__case"), user=user,
                           field="tip__lead__region__code")


def rewards_waiting(user: User) -> QuerySet[Reward]:
    """Claims the leader of the tip's own county has to approve or refuse, oldest first."""
    return (rewards_for_user(user=user).filter(status=Reward.Status.CLAIMED)
            .filter(home_region_q(user, field="tip__lead__region__code")).order_by("claimed_at", "id"))


def reward_get_for_user(*, user: User, reward_id: object) -> Reward:
    """One reward within the user's reach, or NotFound."""
    return get_in_scope(Reward.objects.select_related("tip__lead__region", "tip__lead__case"), user=user,
                        pk=reward_id, field="tip__lead__region__code")
