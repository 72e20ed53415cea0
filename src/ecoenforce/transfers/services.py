"""Criminal-link writes: the threshold facts of a case, and each step of a transfer; every write audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import get_in_scope, has_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.core.numbering import document_number_next
from ecoenforce.notifications.models import Kind as NotificationKind
from ecoenforce.notifications.services import notify
from ecoenforce.transfers import thresholds
from ecoenforce.transfers.labels import DOCUMENT_CODES, FIELD_ERRORS, REQUIRED_DOCUMENTS, hit_text
from ecoenforce.transfers.models import STATUS_LABELS, CaseFacts, Transfer
from ecoenforce.transfers.workflow import (
    DECIDE_WITHIN_DAYS,
    POLICE_DECIDE_DAYS,
    RECONSIDERATION_WORKING_DAYS,
    SEND_WITHIN,
    SHARE_WITHIN_DAYS,
    Status,
    step_for,
)


def _today() -> dt.date:
    return timezone.localdate()


def _may_handle(case: Case, actor: User) -> bool:
    """The case's handlers, or a unit leader of the handling organization."""
    if has_role(actor, [Role.UNIT_LEADER]) and actor.organization_id == case.organization_id:
        return True
    return has_role(actor, [Role.INSPECTOR]) and case.handlers.filter(pk=actor.pk).exists()


def _leaders(case: Case) -> list[User]:
    return list(User.objects.filter(organization_id=case.organization_id, role=Role.UNIT_LEADER, is_active=True))


def _case_for(actor: User, case_id: object) -> Case:
    qs = Case.objects.select_for_update(of=("self",)).select_related("organization", "entity", "region")
    case = get_in_scope(qs, user=actor, pk=case_id)
    if not _may_handle(case, actor):
        raise PermissionDenied(_("Only the case's handlers or a unit leader of the handling organization may do this."))
    return case


@transaction.atomic
def case_facts_record(*, case_id: object, actor: User, values: dict) -> CaseFacts:
    """Record the facts the criminal thresholds read (法释〔2023〕7号) and check them; when a threshold is first met
    the 3 days to decide on a transfer start, and the unit leaders hear of it."""
    case = _case_for(actor, case_id)
    if case.stage == Stage.CLOSED:
        raise InvalidTransition(_("The case is closed: its facts can no longer change."))
    try:
        facts = thresholds.Facts.from_values(values)
    except thresholds.FactsInvalid as exc:
        raise ValidationFailed(_("Some facts cannot be read: correct the marked fields."),
                               details={exc.field: [str(FIELD_ERRORS.get(exc.code, exc.code))]}) from None
    hits = thresholds.check(facts)
    record = CaseFacts.objects.select_for_update().filter(case=case).first()
    before = None if record is None else {"values": record.values, "tier": record.tier}
    if record is None:
        record = CaseFacts(case=case, recorded_by=actor)
    today = _today()
    first_met = bool(hits) and record.threshold_met_on is None
    record.values, record.recorded_by = facts.as_values(), actor
    record.hits = [{"code": h.code, "article": h.article, "tier": h.tier, "params": h.params} for h in hits]
    record.tier = thresholds.tier(hits)
    if not hits:
        record.threshold_met_on = record.decide_due = None
    elif first_met:
        record.threshold_met_on = today
        record.decide_due = calendar_current().add_calendar_days(today, DECIDE_WITHIN_DAYS).due
    record.save()
    audit_record(actor=actor, obj=case, action="case_facts.record", before=before,
                 after={"values": record.values, "tier": record.tier, "rules": [h.code for h in hits],
                        "decide_due": record.decide_due})
    if first_met:
        notify(recipients=[p for p in _leaders(case) if p.pk != actor.pk], kind=NotificationKind.ASSIGNMENT,
               verb=gettext_noop("Case %(number)s (%(entity)s) meets a criminal threshold: decide on a transfer by "
                                 "%(due)s"),
               params={"number": case.number, "entity": case.entity.name, "due": str(record.decide_due)},
               url=reverse("cases:detail", args=[case.pk]), ref=f"cases.case:{case.pk}",
               key=f"transfer.threshold:{case.pk}:{today.isoformat()}")
    return record


