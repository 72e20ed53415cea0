"""The positive list's share of the work queue: applications and proposed removals for the bureau's leader."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import home_region_q
from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.registry.positive.models import PositiveListEntry
from ecoenforce.registry.positive.selectors import positive_entries_for_user

WAITING = (PositiveListEntry.Status.APPLIED, PositiveListEntry.Status.REMOVAL_PROPOSED)


def positive_decisions_waiting(user: User) -> QuerySet[PositiveListEntry]:
    """Applications to decide and removals to confirm for entities of the leader's own bureau, oldest first."""
    return (positive_entries_for_user(user=user).filter(status__in=WAITING)
            .filter(home_region_q(user, field="entity__region__code")).order_by("applied_at", "id"))


def _row(entry: PositiveListEntry) -> QueueItem:
    return QueueItem(source="registry.positive", ref=f"registry.positivelistentry:{entry.pk}", title=entry.entity.name,
                     url=reverse("registry:positive_entry", args=[entry.pk]), subject=entry.entity.region.name,
                     state=str(entry.get_status_display()))


def register() -> None:
    """Called from RegistryConfig.ready()."""
    queue_register(QueueSource(
        key="registry.positive", label=_("Positive-list decisions"), order=60, roles=frozenset({Role.UNIT_LEADER}),
        waiting=positive_decisions_waiting, row=_row, nav="registry:positive_list",
        more=lambda user: reverse("registry:positive_list") + "?status=applied",
    ))
