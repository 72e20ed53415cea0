"""What a procedural step records besides the stage (`Transition.records`), each with its checks.

`case_transition` locks the case, checks the table and calls `record_step` inside its transaction; a recorder
refuses with a translated error before anything is written. Also: the procedure policy in force, payments owed
(with the late surcharge), and the court-enforcement window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ecoenforce.cases.models import Case, CollectiveDiscussion, Hearing, Payment, ProcedurePolicy
from ecoenforce.cases.procedure import (
    SERVICE_METHODS,
    ProcedureError,
    ProcedureRules,
    enforcement_blocks,
    enforcement_window,
    late_surcharge,
)
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.errors import InvalidTransition, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.core.numbering import document_number_next


def procedure_rules_current() -> tuple[ProcedureRules, int | None]:
    """The procedure rules in force and their version (the code's defaults, version None, when none is stored)."""
    latest = ProcedurePolicy.newest()
    if latest is None:
        return ProcedureRules(), None
    return ProcedureRules.from_values(latest.values or {}), latest.version


def procedure_policy_check(values: object) -> None:
    """Refuse values the procedure cannot read, naming the key."""
    try:
        ProcedureRules.from_values(values)  # type: ignore[arg-type]
    except ProcedureError as exc:
        raise ValidationFailed(_("A key is missing or has the wrong type: %(item)s.") % {"item": exc.subject or "—"},
                               details={"values": [_("Check the values.")]}) from None


@transaction.atomic
def procedure_policy_add(*, actor: User | None, values: object, source: str = "") -> ProcedurePolicy:
    """Store the next version of the procedure policy (the newest is in force)."""
    procedure_policy_check(values)
    policy = ProcedurePolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="procedure_policy.add", after=values, reason=source)
    return policy


def _text(details: Mapping, key: str, label: str, *, required: bool = True) -> str:
    value = str(details.get(key) or "").strip()
    if required and not value:
        raise ValidationFailed(_("Fill in: %(field)s.") % {"field": label}, details={key: [_("Required.")]})
    return value


def _date(details: Mapping, key: str, label: str) -> dt.date:
    raw = details.get(key)
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise ValidationFailed(_("Enter %(field)s as a date (YYYY-MM-DD).") % {"field": label},
                               details={key: [_("Enter a date.")]}) from None


def _amount(details: Mapping, key: str) -> Decimal:
    try:
        value = Decimal(str(details.get(key) or "").strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Enter the amount in yuan, more than zero, at most two decimals."),
                               details={key: [_("Enter an amount.")]})
    return value


@dataclass
class Recorded:
    """What a recorder changed on the case (fields to save) and what the audit event keeps about it."""

    fields: list[str]
    extra: dict


