"""The wide hourly table: each hourly reading with its device's flow and O2 of the same hour beside it.

Every rule run used to rebuild this join (readings ⋈ flow ⋈ O2) over its whole window; it depends only on one
date partition's hourly files, so the loader writes it once per partition it touched (`refresh`), and the rule
runner reads it. Layout, beside the partitions and invisible to dataset discovery (leading underscore):

    _wide/kind=hour/date=YYYY-MM-DD/wide.parquet

Columns: mn, pollutant, t (epoch seconds of data_time), h (epoch hour), value (avg, else rtd), zs (zs_avg, else
zs_rtd), cou, flag ('N' when none was sent), flow, flow_cou (the flow factor's value and Cou that hour), o2.
The file's metadata lists the hourly files (name, size, mtime) it was built from: when the partition has changed
since (a later load, or a lake written before this table existed) it is stale, and `ensure` rebuilds it — the
automatic backfill; `ecoenforce lake wide` does the same for a whole lake ahead of time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from .storage import Lake, as_lake

FLOW_CODES = ("a00000", "w00000")  # flue-gas flow, wastewater flow (HJ 212-2017 Appendix B)
O2_CODE = "a19001"
WIDE_DIR = "_wide"
WIDE_NAME = "wide.parquet"
KIND = "hour"
SOURCES_KEY = b"ecoenforce.sources"
WIDE_SCHEMA = pa.schema([
    ("mn", pa.string()), ("pollutant", pa.string()), ("t", pa.int64()), ("h", pa.int64()),
    ("value", pa.float64()), ("zs", pa.float64()), ("cou", pa.float64()), ("flag", pa.string()),
    ("flow", pa.float64()), ("flow_cou", pa.float64()), ("o2", pa.float64()),
])  # fmt: skip
_BUILD_SQL = f"""
WITH base AS (
  SELECT mn, pollutant, CAST(epoch(data_time) AS BIGINT) AS t, CAST(epoch(data_time) AS BIGINT) // 3600 AS h,
         CAST(COALESCE(avg, rtd) AS DOUBLE) AS value, CAST(COALESCE(zs_avg, zs_rtd) AS DOUBLE) AS zs,
         CAST(cou AS DOUBLE) AS cou, COALESCE(flag, 'N') AS flag
  FROM src),
flow AS (SELECT mn, h, value AS flow, cou AS flow_cou FROM base WHERE pollutant IN {FLOW_CODES}),
o2 AS (SELECT mn, h, value AS o2 FROM base WHERE pollutant = '{O2_CODE}')
SELECT base.mn, base.pollutant, base.t, base.h, base.value, base.zs, base.cou, base.flag, flow.flow,
       flow.flow_cou, o2.o2
FROM base LEFT JOIN flow USING (mn, h) LEFT JOIN o2 USING (mn, h)
"""
_READ = ["mn", "pollutant", "data_time", "avg", "rtd", "zs_avg", "zs_rtd", "cou", "flag"]


def _rel_dir(date: str) -> str:
    return f"{WIDE_DIR}/kind={KIND}/date={date}"


def wide_path(location, date: str) -> str:
    """Where the wide table of a Beijing date lives (a path in the lake's filesystem)."""
    return as_lake(location).path(f"{_rel_dir(date)}/{WIDE_NAME}")


def _sources(lake: Lake, date: str) -> list[list]:
    """The partition's hourly files as [name, size, mtime_ns], sorted: what a wide file is built from."""
    rel = f"kind={KIND}/date={date}"
    names = lake.list(rel, "part-", ".parquet")
    if not names:
        return []
    infos = lake.fs.get_file_info([lake.path(f"{rel}/{n}") for n in names])
    return [
        [n, i.size, i.mtime_ns] for n, i in zip(names, infos, strict=True) if i.type == pafs.FileType.File
    ]


def built_from(location, date: str) -> list[list] | None:
    """The sources recorded in a wide file (None when absent or unreadable)."""
    lake = as_lake(location)
    try:
        with lake.fs.open_input_file(wide_path(lake, date)) as fh:
            meta = pq.read_schema(fh).metadata or {}
    except (OSError, pa.ArrowInvalid):
        return None
    raw = meta.get(SOURCES_KEY)
    return json.loads(raw) if raw else None


def is_fresh(location, date: str) -> bool:
    """True when the wide file of `date` exists and was built from the partition's current files."""
    lake = as_lake(location)
    sources = _sources(lake, date)
    return bool(sources) and built_from(lake, date) == sources


def build(location, date: str) -> str | None:
    """(Re)write the wide file of `date` from its hourly files (readers never see half a file; on a local lake
    under the lake's write lock, so two builders never interleave). None when the partition holds no hourly file."""
    import duckdb

    lake = as_lake(location)
    with lake.write_lock():
        sources = _sources(lake, date)
        if not sources:
            lake.delete(f"{_rel_dir(date)}/{WIDE_NAME}")
            return None
        rel = f"kind={KIND}/date={date}"
        src = pa.concat_tables([lake.read_table(f"{rel}/{name}", columns=_READ) for name, *_ in sources],
                               promote_options="permissive")  # fmt: skip
        con = duckdb.connect()
        try:
            con.execute(
                "SET threads TO 1"
            )  # a loader-side step: leave the cores to the rules and the gateway
            con.register("src", src)
            table = con.sql(_BUILD_SQL).to_arrow_table()
        finally:
            con.close()
        table = table.cast(WIDE_SCHEMA).replace_schema_metadata({SOURCES_KEY: json.dumps(sources).encode()})
        lake.write_table(_rel_dir(date), WIDE_NAME, table)
    return wide_path(lake, date)


def ensure(location, dates: Iterable[str]) -> list[str]:
    """Wide files of `dates` (Beijing dates), rebuilding the stale or missing ones; dates without hourly data are
    left out."""
    lake = as_lake(location)
    out = []
    for date in dates:
        path = wide_path(lake, date) if is_fresh(lake, date) else build(lake, date)
        if path is not None:
            out.append(path)
    return out


def refresh(location, written: Iterable[str]) -> list[str]:
    """Rebuild the wide files of the hourly partitions among `written` (lake-relative file paths, as the loader's
    report lists them): the loader's last step."""
    dates = sorted({f.split("/")[1][5:] for f in written if f.startswith(f"kind={KIND}/date=")})
    return [p for p in (build(location, d) for d in dates) if p is not None]


def backfill(location) -> tuple[int, int]:
    """Build every missing or stale wide file of a lake (one written before the table existed): (built, fresh)."""
    lake = as_lake(location)
    built = fresh = 0
    for part in lake.dirs(f"kind={KIND}"):
        date = part.removeprefix("date=")
        if is_fresh(lake, date):
            fresh += 1
        elif build(lake, date) is not None:
            built += 1
    return built, fresh
