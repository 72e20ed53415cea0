"""The one list-API scaffold: every list endpoint takes `limit` and `offset` through ListQuery and pages with
`list_page`, so a negative, zero or absurd value is a translated 422, never a database error (a 500)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema

from ecoenforce.core.errors import ValidationFailed

MAX_OFFSET = 1_000_000_000  # beyond any list; larger integers overflow the database's OFFSET


class ListQuery(Schema):
    """Paging of a list endpoint; subclass it with the list's filters."""

    limit: int = 100
    offset: int = 0

    def filters(self) -> dict:
        """The query without the paging, for the list's `*Filters`."""
        return self.dict(exclude={"limit", "offset"})


def page_bounds(*, limit: int, offset: int, max_limit: int = 500) -> tuple[int, int]:
    """(start, stop) of the slice; a limit above `max_limit` is lowered to it; out-of-range values refused."""
    details = {}
    if limit < 1:
        details["limit"] = [_("Give a limit of at least 1 (at most %(max)d items are returned).") % {"max": max_limit}]
    if offset < 0 or offset > MAX_OFFSET:
        details["offset"] = [_("Give an offset from 0 (the first item) to %(max)d.") % {"max": MAX_OFFSET}]
    if details:
        raise ValidationFailed(_("The paging is out of range: limit from 1 to %(max)d, offset from 0.")
                               % {"max": max_limit}, details=details)
    return offset, offset + min(limit, max_limit)


def list_page(qs: QuerySet, query: ListQuery, *, max_limit: int = 500) -> tuple[int, QuerySet]:
    """(total count, the requested slice) of a list."""
    start, stop = page_bounds(limit=query.limit, offset=query.offset, max_limit=max_limit)
    return qs.count(), qs[start:stop]
