"""Read a pool spreadsheet through the shared table reader, with the pools' own rule: a county code or name."""

from __future__ import annotations

from ecoenforce.core.tables.layout import Table
from ecoenforce.core.tables.layout import read_table as read_layout
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.pools.columns import LAYOUTS

MAX_ROWS = 20_000


def read_table(*, kind: str, data: bytes, filename: str, report: ImportReport) -> Table | None:
    """The file's rows, or None with the problems added to `report` (unreadable file, missing columns)."""
    return read_layout(data=data, filename=filename, columns=LAYOUTS[kind], report=report, max_rows=MAX_ROWS,
                       one_of=("county_code", "county_name") if kind == "entities" else None)
