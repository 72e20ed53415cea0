"""One filter definition per list, read the same way by its page, its export and its API.

Each filter field names the column that shows what it filters on, so a list's export always carries a column for
every filter a person can set (an entity export filtered to 特殊 shows the class; one filtered to the positive list
shows that column). A filter that searches free text (`search_field`) has no column of its own. `tests/core`
holds every `ListFilters` to this: a filter without a column fails there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.export import export_response


@dataclasses.dataclass(frozen=True)
class Column:
    """An export column: its heading and how to read it from one row's object."""

    key: str
    label: str | Promise
    value: Callable[[Any], object]


def filter_field(label: str | Promise, value: Callable[[Any], object]) -> Any:
    """A filter (a text field of the dataclass, empty = no filter) with the column that shows what it filters on."""
    return dataclasses.field(default="", metadata={"column": (label, value)})


def search_field() -> Any:
    """A free-text search across several columns: it adds no column of its own."""
    return dataclasses.field(default="", metadata={"search": True})


def yes_no(flag: bool) -> str:
    return str(_("Yes") if flag else _("No"))


class ListFilters:
    """Base of the list filter dataclasses (`@dataclass(frozen=True) class XFilters(ListFilters)`)."""

    @classmethod
    def from_query(cls, params):
        """Read the filters from request.GET (or any mapping); missing ones are empty."""
        return cls(**{f.name: (params.get(f.name) or "").strip() for f in dataclasses.fields(cls)})

    @classmethod
    def filter_columns(cls) -> list[Column]:
        """The column of every filter that is not a free-text search, in the order of the fields."""
        return [Column(f.name, *f.metadata["column"]) for f in dataclasses.fields(cls) if "column" in f.metadata]

    @classmethod
    def unexplained_fields(cls) -> list[str]:
        """Filters that are neither a search nor tied to a column (the test refuses them)."""
        return [f.name for f in dataclasses.fields(cls) if not ({"column", "search"} & set(f.metadata))]

    @classmethod
    def export_columns(cls, shown: Sequence[Column]) -> list[Column]:
        """The list's own columns, then the column of every filter not among them (matched by key)."""
        keys = {c.key for c in shown}
        return list(shown) + [c for c in cls.filter_columns() if c.key not in keys]


def export_list(*, fmt: str, basename: str, filters: type[ListFilters] | ListFilters, columns: Sequence[Column],
                objects: Iterable[Any]) -> HttpResponse:
    """The list as CSV or Excel: its own columns plus one for every filter it can be filtered on."""
    all_columns = type(filters).export_columns(columns) if isinstance(filters, ListFilters) else \
        filters.export_columns(columns)
    rows = ([c.value(obj) for c in all_columns] for obj in objects)
    return export_response(fmt=fmt, basename=basename, headers=[c.label for c in all_columns], rows=rows)
