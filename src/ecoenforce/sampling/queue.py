"""Sampling's share of the work queue: the station's open requests (with their turnaround deadline), and for the
requester the requests overdue at the station or reported and waiting to be read."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.sampling.models import SamplingRequest
from ecoenforce.sampling.selectors import requester_waiting, station_waiting


def _row(source: str):
    def row(req: SamplingRequest) -> QueueItem:
        return QueueItem(source=source, ref=f"sampling.samplingrequest:{req.pk}",
                         title=f"{req.number} · {req.get_medium_display()}", url=reverse("sampling:detail", args=[req.pk]),
                         subject=req.entity.name, state=str(req.status_label), due=req.queue_due)
    return row


def register() -> None:
    """Called from SamplingConfig.ready()."""
    queue_register(QueueSource(
        key="sampling.station", label=_("Sampling requests to the station"), order=55,
        roles=frozenset({Role.MONITORING_OPERATOR}), waiting=station_waiting, row=_row("sampling.station"),
        due_field="queue_due", nav="sampling:list", more=lambda user: reverse("sampling:list"),
    ))
    queue_register(QueueSource(
        key="sampling.requester", label=_("My sampling requests: overdue or reported"), order=56,
        roles=frozenset({Role.INSPECTOR, Role.UNIT_LEADER}), waiting=requester_waiting, row=_row("sampling.requester"),
        due_field="queue_due", nav="sampling:list", more=lambda user: reverse("sampling:list"),
    ))
