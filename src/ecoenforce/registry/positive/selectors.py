"""Positive-list reads through the jurisdiction: entries by status, one entry, the quarterly filing rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from ecoenforce.core.access import get_in_scope, scope_by_region
from ecoenforce.core.models import User
from ecoenforce.registry.positive.models import PositiveListEntry


def positive_entries_for_user(*, user: User, status: str = "") -> QuerySet[PositiveListEntry]:
    """Entries of entities in the user's jurisdiction, newest application first."""
    qs = scope_by_region(PositiveListEntry.objects.select_related("entity__region", "entity__industry", "applied_by",
                                                                  "decided_by"), user=user, field="entity__region__code")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-applied_at")


def positive_entry_get_for_user(*, user: User, entry_id: object) -> PositiveListEntry:
    """One entry, or NotFound outside the jurisdiction."""
    return get_in_scope(PositiveListEntry.objects.select_related("entity__region", "entity__industry"), user=user,
                        pk=entry_id, field="entity__region__code")


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def positive_filing_entries(*, user: User, year: int, quarter: int) -> QuerySet[PositiveListEntry]:
    """The quarter's filing: every listing in force at some point of the quarter, incl. those listed or removed in it."""
    start, end = quarter_bounds(year, quarter)
    return positive_entries_for_user(user=user).filter(valid_from__lte=end, valid_until__gte=start).filter(
        Q(removed_at__isnull=True) | Q(removed_at__date__gte=start)).order_by("entity__region__code", "entity__name")
