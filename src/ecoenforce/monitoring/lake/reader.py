"""Lake readers: filtered pyarrow tables (or lists of dicts) of readings, from a folder or object storage."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from .schema import DATA_TZ, PARTITIONING_SCHEMA, SCHEMA
from .storage import Lake, as_lake


def _dataset(lake_dir: Lake | Path | str, files: list[str] | None = None) -> ds.Dataset | None:
    """The lake (a folder or a URI; or only `files` of it) as a Hive-partitioned dataset, None when empty."""
    lake = as_lake(lake_dir)
    files = lake.files() if files is None else files
    if not files:
        return None
    return lake.dataset(files, pa.unify_schemas([SCHEMA, PARTITIONING_SCHEMA]),
                        ds.partitioning(PARTITIONING_SCHEMA, flavor="hive"))  # fmt: skip


def read_readings(
    lake_dir: Lake | Path | str,
    *,
    mn: str | None = None,
    kind: str | None = None,
    pollutant: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    as_dicts: bool = False,
) -> pa.Table | list[dict]:
    """Readings filtered by device, kind, pollutant and data time in [start, end) (aware datetimes)."""
    dataset = _dataset(lake_dir)
    if dataset is None:
        table = pa.Table.from_pylist([], schema=pa.unify_schemas([SCHEMA, PARTITIONING_SCHEMA]))
        return table.to_pylist() if as_dicts else table
    expr = None

    def both(e):
        """AND a condition onto the filter built so far."""
        return e if expr is None else expr & e

    if mn is not None:
        expr = both(pc.field("mn") == mn)
    if kind is not None:
        expr = both(pc.field("kind") == kind)
    if pollutant is not None:
        expr = both(pc.field("pollutant") == pollutant)
    if start is not None:
        expr = both(pc.field("data_time") >= pa.scalar(start, pa.timestamp("ms", tz=DATA_TZ)))
    if end is not None:
        expr = both(pc.field("data_time") < pa.scalar(end, pa.timestamp("ms", tz=DATA_TZ)))
    table = dataset.to_table(filter=expr)
    table = table.sort_by([("mn", "ascending"), ("kind", "ascending"), ("pollutant", "ascending"),
                           ("data_time", "ascending")])  # fmt: skip
    return table.to_pylist() if as_dicts else table
