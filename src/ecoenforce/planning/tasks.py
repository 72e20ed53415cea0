"""Inspection tasks: the drawn inspectors record the result; it becomes an inspection, a dated fact and,
when a violation is found, a lead in the inbox (source "on-site inspection")."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import has_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.planning.models import DrawRound, InspectionTask, PlanLine, TaskResultCorrection
from ecoenforce.planning.returns import is_home_staff, result_return
from ecoenforce.planning.services import PLAN_ROLES, _may_plan_for
from ecoenforce.registry.models import EntityEvent
from ecoenforce.registry.services import entity_event_correct, entity_event_record


def tasks_for_user(*, user: User, status: str = "") -> QuerySet[InspectionTask]:
    """The tasks a person was drawn for (the list is secret to everyone else until publication)."""
    qs = (InspectionTask.objects.filter(inspectors=user)
          .select_related("entity__region", "entity__industry", "round").prefetch_related("inspectors"))
    if status in InspectionTask.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def task_get_for_user(*, user: User, task_id: object, lock: bool = False) -> InspectionTask:
    """One task: its drawn inspectors, a leader of the bureau that ran the round, or — once a cross-region task has
    its result — the staff of the entity's home bureau, to whom the result is returned (`planning.returns`)."""
    qs = InspectionTask.objects.select_related("entity__region", "entity__industry", "round__organization__region")
    if lock:
        qs = qs.select_for_update()
    task = qs.filter(pk=task_id).first() if str(task_id).isdigit() else None
    if task is None:
        raise NotFound()
    if task.inspectors.filter(pk=user.pk).exists():
        return task
    if has_role(user, PLAN_ROLES) and _may_plan_for(user, task.round.organization):
        return task
    if task.status != InspectionTask.Status.ASSIGNED and is_home_staff(user, task):
        return task
    raise NotFound()


def _parse_date(raw: object, errors: dict[str, list[str]], *, earliest: dt.date) -> dt.date | None:
    if isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw or "").strip())
        except ValueError:
            errors["inspected_on"] = [_("Enter the inspection date as YYYY-MM-DD.")]
            return None
    if day > timezone.localdate():
        errors["inspected_on"] = [_("The inspection date cannot be in the future.")]
    elif day < earliest:
        errors["inspected_on"] = [_("The inspection date cannot be before the draw (%(day)s).") % {"day": earliest}]
    return day


MIN_CHECKED_STATEMENT = 6  # "no violation" still says what was checked: at least a short phrase


def _officer_task(actor: User, task_id: object, *, lock: bool = True) -> InspectionTask:
    """The task (locked) for one of its drawn officers: nobody records or corrects a result in their name."""
    task = task_get_for_user(user=actor, task_id=task_id, lock=lock)
    if not task.inspectors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only the officers drawn for this task record or correct its result, under their own "
                                 "names. Ask one of them (see Officers on the task)."))
    return task


def _require_unpublished(task: InspectionTask) -> None:
    if task.round.status != DrawRound.Status.DRAWN:
        raise InvalidTransition(_("This round is already published; its results can no longer change."))


