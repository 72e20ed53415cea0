"""Duty writes: the scoring policy's versions, and the satisfaction answers of firms and tipsters."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.duty.indicators import INDICATORS
from ecoenforce.duty.models import DutyPolicy, SatisfactionAnswer
from ecoenforce.duty.scorecard import PolicyError, policy_check
from ecoenforce.duty.selectors import case_to_rate

_POLICY_MESSAGES = {
    "no_dimensions": gettext_noop("Name at least one dimension under \"dimensions\"."),
    "unknown_dimension": gettext_noop("Unknown dimension \"%(dimension)s\"."),
    "bad_dimension": gettext_noop("Dimension \"%(dimension)s\" needs a positive weight and its indicators."),
    "unknown_indicator": gettext_noop("Unknown indicator \"%(indicator)s\"."),
    "bad_indicator": gettext_noop("Indicator \"%(indicator)s\" needs a positive weight and a positive target."),
    "bad_direction": gettext_noop("Indicator \"%(indicator)s\": \"better\" is either higher or lower."),
}


def duty_policy_check(values) -> None:
    """Raise ValidationFailed (translated) unless the values can score."""
    if not isinstance(values, dict):
        raise ValidationFailed(_("The policy is a JSON object with \"dimensions\"."))
    try:
        policy_check(values, set(INDICATORS))
    except PolicyError as exc:
        raise ValidationFailed(_(_POLICY_MESSAGES[exc.code]) % exc.params) from None


def duty_policy_add(*, actor: User, values: dict, source: str = "") -> DutyPolicy:
    duty_policy_check(values)
    with transaction.atomic():
        saved = DutyPolicy.add_version(values=values, source=source)
        audit_record(actor=actor, obj=saved, action="duty_policy.add", after={"version": saved.version},
                     region_code=actor.organization.region.code if actor.organization_id else "")
    return saved


def _score(score) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        message = _("Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).")
        raise ValidationFailed(message, details={"score": [message]})
    return value


def firm_rating_submit(*, user: User, case_id: object, score, comment: str = "") -> SatisfactionAnswer:
    """The firm rates how its closed case was handled: once, within the window, only for its own case."""
    value = _score(score)
    with transaction.atomic():
        case = case_to_rate(user=user, case_id=case_id)
        try:
            with transaction.atomic():
                answer = SatisfactionAnswer.objects.create(respondent="firm", case=case, answered_by=user, score=value,
                                                           comment=(comment or "").strip()[:2000],
                                                           answered_at=timezone.now())
        except IntegrityError:
            raise ValidationFailed(_("This case has already been rated.")) from None
        audit_record(actor=user, obj=case, action="duty.firm_rating", after={"score": value})
    return answer


def public_rating_submit(*, code: str, score, comment: str = "") -> SatisfactionAnswer:
    """A tipster rates how the tip was handled, by the tracking code, once the tip has an outcome. Anonymous."""
    from ecoenforce.social.selectors import tip_get_by_code, tip_progress

    value = _score(score)
    progress = tip_progress(code)  # NotFound for an unknown code
    if not progress.outcome:
        raise ValidationFailed(_("You can rate the handling once your tip has an outcome."))
    with transaction.atomic():
        lead = tip_get_by_code(code).lead
        try:
            with transaction.atomic():
                answer = SatisfactionAnswer.objects.create(respondent="public", lead=lead, score=value,
                                                           comment=(comment or "").strip()[:2000],
                                                           answered_at=timezone.now())
        except IntegrityError:
            raise ValidationFailed(_("This tip has already been rated. Thank you.")) from None
        audit_record(actor=None, obj=lead, action="duty.public_rating", after={"score": value})
    return answer


def duty_requirements_add(*, actor: User, rows: list[dict]) -> list:
    """Add duty requirements (level, post, requirement, basis, order); all or nothing, audited once."""
    from ecoenforce.duty.models import DutyRequirement

    made = []
    with transaction.atomic():
        for row in rows:
            item = DutyRequirement(**row)
            try:
                item.full_clean()
            except Exception as exc:  # a django ValidationError: said in the row's words
                raise ValidationFailed.from_django(exc) from None
            item.save()
            made.append(item)
        audit_record(actor=actor, object_type="duty.dutyrequirement", object_id="*", action="duty.requirements_add",
                     after={"added": len(made)},
                     region_code=actor.organization.region.code if actor.organization_id else "")
    return made
