"""The assistance share of the work queue: a third party's assignments in force (their landing page)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from ecoenforce.assist.models import Assignment
from ecoenforce.assist.selectors import assignments_in_force
from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register


def _row(a: Assignment) -> QueueItem:
    return QueueItem(source="assist.assignments", ref=f"assist.assignment:{a.pk}", title=a.title,
                     url=reverse("assist:detail", args=[a.pk]), subject=a.region.name, state=str(a.get_kind_display()),
                     due=a.ends_on)


def register() -> None:
    queue_register(QueueSource(
        key="assist.assignments", label=gettext_lazy("My assignments in force"), order=15,
        roles=frozenset({Role.THIRD_PARTY}), waiting=assignments_in_force, row=_row, due_field="ends_on",
        nav="assist:list", more=lambda user: reverse("assist:list"),
    ))
