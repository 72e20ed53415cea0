"""The planning app's share of the work queue: the targets I was drawn to inspect, and the cross-region results
returned to my bureau (`planning.returns`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify
from ecoenforce.planning.models import DrawRound, InspectionTask
from ecoenforce.planning.returns import returned_waiting_for


def tasks_waiting_for(user: User) -> QuerySet[InspectionTask]:
    """Open tasks of drawn (not yet published) rounds this user was drawn for, the earliest due first."""
    return (InspectionTask.objects.filter(inspectors=user, status=InspectionTask.Status.ASSIGNED,
                                          round__status=DrawRound.Status.DRAWN)
            .select_related("entity__region", "round").order_by("due_on", "id"))


def tasks_drawn_notify(round_: DrawRound, staffing: list[tuple[InspectionTask, list[User]]]) -> None:
    """Tell each drawn officer how many targets the round gave them (inside round_draw; sent on commit)."""
    per_officer: dict[int, tuple[User, list[InspectionTask]]] = {}
    for task, officers in staffing:
        for officer in officers:
            per_officer.setdefault(officer.pk, (officer, []))[1].append(task)
    for officer, tasks in per_officer.values():
        notify(recipients=[officer], kind=Kind.ASSIGNMENT, ref=f"planning.drawround:{round_.pk}",
               verb=gettext_noop("Drawn for you in “%(round)s”: %(n)s inspection task(s), due by %(due)s"),
               params={"round": round_.title, "n": len(tasks), "due": min(t.due_on for t in tasks).isoformat()},
               url=reverse("planning:task_list"), key=f"round.draw:{round_.pk}")


def tasks_withdrawn_notify(round_: DrawRound, officers: list[User], n_tasks: int) -> None:
    """Tell the officers drawn in a withdrawn round that its tasks are cancelled (inside round_withdraw)."""
    notify(recipients=officers, kind=Kind.NOTICE, ref=f"planning.drawround:{round_.pk}",
           verb=gettext_noop("“%(round)s” was withdrawn before publication: its %(n)s inspection task(s) are cancelled"),
           params={"round": round_.title, "n": n_tasks}, url=reverse("planning:round_detail", args=[round_.pk]),
           key=f"round.withdraw:{round_.pk}")


def _row(task: InspectionTask) -> QueueItem:
    return QueueItem(source="planning.tasks", ref=f"planning.inspectiontask:{task.pk}", title=task.entity.name,
                     url=reverse("planning:task_detail", args=[task.pk]), subject=task.round.title,
                     state=str(task.get_risk_class_display()), due=task.due_on)


def _returned_row(task: InspectionTask) -> QueueItem:
    if task.inspection is not None and task.inspection.violation_found:
        state = _("Violation found: lead %(n)s") % {"n": task.lead.number} if task.lead else _("Violation found")
    elif task.inspection is not None:
        state = _("No violation found")
    else:
        state = _("Not inspected")
    return QueueItem(source="planning.returned", ref=f"planning.inspectiontask:{task.pk}:returned",
                     title=task.entity.name, url=reverse("planning:task_detail", args=[task.pk]),
                     subject=task.round.title, state=str(state))


def register() -> None:
    """Called from PlanningConfig.ready()."""
    queue_register(QueueSource(
        key="planning.tasks", label=_("Inspections I was drawn for"), order=10,
        roles=frozenset({Role.INSPECTOR, Role.UNIT_LEADER}), waiting=tasks_waiting_for, row=_row,
        due_field="due_on", nav="planning:task_list", more=lambda user: reverse("planning:task_list"),
    ))
    queue_register(QueueSource(
        key="planning.returned", label=_("Cross-region results returned to my bureau"), order=11,
        roles=frozenset({Role.UNIT_LEADER}), waiting=returned_waiting_for, row=_returned_row,
        nav="planning:task_list", more=lambda user: reverse("planning:returned"),
    ))