def _suspension(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    left = max(0, calendar_current().working_days_between(today, case.decision_due))
    case.suspended_on, case.suspended_days_left = today, left
    return Recorded(["suspended_on", "suspended_days_left"], {"working_days_left": left})


def _resumption(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    left = case.suspended_days_left or 0
    due = calendar_current().add_working_days(today, left)
    before = case.decision_due
    case.decision_due, case.decision_due_provisional = due.due, due.provisional
    extra = {"suspended_on": case.suspended_on, "working_days_left": left, "decision_due_before": before}
    case.suspended_on, case.suspended_days_left = None, None
    return Recorded(["decision_due", "decision_due_provisional", "suspended_on", "suspended_days_left"], extra)


def _extension(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    if case.decision_extended_on is not None:
        raise InvalidTransition(_("The decision limit was already extended on %(on)s; it is extended only once.")
                                % {"on": case.decision_extended_on}, code="already_extended")
    before = case.decision_due
    due = calendar_current().add_calendar_days(before, rules.extension_days)
    case.decision_due, case.decision_due_provisional, case.decision_extended_on = due.due, due.provisional, today
    return Recorded(["decision_due", "decision_due_provisional", "decision_extended_on"],
                    {"decision_due_before": before, "extension_days": rules.extension_days})


def _hearing_request(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    if case.notice_served_on is None:
        raise InvalidTransition(_("Serve the advance notice first: the party asks for a hearing after being told of "
                                  "the proposed penalty."), code="notice_not_served")
    if today > case.notice_period_ends:
        raise InvalidTransition(_("The period for a hearing request ended on %(end)s (5 working days from the notice "
                                  "served on %(served)s); a request made on %(today)s is late.")
                                % {"end": case.notice_period_ends, "served": case.notice_served_on, "today": today},
                                code="hearing_request_late")
    if Hearing.objects.filter(case=case).exists():
        raise InvalidTransition(_("A hearing has already been requested for this case."), code="hearing_exists")
    Hearing.objects.create(case=case, requested_on=today, request_text=str(details.get("request_text") or ""))
    case.notice_waived_on = None  # asking for a hearing withdraws any earlier waiver
    return Recorded(["notice_waived_on"], {"hearing_requested_on": today})


def _open_hearing(case: Case) -> Hearing:
    hearing = Hearing.objects.select_for_update().filter(case=case).first()
    if hearing is None:
        raise InvalidTransition(_("The party has not asked for a hearing: record the request first."),
                                code="no_hearing_request")
    if hearing.held_on is not None:
        raise InvalidTransition(_("The hearing was already held on %(on)s.") % {"on": hearing.held_on},
                                code="hearing_held")
    return hearing


def _hearing_notice(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    hearing = _open_hearing(case)
    hearing_on = _date(details, "hearing_on", _("the hearing date"))
    place = _text(details, "place", _("the place of the hearing"))
    earliest = calendar_current().add_working_days(today, rules.hearing_notice_working_days).due
    if hearing_on < earliest:
        raise ValidationFailed(
            _("The hearing on %(on)s is too soon: the notice served on %(today)s must reach the party at least "
              "%(days)s working days before the hearing (Administrative Penalty Law arts. 64, 85). The earliest date is "
              "%(earliest)s.") % {"on": hearing_on, "today": today, "days": rules.hearing_notice_working_days,
                                  "earliest": earliest}, details={"hearing_on": [_("Too soon.")]})
    hearing.notice_served_on, hearing.hearing_on, hearing.place = today, hearing_on, place
    if not hearing.notice_number:
        hearing.notice_number = document_number_next(organization=case.organization, kind="hearing",
                                                     year=today.year)
    hearing.save(update_fields=["notice_served_on", "hearing_on", "place", "notice_number"])
    case.stage_due, case.stage_due_provisional = hearing_on, False
    return Recorded(["stage_due", "stage_due_provisional"],
                    {"hearing_on": hearing_on, "place": place, "hearing_notice_number": hearing.notice_number})


def _hearing(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    hearing = _open_hearing(case)
    if hearing.hearing_on is None:
        raise InvalidTransition(_("Serve the hearing notice first."), code="hearing_not_scheduled")
    if today < hearing.hearing_on:
        raise InvalidTransition(_("The hearing is set for %(on)s; record it on or after that day.")
                                % {"on": hearing.hearing_on}, code="hearing_not_yet")
    try:
        host_id = int(str(details.get("host") or "").strip())
    except ValueError:
        raise ValidationFailed(_("Choose who hosted the hearing."), details={"host": [_("Required.")]}) from None
    host = User.objects.filter(pk=host_id, organization_id=case.organization_id, is_active=True).first()
    if host is None:
        raise ValidationFailed(_("The host must be an active officer of the handling organization."),
                               details={"host": [_("Choose a person.")]})
    if case.handlers.filter(pk=host.pk).exists():
        raise ValidationFailed(_("%(name)s investigated this case and cannot host its hearing (Administrative Penalty "
                                 "Law art. 64: the host is not one of the case's investigators).")
                               % {"name": host.display_name}, details={"host": [_("Not a handler of the case.")]})
    hearing.host = host
    hearing.attendees = _text(details, "attendees", _("who attended"))
    hearing.arguments = _text(details, "arguments", _("the party's statement and arguments"))
    hearing.outcome = _text(details, "outcome", _("the outcome of the hearing"))
    hearing.held_on = today
    hearing.save(update_fields=["host", "attendees", "arguments", "outcome", "held_on"])
    return Recorded([], {"hearing_held_on": today, "host": host.display_name})


def _discussion(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    participants = _text(details, "participants", _("the participants"))
    conclusion = _text(details, "conclusion", _("the conclusion"))
    CollectiveDiscussion.objects.create(case=case, held_on=today, participants=participants, conclusion=conclusion,
                                        recorded_by=actor)
    return Recorded([], {"discussion_on": today, "participants": participants})


def _service(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    method = _text(details, "method", _("the service method"))
    if method not in SERVICE_METHODS:
        raise ValidationFailed(_("Choose how the decision was served."), details={"method": [_("Choose one.")]})
    if method == "electronic" and str(details.get("consent") or "") != "1":
        raise ValidationFailed(_("Electronic service needs the party's written consent: record that it agreed."),
                               details={"consent": [_("Required for electronic service.")]})
    recipient = _text(details, "recipient", _("who received it"))
    due = calendar_current().add_calendar_days(today, rules.payment_days)
    case.service_method, case.service_recipient, case.decision_served_on = method, recipient, today
    case.payment_due = due.due if case.fine_amount else None
    return Recorded(["service_method", "service_recipient", "decision_served_on", "payment_due"],
                    {"service_method": method, "recipient": recipient, "payment_due": case.payment_due})


def amount_paid(case: Case) -> Decimal:
    """What the party has paid so far."""
    return Payment.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] or Decimal("0")


@dataclass(frozen=True)
class Owed:
    """What the party owes on a day: the fine left, the late surcharge (加处罚款) so far, and whether it is late."""

    fine_left: Decimal
    surcharge: Decimal
    overdue: bool


def payment_owed(case: Case, on: dt.date, rules: ProcedureRules | None = None) -> Owed | None:
    """None when there is no fine or the decision is not served yet."""
    if not case.fine_amount or case.payment_due is None:
        return None
    rules = rules or procedure_rules_current()[0]
    left = max(Decimal("0"), case.fine_amount - amount_paid(case))
    surcharge = (late_surcharge(fine=case.fine_amount, due=case.payment_due, on=on,
                                percent_per_day=rules.surcharge_percent_per_day) if left else Decimal("0"))
    return Owed(left, surcharge, bool(left) and on > case.payment_due)


def _payment(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    if not case.fine_amount:
        raise InvalidTransition(_("This decision imposes no fine to pay."), code="no_fine")
    amount = _amount(details, "amount")
    receipt = _text(details, "receipt_no", _("the receipt number"))
    owed = payment_owed(case, today, rules)
    surcharge = owed.surcharge if owed else Decimal("0")
    Payment.objects.create(case=case, amount=amount, paid_on=today, receipt_no=receipt, surcharge_due=surcharge)
    return Recorded([], {"amount": str(amount), "receipt_no": receipt, "surcharge_due": str(surcharge)})


def _enforcement(case: Case, actor: User, today: dt.date, details: Mapping, rules: ProcedureRules) -> Recorded:
    blocked = enforcement_blocks(served_on=case.decision_served_on, fine=case.fine_amount, paid=amount_paid(case),
                                 today=today, rules=rules)
    if blocked:
        window = enforcement_window(case.decision_served_on, rules) if case.decision_served_on else None
        messages = {
            "not_served": _("The decision has not been served: the periods have not started."),
            "paid": _("The fine has been paid: there is nothing to enforce."),
            "periods_running": _("The party may still apply for reconsideration or sue until %(end)s; the bureau may "
                                 "apply to the court from %(opens)s (Administrative Coercion Law art. 53)."),
            "too_late": _("The application period ended on %(closes)s (3 months after the appeal periods, "
                          "Administrative Coercion Law art. 53)."),
        }
        params = {"end": window.appeals_end, "opens": window.opens, "closes": window.closes} if window else {}
        raise InvalidTransition(messages[blocked] % params, code=f"enforcement_{blocked}")
    court = _text(details, "court", _("the court"))
    case.enforcement_applied_on, case.enforcement_court = today, court
    return Recorded(["enforcement_applied_on", "enforcement_court"], {"court": court})


RECORDERS: dict[str, Callable[..., Recorded]] = {
    "suspension": _suspension, "resumption": _resumption, "extension": _extension,
    "hearing_request": _hearing_request, "hearing_notice": _hearing_notice, "hearing": _hearing,
    "discussion": _discussion, "service": _service, "payment": _payment, "enforcement": _enforcement,
}


def record_step(records: str, *, case: Case, actor: User, today: dt.date, details: Mapping) -> Recorded:
    """Run the recorder the transition names (inside `case_transition`'s transaction, the case locked)."""
    rules, _version = procedure_rules_current()
    return RECORDERS[records](case, actor, today, details or {}, rules)


def hearing_state(case: Case) -> tuple[bool, bool, dt.date | None]:
    """(requested, held, held_on) for the case's hearing."""
    hearing = Hearing.objects.filter(case=case).first()
    return hearing is not None, bool(hearing and hearing.held_on), (hearing.held_on if hearing else None)
