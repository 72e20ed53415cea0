"""Reward writes: the tipster claims with the tracking code, a unit leader of the tip's county approves or refuses,
and the payment is recorded (date, amount, method). One reward per tip: a second claim, decision or payment is refused
with a clear message. Each step is transactional and audited — the audit says amounts, dates, the method and the
policy version, never who the tipster is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecoenforce.core.access import home_region_q, require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.social.models import Reward, Tip
from ecoenforce.social.rewards_selectors import reason_words, reward_assess_tip, reward_get_for_user
from ecoenforce.social.selectors import tip_get_by_code

DECIDE_ROLES = (Role.UNIT_LEADER,)


def _already(reward: Reward) -> ValidationFailed:
    return ValidationFailed(_("A reward for this tip was already claimed on %(date)s (now: %(status)s). Each tip is "
                              "rewarded once.") % {"date": date_format(timezone.localtime(reward.claimed_at).date()),
                                                   "status": reward.get_status_display()})


@transaction.atomic
def reward_claim(*, code: str) -> Reward:
    """The tipster claims the reward their tip earned (the tracking code is the proof); refused if already claimed
    or not eligible, with the reasons."""
    found = tip_get_by_code(code)
    tip = Tip.objects.select_for_update(of=("self",)).select_related("lead__case", "lead__region").get(pk=found.pk)
    existing = Reward.objects.filter(tip=tip).first()
    if existing is not None:
        raise _already(existing)
    assessment, version = reward_assess_tip(tip)
    if not assessment.eligible:
        raise ValidationFailed(_("This tip is not eligible for a reward: %(why)s.")
                               % {"why": reason_words(assessment.reasons)})
    reward = Reward.objects.create(tip=tip, amount=assessment.amount, fine=tip.lead.case.fine_amount,
                                   reasons=assessment.reasons, policy_version=version, claimed_at=timezone.now())
    audit_record(actor=None, obj=tip.lead, action="reward.claim", after={
        "amount": str(reward.amount), "fine": str(reward.fine), "reasons": reward.reasons,
        "policy_version": version})
    return reward


def _for_leader(actor: User, reward_id: object) -> Reward:
    require_role(actor, DECIDE_ROLES)
    reward = reward_get_for_user(user=actor, reward_id=reward_id)
    # A county's rewards are its own leader's to decide (not every leader above).
    if not Reward.objects.filter(pk=reward.pk).filter(home_region_q(actor, field="tip__lead__region__code")).exists():
        raise NotFound()
    return Reward.objects.select_for_update(of=("self",)).select_related("tip__lead").get(pk=reward.pk)


@transaction.atomic
def reward_decide(*, actor: User, reward_id: object, approve: bool, reason: str = "") -> Reward:
    """A unit leader of the tip's county approves the claimed reward or refuses it (a refusal needs a reason)."""
    reward = _for_leader(actor, reward_id)
    if reward.status != Reward.Status.CLAIMED:
        raise ValidationFailed(_("This reward was already decided (now: %(status)s).")
                               % {"status": reward.get_status_display()})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed(_("Say why the reward is refused."), details={"reason": [_("Required.")]})
    reward.status = Reward.Status.APPROVED if approve else Reward.Status.REFUSED
    reward.decided_by, reward.decided_at, reward.refusal_reason = actor, timezone.now(), "" if approve else reason
    reward.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    audit_record(actor=actor, obj=reward.tip.lead, action="reward.approve" if approve else "reward.refuse",
                 before={"status": Reward.Status.CLAIMED}, after={"status": reward.status,
                                                                  "amount": str(reward.amount)},
                 reason="" if approve else reason)
    return reward


@transaction.atomic
def reward_record_payment(*, actor: User, reward_id: object, paid_on: dt.date | None, amount: object,
                          method: str) -> Reward:
    """Record that an approved reward was paid: the date, the amount (not above the approved one) and the method."""
    reward = _for_leader(actor, reward_id)
    if reward.status == Reward.Status.PAID:
        raise ValidationFailed(_("This reward was already paid on %(date)s.") % {"date": date_format(reward.paid_on)})
    if reward.status != Reward.Status.APPROVED:
        raise ValidationFailed(_("Only an approved reward can be paid (now: %(status)s).")
                               % {"status": reward.get_status_display()})
    problems: dict[str, list[str]] = {}
    try:
        paid = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        paid = None
    if paid is None or not paid.is_finite() or paid <= 0 or paid > reward.amount:
        problems["amount"] = [_("An amount above zero and at most the approved ¥%(amount)s.") % {"amount": reward.amount}]
    if paid_on is None or paid_on > timezone.localdate():
        problems["paid_on"] = [_("The day it was paid (not in the future).")]
    if method not in Reward.Method.values:
        problems["method"] = [_("Choose how it was paid.")]
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], details=problems)
    reward.status, reward.paid_on, reward.paid_amount, reward.payment_method = Reward.Status.PAID, paid_on, paid, method
    reward.paid_recorded_by = actor
    reward.save(update_fields=["status", "paid_on", "paid_amount", "payment_method", "paid_recorded_by"])
    audit_record(actor=actor, obj=reward.tip.lead, action="reward.pay", before={"status": Reward.Status.APPROVED},
                 after={"status": reward.status, "paid_on": paid_on.isoformat(), "amount": str(paid), "method": method})
    return reward


def reward_policy_check(values: object) -> None:
    """Refuse reward rules the assessment cannot use (ValidationFailed says what to correct)."""
    from ecoenforce.social.rewards import RewardRules

    if not isinstance(values, dict):
        raise ValidationFailed(_("The reward policy must be an object of keys and values."))
    try:
        RewardRules.from_values(values)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ValidationFailed(_("The reward policy could not be read: %(error)s. The share is above 0 and at most 1, "
                                 "and 0 ≤ minimum ≤ cap (yuan).") % {"error": exc}) from None


@transaction.atomic
def reward_policy_add(*, actor: User | None, values: dict, source: str = "") -> object:
    """Store the next reward policy version (older versions stay for the record; claims keep the version they used)."""
    from ecoenforce.social.models import RewardPolicy

    reward_policy_check(values)
    policy = RewardPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="reward_policy.add", after=values, reason=source)
    return policy