@transaction.atomic
def transfer_propose(*, case_id: object, actor: User, kind: str, report: str) -> Transfer:
    """The handlers' written report proposing a transfer (the leader decides within 3 days)."""
    case = _case_for(actor, case_id)
    if kind not in Transfer.Kind.values:
        raise ValidationFailed(_("Choose the kind of transfer."), details={"kind": [_("Required.")]})
    report = report.strip()
    if not report:
        raise ValidationFailed(_("Write the report: the facts, the threshold or article met, and your proposal."),
                               details={"report": [_("Required.")]})
    if case.stage == Stage.CLOSED:
        raise InvalidTransition(_("The case is closed."))
    if Transfer.objects.filter(case=case, kind=kind).exclude(status__in=[
            Status.NOT_TRANSFERRED, Status.REFUSAL_ACCEPTED, Status.REFUSAL_FINAL]).exists():
        raise InvalidTransition(_("This case already has a transfer of this kind under way."), code="transfer_open")
    today = _today()
    due = calendar_current().add_calendar_days(today, DECIDE_WITHIN_DAYS).due
    if kind == Transfer.Kind.CRIMINAL:
        facts = CaseFacts.objects.filter(case=case).first()
        if facts is not None and facts.decide_due is not None:
            due = min(due, facts.decide_due)
    transfer = Transfer.objects.create(case=case, kind=kind, proposed_by=actor, proposed_on=today, report=report,
                                       decide_due=due, step_due=due)
    audit_record(actor=actor, obj=transfer, action="transfer.propose", region_code=case.region.code,
                 after={"case": case.pk, "kind": kind, "decide_due": due})
    notify(recipients=[p for p in _leaders(case) if p.pk != actor.pk], kind=NotificationKind.ASSIGNMENT,
           verb=gettext_noop("A transfer of case %(number)s (%(entity)s) to the police waits for your decision"),
           params={"number": case.number, "entity": case.entity.name},
           url=reverse("transfers:detail", args=[transfer.pk]), ref=f"transfers.transfer:{transfer.pk}",
           key=f"transfer.propose:{transfer.pk}")
    return transfer


TRACKED = ("status", "number", "decided_by_id", "decided_at", "send_due", "sent_at", "police_unit", "documents",
           "reply_due", "replied_on", "police_case_number", "reconsideration_due", "reconsideration_on", "share_due",
           "shared_on", "step_due")


def _snapshot(t: Transfer) -> dict:
    return {f: getattr(t, f) for f in TRACKED}


