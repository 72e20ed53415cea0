"""按日连续处罚 writes: serve an order to correct, record the covert re-inspection (and the daily penalty it gives).

The arithmetic and the order of rounds are `cases.daily_penalty` (pure); these services lock the case, check the
person and the case, store the round and audit it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.cases.daily_penalty import (
    DailyPenaltyError,
    Finding,
    Round,
    check_new_order,
    reinspection_due,
    round_penalty,
    rounds_state,
)
from ecoenforce.cases.models import Case, CorrectionOrder
from ecoenforce.cases.workflow import INSPECTOR, LEADER, Stage
from ecoenforce.core.access import has_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.core.numbering import document_number_next

DECIDED_STAGES = (Stage.DECISION, Stage.SERVICE, Stage.EXECUTION)


def _rounds(case: Case) -> list[Round]:
    return [Round(o.served_on, o.reinspected_on, Finding(o.finding) if o.finding else None)
            for o in case.correction_orders.order_by("round_no")]


def daily_penalty_state(case: Case, today: dt.date | None = None):
    """The rounds' state for the case page and the queue (`daily_penalty.State`), None without a decided fine."""
    if not case.fine_amount:
        return None
    return rounds_state(original_fine=case.fine_amount, rounds=_rounds(case), today=today or timezone.localdate())


def _locked_case(case_id: int, actor: User) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("organization").get(pk=case_id)
    if not has_role(actor, frozenset({INSPECTOR, LEADER})):
        raise PermissionDenied(_("Only inspectors and unit leaders record orders to correct and re-inspections."))
    if case.stage not in DECIDED_STAGES or not case.fine_amount:
        raise InvalidTransition(_("A daily penalty follows an original penalty decision with a fine (Order 28 art. 7): "
                                  "decide the case first."), code="not_decided")
    return case


@transaction.atomic
def correction_order_serve(*, case_id: int, actor: User, served_on: dt.date | None = None,
                           notes: str = "") -> CorrectionOrder:
    """Serve an order to correct (责令改正违法行为决定书): the first after the decision, or the next after a
    re-inspection found the violation going on. The covert re-inspection is due within 30 days."""
    case = _locked_case(case_id, actor)
    served_on = served_on or timezone.localdate()
    if case.decided_on and served_on < case.decided_on:
        raise ValidationFailed(_("The order is served on or after the decision (%(on)s).") % {"on": case.decided_on},
                               details={"served_on": [_("Too early.")]})
    rounds = _rounds(case)
    try:
        check_new_order(rounds, served_on)
    except DailyPenaltyError as exc:
        raise InvalidTransition({
            "round_open": _("The last order to correct has not been re-inspected yet: record the re-inspection first."),
            "stopped": _("The last re-inspection found the violation stopped: no further daily penalty (Order 28 "
                         "art. 12). A new violation is a new case."),
            "order_before_reinspection": _("A new order is served on or after the last re-inspection."),
        }[exc.code], code=f"daily_{exc.code}") from None
    order = CorrectionOrder.objects.create(
        case=case, round_no=len(rounds) + 1, served_on=served_on, reinspection_due=reinspection_due(served_on),
        number=document_number_next(organization=case.organization, kind="correction", year=served_on.year),
        notes=notes.strip())
    audit_record(actor=actor, obj=case, action="case.correction_order", reason=notes.strip(),
                 after={"round": order.round_no, "number": order.number, "served_on": served_on,
                        "reinspection_due": order.reinspection_due})
    return order


@transaction.atomic
def reinspection_record(*, case_id: int, actor: User, finding: str, reinspected_on: dt.date | None = None,
                        notes: str = "") -> CorrectionOrder:
    """Record the covert re-inspection of the open round: not corrected (or refused) gives the round's daily penalty
    — the original fine × the days from the day after the order's service to today; corrected, production stopped
    or closed ends the rounds."""
    case = _locked_case(case_id, actor)
    order = case.correction_orders.select_for_update().filter(reinspected_on__isnull=True).order_by("round_no").first()
    if order is None:
        raise InvalidTransition(_("No order to correct awaits a re-inspection."), code="daily_no_open_round")
    if finding not in {f.value for f in Finding}:
        raise ValidationFailed(_("Choose what the re-inspection found."), details={"finding": [_("Choose one.")]})
    reinspected_on = reinspected_on or timezone.localdate()
    if not notes.strip():
        raise ValidationFailed(_("Describe what the re-inspection found; it goes into the case record."),
                               details={"notes": [_("Required.")]})
    try:
        days, amount = round_penalty(original_fine=case.fine_amount, served_on=order.served_on,
                                     reinspected_on=reinspected_on, finding=Finding(finding))
    except DailyPenaltyError:
        raise ValidationFailed(_("The re-inspection comes after the day the order was served (%(on)s).")
                               % {"on": order.served_on}, details={"reinspected_on": [_("Too early.")]}) from None
    order.reinspected_on, order.finding, order.notes = reinspected_on, finding, notes.strip()
    order.days, order.amount = (days, amount) if days else (None, None)
    if days:  # the round's 按日连续处罚决定书 is numbered with the finding that gives it
        order.decision_number = document_number_next(organization=case.organization, kind="daily_penalty",
                                                      year=reinspected_on.year)
    order.save(update_fields=["reinspected_on", "finding", "notes", "days", "amount", "decision_number"])
    audit_record(actor=actor, obj=case, action="case.reinspection", reason=notes.strip(),
                 after={"round": order.round_no, "finding": finding, "reinspected_on": reinspected_on,
                        "late": reinspected_on > order.reinspection_due, "days": days, "amount": str(amount),
                        "decision_number": order.decision_number})
    return order
