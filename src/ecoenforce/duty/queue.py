"""The firm's share of the work queue: its closed cases it has not yet rated (the survey sent after closing)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ecoenforce.cases.models import Case
from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.duty.selectors import cases_to_rate


def _row(case: Case) -> QueueItem:
    return QueueItem(source="duty.ratings", ref=f"cases.case:{case.pk}", title=f"{case.number} {case.title}",
                     url=reverse("duty:rate_case", args=[case.pk]), subject=case.entity.name,
                     state=_("Closed on %(day)s: how was it handled?") % {"day": case.closed_on})


def register() -> None:
    """Called from DutyConfig.ready()."""
    queue_register(QueueSource(
        key="duty.ratings", label=_lazy("Rate how your case was handled"), order=90,
        roles=frozenset({Role.ENTERPRISE}), waiting=cases_to_rate, row=_row,
    ))
