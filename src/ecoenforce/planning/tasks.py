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
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.planning.models import DrawRound, InspectionTask, PlanLine
from ecoenforce.planning.services import PLAN_ROLES, _may_plan_for
from ecoenforce.registry.models import EntityEvent
from ecoenforce.registry.services import entity_event_record


def tasks_for_user(*, user: User, status: str = "") -> QuerySet[InspectionTask]:
    """The tasks a person was drawn for (the list is secret to everyone else until publication)."""
    qs = (InspectionTask.objects.filter(inspectors=user)
          .select_related("entity__region", "entity__industry", "round").prefetch_related("inspectors"))
    if status in InspectionTask.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def task_get_for_user(*, user: User, task_id: object, lock: bool = False) -> InspectionTask:
    """One task: its drawn inspectors, or a leader of the bureau that ran the round."""
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


@transaction.atomic
def task_record_result(*, actor: User, task_id: object, inspected_on: object, violation_found: bool,
                       findings: str = "") -> InspectionTask:
    """Record what the drawn inspectors found; a violation opens a lead for triage."""
    task = task_get_for_user(user=actor, task_id=task_id, lock=True)
    if task.status != InspectionTask.Status.ASSIGNED:
        raise InvalidTransition(_("This task's result is already recorded."))
    if task.round.status != DrawRound.Status.DRAWN:
        raise InvalidTransition(_("This round is already published; its results can no longer change."))
    errors: dict[str, list[str]] = {}
    earliest = timezone.localtime(task.round.drawn_at).date() if task.round.drawn_at else task.round.period_start
    day = _parse_date(inspected_on, errors, earliest=earliest)
    findings = (findings or "").strip()
    if violation_found and not findings:
        errors["findings"] = [_("Describe the violation found: what, where, and the evidence taken.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    inspectors = list(task.inspectors.all())
    kind = Inspection.Kind.SPECIAL if task.round.kind == PlanLine.Kind.SPECIAL else Inspection.Kind.ROUTINE
    inspection = Inspection.objects.create(entity=task.entity, region=task.entity.region, kind=kind,
                                           inspected_on=day, violation_found=violation_found, findings=findings)
    inspection.inspectors.set(inspectors)
    entity_event_record(entity=task.entity, date=day, ref=f"inspection:{inspection.pk}",
                        kind=EntityEvent.Kind.INSPECTION_VIOLATION if violation_found
                        else EntityEvent.Kind.INSPECTION_CLEAN)
    lead = None
    if violation_found:
        lead, _created = lead_create(
            source=Lead.Source.INSPECTION, entity=task.entity, created_by=actor, external_ref=f"task:{task.pk}",
            title=_("Violation found in double-random inspection: %(entity)s") % {"entity": task.entity.name},
            description=findings)
    task.status, task.inspection, task.lead = InspectionTask.Status.DONE, inspection, lead
    task.result_note, task.completed_by, task.completed_at = findings, actor, timezone.now()
    task.save()
    audit_record(actor=actor, obj=task, action="task.result", after={
        "inspection": inspection.pk, "violation_found": violation_found, "lead": lead.pk if lead else None})
    return task


@transaction.atomic
def task_mark_not_inspected(*, actor: User, task_id: object, reason: str) -> InspectionTask:
    """Close a task whose target could not be inspected (closed down, moved), with the reason that is published."""
    task = task_get_for_user(user=actor, task_id=task_id, lock=True)
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
    return task
