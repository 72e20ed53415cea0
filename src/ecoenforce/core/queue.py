"""The work queue: what waits for a person, gathered from every app that has work to hand out.

Core knows no domain app. Each app registers its `QueueSource`s in its `AppConfig.ready()` (planning: drawn
tasks; leads: leads assigned to me; cases: cases at a stage my role acts on; warnings: the desk; …). A source
says which roles it serves, returns the waiting objects for one person as a queryset (jurisdiction applied by
the source's own selector), names the date field its deadline is in, and turns one object into a row.

The same registry feeds the queue page (each role's landing page), the counts in the menu, the `/api/v1/queue/`
endpoint and the deadline sweep of `notifications.tasks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import IntegerField, Model, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise

from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.models import User

# "Near" a deadline: due within this many working days (issue 14: 3 working days, holidays skipped).
NEAR_WORKING_DAYS = 3


@dataclass(frozen=True)
class QueueItem:
    """One thing waiting for a person: what it is, where to act on it, and by when."""

    source: str
    ref: str  # "leads.lead:12": the object, for links and for not notifying twice
    title: str
    url: str
    subject: str = ""  # the entity or party concerned
    state: str = ""  # where it stands, in words (stage, status)
    due: dt.date | None = None
    overdue: bool = False
    near: bool = False


@dataclass(frozen=True)
class QueueSource:
    """A kind of work one app hands out.

    `waiting(user)` returns the objects waiting for this user (most urgent first); `row(obj)` describes one of them;
    `due_field` names the date field (or annotation) holding its deadline, None when it has none; `nav` is the URL
    name of the menu entry whose count this source adds to; `more(user)` the URL of the full list.
    """

    key: str
    label: str | Promise
    roles: frozenset[str]
    waiting: Callable[[User], QuerySet]
    row: Callable[[Model], QueueItem]
    due_field: str | None = None
    nav: str = ""
    more: Callable[[User], str] | None = None
    order: int = 100


@dataclass
class QueueSection:
    """A source's share of one person's queue."""

    source: QueueSource
    count: int
    overdue: int = 0
    near: int = 0
    items: list[QueueItem] = field(default_factory=list)
    more_url: str = ""


_SOURCES: dict[str, QueueSource] = {}


def queue_register(source: QueueSource) -> None:
    """Add (or replace, on a reload) a source; called from an app's `ready()`."""
    _SOURCES[source.key] = source


def queue_sources() -> list[QueueSource]:
    """Every registered source, in display order."""
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def sources_for(user: User) -> list[QueueSource]:
    """The sources that serve this user's role (administrators have no queue of their own)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [s for s in queue_sources() if user.role in s.roles]


def near_horizon(today: dt.date | None = None) -> dt.date:
    """The last day that counts as 'near': NEAR_WORKING_DAYS working days after today, on the bureau's calendar."""
    today = today or timezone.localdate()
    return calendar_current().add_working_days(today, NEAR_WORKING_DAYS).due


def _mark(item: QueueItem, today: dt.date, horizon: dt.date) -> QueueItem:
    if item.due is None:
        return item
    return QueueItem(**{**item.__dict__, "overdue": item.due < today, "near": today <= item.due <= horizon})


class _CountOf(Subquery):
    """COUNT(*) of a queryset as a scalar subquery, so that every source is counted in one round trip."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _queue_count)"
    output_field = IntegerField()


def queue_counts(user: User) -> dict[str, int]:
    """Source key → how many items wait for the user; every page's menu shows these, so it is one query."""
    sources = sources_for(user)
    if not sources:
        return {}
    counts = {f"n{i}": _CountOf(s.waiting(user).order_by().values("pk")) for i, s in enumerate(sources)}
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    return {s.key: row.get(f"n{i}") or 0 for i, s in enumerate(sources)}


def queue_for_user(user: User, *, limit: int = 20, today: dt.date | None = None) -> list[QueueSection]:
    """The user's whole queue: per source its count, overdue and near counts, and the first `limit` items."""
    today = today or timezone.localdate()
    horizon = near_horizon(today)
    sections = []
    for source in sources_for(user):
        qs = source.waiting(user)
        section = QueueSection(source=source, count=qs.count())
        if section.count and source.due_field:
            section.overdue = qs.filter(**{f"{source.due_field}__lt": today}).count()
            section.near = qs.filter(**{f"{source.due_field}__gte": today, f"{source.due_field}__lte": horizon}).count()
        section.items = [_mark(source.row(obj), today, horizon) for obj in qs[:limit]] if section.count else []
        section.more_url = source.more(user) if source.more else ""
        sections.append(section)
    return sections


def queue_due_items(user: User, *, today: dt.date | None = None) -> list[QueueItem]:
    """Every item of the user's queue that is overdue or due within the near horizon (for the deadline sweep)."""
    today = today or timezone.localdate()
    horizon = near_horizon(today)
    items = []
    for source in sources_for(user):
        if not source.due_field:
            continue
        qs = source.waiting(user).filter(Q(**{f"{source.due_field}__lte": horizon}))
        items += [_mark(source.row(obj), today, horizon) for obj in qs.iterator(chunk_size=500)]
    return items
