"""Supervised cases on the work queue: the next progress report for the handlers, and for the supervising bureau's
leaders the cases they watch by deadline (overdue flagged)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.special.selectors import reports_waiting_for, supervised_by


def _report_row(s) -> QueueItem:
    return QueueItem(source="special.reports", ref=f"special.supervision:{s.pk}",
                     title=f"{s.case.number} {s.case.title}", url=reverse("cases:detail", args=[s.case_id]),
                     subject=s.case.entity.name,
                     state=str(_("Report progress to %(bureau)s")) % {"bureau": s.supervisor.name},
                     due=s.next_report_due)


def _supervised_row(s) -> QueueItem:
    return QueueItem(source="special.supervised", ref=f"special.supervision:{s.pk}:deadline",
                     title=f"{s.case.number} {s.case.title}", url=reverse("cases:detail", args=[s.case_id]),
                     subject=s.case.entity.name, state=str(s.case.stage_label), due=s.deadline)


def register() -> None:
    queue_register(QueueSource(key="special.reports", label=_("Supervised cases: progress reports due"), order=36,
                               roles=frozenset({Role.INSPECTOR, Role.UNIT_LEADER}), waiting=reports_waiting_for,
                               row=_report_row, due_field="next_report_due", nav="special:list",
                               more=lambda user: reverse("special:list")))
    queue_register(QueueSource(key="special.supervised", label=_("Cases my bureau supervises"), order=37,
                               roles=frozenset({Role.UNIT_LEADER}), waiting=supervised_by, row=_supervised_row,
                               due_field="deadline", nav="special:list", more=lambda user: reverse("special:list")))
