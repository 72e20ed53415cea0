"""Write electricity and video readings as Parquet into the lake (kind=electricity|video/date=<Beijing date>/)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyarrow as pa

from ecoenforce.monitoring.lake.schema import DATA_TZ, SCHEMA
from ecoenforce.monitoring.lake.storage import Lake, as_lake

BEIJING = dt.timezone(dt.timedelta(hours=8))
METERS = ("production", "treatment")
MAX_BATCH = 10_000


class PayloadError(ValueError):
    """A payload that cannot be stored; the message says what to fix."""


def _time(text) -> dt.datetime:
    """ISO time; naive times are Beijing time (what devices send)."""
    try:
        t = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise PayloadError(f"time {text!r} is not ISO 8601 (e.g. 2026-10-01T08:00:00+08:00)") from None
    return t if t.tzinfo else t.replace(tzinfo=BEIJING)


def _number(value, name: str) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise PayloadError(f"{name} must be a number, got {value!r}") from None
    if out != out or out in (float("inf"), float("-inf")):
        raise PayloadError(f"{name} must be a finite number")
    return out


def _mn(value, where: str) -> str:
    mn = str(value or "").strip()
    if not mn or len(mn) > 32:
        raise PayloadError(f"{where} (the monitor's id, at most 32 characters) is required")
    return mn


def electricity_rows(payload: dict) -> list[dict]:
    """{"mn", "readings": [{"meter": production|treatment, "time", "kw", "kwh"?, "mn"?}]} → lake rows (all or
    nothing), one per reading and in the same order. A reading's own `mn` (a platform batching several monitors)
    takes the place of the batch's; every reading needs one or the other."""
    default_mn = str(payload.get("mn") or "").strip()
    if len(default_mn) > 32:
        raise PayloadError("mn (the electricity monitor's id) has at most 32 characters")
    readings = payload.get("readings")
    if not isinstance(readings, list) or not readings:
        raise PayloadError("readings must be a non-empty list")
    if len(readings) > MAX_BATCH:
        raise PayloadError(f"at most {MAX_BATCH} readings per batch; split the batch")
    rows = []
    for i, r in enumerate(readings):
        if not isinstance(r, dict):
            raise PayloadError(f"readings[{i}] must be an object")
        mn = _mn(r.get("mn") or default_mn, f"mn (or readings[{i}].mn)")
        meter = r.get("meter")
        if meter not in METERS:
            raise PayloadError(f"readings[{i}].meter must be one of {', '.join(METERS)}")
        kw = _number(r.get("kw"), f"readings[{i}].kw")
        if kw is None:
            raise PayloadError(f"readings[{i}].kw is required")
        rows.append({"mn": mn, "st": "", "cn": "electricity", "pollutant": meter, "pollutant_raw": meter,
                     "data_time": _time(r.get("time")), "rtd": kw, "cou": _number(r.get("kwh"), f"readings[{i}].kwh"),
                     "flag": "N", "kind": "electricity"})  # fmt: skip
    return rows


def video_rows(payload: dict) -> list[dict]:
    """{"mn" (camera), "event" (smoke, unlit_treatment …), "time", "confidence"?, "info"?} → one lake row."""
    mn = _mn(payload.get("mn"), "mn (the camera)")
    event = str(payload.get("event") or "").strip()
    if not event or len(event) > 40:
        raise PayloadError("event (what the analytics saw, e.g. smoke) is required")
    return [{"mn": mn, "st": "", "cn": "video", "pollutant": event, "pollutant_raw": event,
             "data_time": _time(payload.get("time")), "rtd": _number(payload.get("confidence"), "confidence"),
             "info": str(payload.get("info") or "")[:500], "flag": "N", "kind": "video"}]  # fmt: skip


def _partitions(rows: list[dict]) -> list[tuple[str, str, str, list[dict]]]:
    """(kind, Beijing date, content digest, rows) per partition file of a batch."""
    parts: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        day = row["data_time"].astimezone(BEIJING).strftime("%Y-%m-%d")
        parts.setdefault((row["kind"], day), []).append({k: v for k, v in row.items() if k != "kind"})
    out = []
    for (kind, day), part in sorted(parts.items()):
        digest = hashlib.sha256(repr(sorted((r["mn"], r["pollutant"], r["data_time"].isoformat(), r.get("rtd"))
                                            for r in part)).encode()).hexdigest()[:24]  # fmt: skip
        out.append((kind, day, digest, part))
    return out


def row_files(rows: list[dict]) -> list[str]:
    """The lake files (relative to the lake) that `write_rows` writes for these rows, before writing them."""
    return [f"kind={kind}/date={day}/part-{kind}-{digest}.parquet" for kind, day, digest, _part in _partitions(rows)]


def write_rows(lake_dir: Lake | Path | str, rows: list[dict]) -> list[str]:
    """Write rows into their (kind, Beijing date) partitions of the lake (a folder or a URI); the file name is the
    content hash, so a batch delivered twice lands once. Returns the files' paths relative to the lake."""
    lake = as_lake(lake_dir)
    written = []
    for kind, day, digest, part in _partitions(rows):
        rel, name = f"kind={kind}/date={day}", f"part-{kind}-{digest}.parquet"
        if not lake.exists(f"{rel}/{name}"):
            lake.write_table(rel, name, pa.Table.from_pylist(part, schema=SCHEMA))
        written.append(f"{rel}/{name}")
    return written


assert DATA_TZ  # the lake stores Beijing-time timestamps; pyarrow converts aware datetimes on write