def task_result_check(*, task: InspectionTask, inspected_on: object, violation_found: bool | None,
                      findings: str = "") -> tuple[dt.date, bool, str]:
    """The result as it would be saved (date, outcome, findings), or refused with every field's problem.

    Nothing is pre-chosen: the officer says whether a violation was found (None = not chosen), and writes the
    findings — the violation and its evidence, or for no violation a short statement of what was checked."""
    errors: dict[str, list[str]] = {}
    earliest = timezone.localtime(task.round.drawn_at).date() if task.round.drawn_at else task.round.period_start
    day = _parse_date(inspected_on, errors, earliest=earliest)
    findings = (findings or "").strip()
    if violation_found is None:
        errors["violation_found"] = [_("Choose the outcome: violation found or not.")]
    elif violation_found and not findings:
        errors["findings"] = [_("Describe the violation found: what, where, and the evidence taken.")]
    elif not violation_found and len(findings) < MIN_CHECKED_STATEMENT:
        errors["findings"] = [_("Say briefly what was checked (e.g. treatment facilities running, records, outlets), "
                                "so the record shows why no violation was found.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    return day, bool(violation_found), findings


def task_result_preview(*, actor: User, task_id: object, inspected_on: object, violation_found: bool | None,
                        findings: str = "", correction_reason: str | None = None) -> dict:
    """What a result (or, with `correction_reason`, a correction) would save, checked but not saved: the page's
    confirmation step shows it before the result becomes final."""
    task = _officer_task(actor, task_id, lock=False)
    _require_unpublished(task)
    correcting = correction_reason is not None
    expected = InspectionTask.Status.DONE if correcting else InspectionTask.Status.ASSIGNED
    if task.status != expected:
        raise InvalidTransition(_("Only a recorded inspection result can be corrected.") if correcting
                                else _("This task's result is already recorded."))
    day, found, findings = task_result_check(task=task, inspected_on=inspected_on, violation_found=violation_found,
                                             findings=findings)
    if correcting and not correction_reason.strip():
        raise ValidationFailed(_("Say why the result is corrected; the original stays in the record."),
                               details={"correction_reason": [_("Required.")]})
    return {"inspected_on": day, "violation_found": found, "findings": findings,
            "correction_reason": (correction_reason or "").strip()}


def _violation_lead(task: InspectionTask, actor: User, findings: str):
    lead, _created = lead_create(
        source=Lead.Source.INSPECTION, entity=task.entity, created_by=actor, external_ref=f"task:{task.pk}",
        title=_("Violation found in double-random inspection: %(entity)s") % {"entity": task.entity.name},
        description=findings)
    return lead


@transaction.atomic
def task_record_result(*, actor: User, task_id: object, inspected_on: object, violation_found: bool | None,
                       findings: str = "") -> InspectionTask:
    """Record what the drawn inspectors found (one of them, in his own name); a violation opens a lead for triage.

    The page asks for a confirmation before calling this; afterwards the result is corrected with
    `task_result_correct` (reason, original kept) until the round is published."""
    task = _officer_task(actor, task_id)
    if task.status != InspectionTask.Status.ASSIGNED:
        raise InvalidTransition(_("This task's result is already recorded."))
    _require_unpublished(task)
    day, violation_found, findings = task_result_check(task=task, inspected_on=inspected_on,
                                                       violation_found=violation_found, findings=findings)
    inspectors = list(task.inspectors.all())
    kind = Inspection.Kind.SPECIAL if task.round.kind == PlanLine.Kind.SPECIAL else Inspection.Kind.ROUTINE
    inspection = Inspection.objects.create(entity=task.entity, region=task.entity.region, kind=kind,
                                           inspected_on=day, violation_found=violation_found, findings=findings)
    inspection.inspectors.set(inspectors)
    entity_event_record(entity=task.entity, date=day, ref=f"inspection:{inspection.pk}",
                        kind=EntityEvent.Kind.INSPECTION_VIOLATION if violation_found
                        else EntityEvent.Kind.INSPECTION_CLEAN)
    lead = _violation_lead(task, actor, findings) if violation_found else None
    task.status, task.inspection, task.lead = InspectionTask.Status.DONE, inspection, lead
    task.result_note, task.completed_by, task.completed_at = findings, actor, timezone.now()
    task.save()
    audit_record(actor=actor, obj=task, action="task.result", after={
        "inspection": inspection.pk, "inspected_on": day.isoformat(), "violation_found": violation_found,
        "findings": findings, "lead": lead.pk if lead else None})
    result_return(task)
    return task


def _result_facts(task: InspectionTask) -> dict:
    i = task.inspection
    return {"inspected_on": i.inspected_on.isoformat(), "violation_found": i.violation_found, "findings": i.findings,
            "lead": task.lead_id}


@transaction.atomic
def task_result_correct(*, actor: User, task_id: object, inspected_on: object, violation_found: bool | None,
                        findings: str, reason: str) -> TaskResultCorrection:
    """Correct a recorded result before the round is published (one of the task's officers, with a reason).

    The original stays in the record (`TaskResultCorrection.before` and the audit trail). A correction to
    "violation found" opens the lead; a violation that already opened a lead cannot be corrected away here —
    the lead's triage closes it with its reason, so the record keeps both."""
    task = _officer_task(actor, task_id)
    if task.status != InspectionTask.Status.DONE or task.inspection_id is None:
        raise InvalidTransition(_("Only a recorded inspection result can be corrected."))
    _require_unpublished(task)
    reason = (reason or "").strip()
    try:
        day, violation_found, findings = task_result_check(task=task, inspected_on=inspected_on,
                                                           violation_found=violation_found, findings=findings)
    except ValidationFailed as exc:
        if not reason:
            exc.details = {**(exc.details or {}), "correction_reason": [_("Required.")]}
        raise
    if not reason:
        raise ValidationFailed(_("Say why the result is corrected; the original stays in the record."),
                               details={"correction_reason": [_("Required.")]})
    inspection = task.inspection
    if inspection.violation_found and not violation_found and task.lead_id:
        raise InvalidTransition(_("A lead (%(n)s) was opened from this violation. It is closed in the lead inbox with "
                                  "the reason (e.g. verified: no violation); the result here stays as recorded.")
                                % {"n": task.lead.number})
    before = _result_facts(task)
    if (day, violation_found, findings) == (inspection.inspected_on, inspection.violation_found, inspection.findings):
        raise ValidationFailed(_("Nothing was changed. Change the date, the outcome or the findings, or leave the "
                                 "result as it is."))
    inspection.inspected_on, inspection.violation_found, inspection.findings = day, violation_found, findings
    inspection.save(update_fields=["inspected_on", "violation_found", "findings"])
    entity_event_correct(entity=task.entity, ref=f"inspection:{inspection.pk}", date=day,
                         kind=EntityEvent.Kind.INSPECTION_VIOLATION if violation_found
                         else EntityEvent.Kind.INSPECTION_CLEAN)
    if violation_found and task.lead_id is None:
        task.lead = _violation_lead(task, actor, findings)
    task.result_note = findings
    task.save(update_fields=["lead", "result_note"])
    after = _result_facts(task)
    correction = TaskResultCorrection.objects.create(task=task, corrected_by=actor, reason=reason[:1000],
                                                     before=before, after=after)
    audit_record(actor=actor, obj=task, action="task.result_correct", before=before, after=after, reason=reason)
    result_return(task, corrected=True)
    return correction


@transaction.atomic
def task_mark_not_inspected(*, actor: User, task_id: object, reason: str) -> InspectionTask:
    """Close a task whose target could not be inspected (closed down, moved), with the reason that is published."""
    task = _officer_task(actor, task_id)
    if task.status != InspectionTask.Status.ASSIGNED or task.round.status != DrawRound.Status.DRAWN:
        raise InvalidTransition(_("This task's result is already recorded."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the target was not inspected (e.g. closed down in March); it is published."),
                               details={"reason": [_("Required.")]})
    task.status, task.result_note = InspectionTask.Status.NOT_INSPECTED, reason[:1000]
    task.completed_by, task.completed_at = actor, timezone.now()
    task.save()
    audit_record(actor=actor, obj=task, action="task.not_inspected", reason=reason)
    result_return(task)
    return task