@transaction.atomic
def transfer_step(*, transfer_id: object, actor: User, action: str, reason: str = "", police_unit: str = "",
                  documents: Sequence[str] = (), police_case_number: str = "",
                  expected_status: str | None = None) -> Transfer:
    """One step of a transfer (`transfers.workflow.STEPS`), with its timers:
    approve → 24 hours to send and 7 days to share with the procuratorate; send (the required documents, the
    police organ) → the police's 3 days to decide; a refusal → 3 working days to ask for reconsideration."""
    qs = Transfer.objects.select_for_update(of=("self",)).select_related("case", "case__region", "case__organization",
                                                                          "case__entity")
    transfer = get_in_scope(qs, user=actor, pk=transfer_id, field="case__region__code")
    case = transfer.case
    if expected_status is not None and expected_status != transfer.status:
        raise InvalidTransition(_("This transfer has moved on since you opened it: it is now “%(status)s”. Reload the "
                                  "page.") % {"status": transfer.status_label}, code="stale_status")
    step = step_for(transfer.status, action)
    if step is None:
        raise InvalidTransition(_("This step is not possible while the transfer is “%(status)s”.")
                                % {"status": transfer.status_label})
    if not has_role(actor, step.roles) or not _may_handle(case, actor):
        raise PermissionDenied(_("Your role cannot take this step; it is for: %(roles)s.")
                               % {"roles": "、".join(str(Role(r).label) for r in sorted(step.roles))})
    reason = reason.strip()
    if step.needs_reason and not reason:
        raise ValidationFailed(_("Write the reason; it goes into the transfer record."),
                               details={"reason": [_("Required.")]})
    before = _snapshot(transfer)
    now, today = timezone.now(), _today()
    calendar = calendar_current()
    if action in ("approve_transfer", "decide_not_to_transfer"):
        transfer.decided_by, transfer.decided_at, transfer.decision_reason = actor, now, reason
        transfer.share_due = calendar.add_calendar_days(today, SHARE_WITHIN_DAYS).due
        transfer.step_due = None
        if action == "approve_transfer":
            transfer.send_due = now + SEND_WITHIN
            transfer.step_due = timezone.localdate(transfer.send_due)
            transfer.number = document_number_next(organization=case.organization, kind="transfer", year=today.year)
    elif action == "send":
        police_unit = police_unit.strip()
        if not police_unit:
            raise ValidationFailed(_("Name the public-security organ the package goes to."),
                                   details={"police_unit": [_("Required.")]})
        chosen = [d for d in DOCUMENT_CODES if d in set(documents)]
        missing = [d for d in REQUIRED_DOCUMENTS if d not in chosen]
        if missing:
            from ecoenforce.transfers.labels import DOCUMENTS

            names = "；".join(str(label) for code, label, _req in DOCUMENTS if code in missing)
            raise ValidationFailed(_("The package is incomplete (环环监〔2017〕17号): %(missing)s.") % {"missing": names},
                                   details={"documents": [_("Every required document must be in the package.")]})
        transfer.police_unit, transfer.documents, transfer.sent_at = police_unit[:200], chosen, now
        transfer.reply_due = calendar.add_calendar_days(today, POLICE_DECIDE_DAYS).due
        transfer.step_due = transfer.reply_due
    elif action == "police_accept":
        transfer.replied_on, transfer.police_case_number = today, police_case_number.strip()[:60]
        transfer.reply_note, transfer.step_due = reason, None
    elif action == "police_refuse":
        transfer.replied_on, transfer.reply_note = today, reason
        if step.target == Status.REFUSED:
            transfer.reconsideration_due = calendar.add_working_days(today, RECONSIDERATION_WORKING_DAYS).due
            transfer.step_due = transfer.reconsideration_due
        else:
            transfer.step_due = None
    elif action == "request_reconsideration":
        if transfer.reconsideration_due and today > transfer.reconsideration_due:
            raise InvalidTransition(_("Reconsideration had to be requested by %(due)s (3 working days after the "
                                      "refusal). Ask the procuratorate for case-filing supervision instead.")
                                    % {"due": transfer.reconsideration_due}, code="reconsideration_late")
        transfer.reconsideration_on = today
        transfer.reply_due = calendar.add_working_days(today, RECONSIDERATION_WORKING_DAYS).due
        transfer.step_due = transfer.reply_due
    elif action == "accept_refusal":
        transfer.step_due = None
    transfer.status = step.target
    transfer.save()
    audit_record(actor=actor, obj=transfer, action=f"transfer.{action}", before=before, after=_snapshot(transfer),
                 reason=reason, region_code=case.region.code)
    if action == "approve_transfer":
        notify(recipients=[h for h in case.handlers.all() if h.pk != actor.pk], kind=NotificationKind.ASSIGNMENT,
               verb=gettext_noop("Transfer of case %(number)s approved: send the package to the police by %(due)s"),
               params={"number": case.number, "due": timezone.localtime(transfer.send_due).strftime("%Y-%m-%d %H:%M")},
               url=reverse("transfers:detail", args=[transfer.pk]), ref=f"transfers.transfer:{transfer.pk}",
               key=f"transfer.approve:{transfer.pk}")
    return transfer


@transaction.atomic
def transfer_share(*, transfer_id: object, actor: User, shared_on: dt.date | None = None, note: str = "") -> Transfer:
    """Record the decision entered on the information-sharing platform with the procuratorate (办法 art. 34: within
    7 days of each decision)."""
    transfer = get_in_scope(Transfer.objects.select_for_update(of=("self",)).select_related("case", "case__region"),
                            user=actor, pk=transfer_id, field="case__region__code")
    if not _may_handle(transfer.case, actor):
        raise PermissionDenied()
    if transfer.status == Status.PROPOSED:
        raise InvalidTransition(_("Nothing to share yet: the transfer has not been decided."))
    if transfer.shared_on is not None:
        raise InvalidTransition(_("Already recorded as shared on %(day)s.") % {"day": transfer.shared_on})
    day = shared_on or _today()
    if day > _today():
        raise ValidationFailed(_("The day shared cannot lie in the future."),
                               details={"shared_on": [_("Out of range.")]})
    before = _snapshot(transfer)
    transfer.shared_on = day
    transfer.save(update_fields=["shared_on", "updated_at"])
    audit_record(actor=actor, obj=transfer, action="transfer.share", before=before, after=_snapshot(transfer),
                 reason=note.strip(), region_code=transfer.case.region.code)
    return transfer


def status_label(status: str) -> str:
    return str(STATUS_LABELS[Status(status)])


def hits_text(facts: CaseFacts | None) -> list[str]:
    return [hit_text(h) for h in (facts.hits if facts else [])]
