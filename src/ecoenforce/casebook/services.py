"""Typical-case and withdrawal writes, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.casebook.models import DecisionWithdrawal, TypicalCase
from ecoenforce.cases.models import Case
from ecoenforce.cases.services import case_publication_withdraw
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import get_in_scope, has_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.masking import mask_free_text
from ecoenforce.core.models import Role, User

# 行政处罚法 art. 48 with art. 85: a revoked or changed decision leaves the portal within 3 working days.
WITHDRAW_WITHIN_WORKING_DAYS = 3
PARTY = "某企业"


def redact(text: str, case: Case) -> str:
    """The party named by no name (某企业), the legal representative and the handlers masked, and every personal
    number masked (core.masking)."""
    text = (text or "").strip()
    entity = case.entity
    for name in sorted({entity.name, getattr(entity, "short_name", "") or ""} - {""}, key=len, reverse=True):
        text = text.replace(name, PARTY)
    people = [entity.legal_representative, *(h.full_name for h in case.handlers.all())]
    return mask_free_text(text, names=[p for p in people if p])


def _tags(raw: Sequence[str] | str) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("、", ",").split(",")
    return sorted({t.strip().replace("|", "")[:30] for t in raw if t and t.strip()})[:10]


@transaction.atomic
def typical_case_create(*, case_id: object, actor: User, title: str, facts_summary: str, outcome: str = "",
                        tags: Sequence[str] | str = ()) -> TypicalCase:
    """A unit leader turns a closed case into a published, redacted typical case."""
    if not has_role(actor, [Role.UNIT_LEADER]):
        raise PermissionDenied(_("Only a unit leader curates typical cases."))
    qs = Case.objects.select_for_update(of=("self",)).select_related("entity", "entity__industry", "region", "matter")
    case = get_in_scope(qs, user=actor, pk=case_id)
    if case.stage != Stage.CLOSED or case.outcome not in (Case.Outcome.PENALTY, Case.Outcome.NO_PENALTY):
        raise InvalidTransition(_("Only a closed case that was decided can become a typical case."),
                                code="not_closed")
    if TypicalCase.objects.filter(case=case).exists():
        raise InvalidTransition(_("This case is already in the typical-case library."), code="already_typical")
    if hasattr(case, "withdrawal"):
        raise InvalidTransition(_("This decision was revoked; it cannot be a typical case."), code="revoked")
    errors = {}
    if not title.strip():
        errors["title"] = [_("Required.")]
    if not facts_summary.strip():
        errors["facts_summary"] = [_("Required.")]
    if errors:
        raise ValidationFailed(_("Give the typical case a title and a summary of the facts."), details=errors)
    matter = case.matter
    default_outcome = (_("Fine of %(fine)s yuan") % {"fine": case.fine_amount} if case.fine_amount is not None
                       else _("No penalty"))
    typical = TypicalCase.objects.create(
        case=case, title=redact(title, case)[:200], facts_summary=redact(facts_summary, case),
        matter_code=matter.code if matter else "", violation=matter.name if matter else "",
        legal_basis=case.legal_basis, outcome=redact(outcome, case) or default_outcome, fine_amount=case.fine_amount,
        industry=case.entity.industry, region=case.region, tags=_tags(tags),
        tag_line="|" + "|".join(_tags(tags)) + "|", decided_on=case.decided_on,
        curated_by=actor, published_at=timezone.now())
    audit_record(actor=actor, obj=typical, action="typical_case.create", region_code=case.region.code,
                 after={"case": case.pk, "title": typical.title, "tags": typical.tags})
    return typical


@transaction.atomic
def decision_withdraw(*, case_id: object, actor: User, revoked_on: dt.date, reason: str) -> DecisionWithdrawal:
    """A published decision was revoked or changed (reconsideration, court, self-correction): take it off the
    portal now, recording the reason and whether the 3 working days were kept; its typical case goes with it."""
    if not has_role(actor, [Role.UNIT_LEADER]):
        raise PermissionDenied(_("Only a unit leader withdraws a published decision."))
    case = get_in_scope(Case.objects.select_related("region"), user=actor, pk=case_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Write why the decision was revoked or changed (e.g. the reconsideration decision "
                                 "and its number)."), details={"reason": [_("Required.")]})
    today = timezone.localdate()
    if revoked_on > today:
        raise ValidationFailed(_("The day of revocation cannot lie in the future."),
                               details={"revoked_on": [_("Out of range.")]})
    if case.decided_on and revoked_on < case.decided_on:
        raise ValidationFailed(_("The day of revocation cannot lie before the decision."),
                               details={"revoked_on": [_("Out of range.")]})
    case_publication_withdraw(case_id=case.pk, actor=actor, reason=reason)
    due = calendar_current().add_working_days(revoked_on, WITHDRAW_WITHIN_WORKING_DAYS).due
    withdrawal = DecisionWithdrawal.objects.create(case=case, revoked_on=revoked_on, reason=reason, due=due,
                                                   withdrawn_at=timezone.now(), withdrawn_by=actor)
    removed = TypicalCase.objects.filter(case=case).delete()[0]
    audit_record(actor=actor, obj=case, action="decision.withdraw", reason=reason,
                 after={"revoked_on": revoked_on, "due": due, "late": today > due, "typical_removed": bool(removed)})
    return withdrawal


def withdrawal_late(withdrawal: DecisionWithdrawal) -> bool:
    return timezone.localdate(withdrawal.withdrawn_at) > withdrawal.due
