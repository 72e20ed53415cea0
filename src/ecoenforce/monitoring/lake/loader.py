"""Spool -> lake loader: full parse of accepted frames, dedup (keep first received), idempotent via checkpoint.

Each spool range [start, end) of a segment becomes files named part-<segment>-<start>-<end>.parquet in every
kind=/date= partition it touches. The range is recorded as `pending` in the checkpoint before any file is
written, so a crash between the files and the checkpoint is repaired by rewriting exactly the same files.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..gateway.spool import ACCEPTED, SEAL, SpoolRecord, list_segments, read_records
from ..hj212 import HJ212Error, packet_readings, parse_header, parse_segment, split_frame
from .checkpoint import Checkpoint, fsync_dir
from .schema import KEY_COLUMNS, SCHEMA, TEXT_COLUMNS, VALUE_COLUMNS

CHECKPOINT = "_checkpoint.json"
MAX_RANGE_BYTES = 32 << 20  # load big segments in slices so memory stays bounded
KeyFn = Callable[[str], bytes | None]


@dataclass(slots=True)
class LoadReport:
    """What one load did."""

    ranges: int = 0
    records: int = 0
    rows_written: int = 0
    duplicates: int = 0
    frames_without_readings: int = 0
    errors: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)


def _rows(record: SpoolRecord, sm4_key: KeyFn | None, overrides, report: LoadReport) -> list[dict]:
    """Readings of one accepted frame as lake rows; parse failures are counted by code (the spool keeps them)."""
    try:
        frame = split_frame(record.raw, max_segment=1 << 16)
        key = None
        if sm4_key is not None:
            header = parse_header(frame.segment)
            key = sm4_key(header.mn.decode(errors="replace")) if header is not None else None
        packet = parse_segment(frame.segment, sm4_key=key, frame=frame)
        readings = packet_readings(packet, overrides=overrides)
    except HJ212Error as exc:
        report.errors[exc.code] += 1
        return []
    if not readings:
        report.frames_without_readings += 1
    received = datetime.fromtimestamp(record.received_at, UTC)
    rows = []
    for r in readings:
        row = {"mn": r.mn, "st": r.st, "cn": r.cn, "kind": r.data_kind, "pollutant": r.pollutant,
               "pollutant_raw": r.pollutant_raw, "data_time": r.data_time, "backfill": r.backfill, "qn": packet.qn,
               "received_at": received, "segment": record.segment, "offset": record.offset, "sha256": record.sha256}  # fmt: skip
        for column in VALUE_COLUMNS:
            row[column] = r.values.get(column)
        for column in TEXT_COLUMNS:
            row[column] = r.texts.get(column)
        rows.append(row)
    return rows


def _existing_keys(partition: Path, skip_prefix: str) -> set[tuple]:
    """Keys already in a partition, ignoring the files of the range being (re)written."""
    keys: set[tuple] = set()
    if not partition.is_dir():
        return keys
    for path in partition.glob("part-*.parquet"):
        if path.name.startswith(skip_prefix):
            continue
        table = pq.read_table(path, columns=list(KEY_COLUMNS))
        cols = [table.column(c).to_pylist() for c in KEY_COLUMNS]
        keys.update(zip(*cols, strict=True))
    return keys


@dataclass(slots=True)
class _Run:
    """State of one load() call; `keys` caches each touched partition's keys so each is read once per call."""

    spool: Path
    lake: Path
    cp: Checkpoint
    sm4_key: KeyFn | None
    overrides: Mapping[tuple[str, str], str] | None
    report: LoadReport
    keys: dict[Path, set[tuple]] = field(default_factory=dict)


def _write_range(run: _Run, name: str, rows: list[dict]) -> None:
    """Dedup and write one range's rows, one deterministic file per partition (tmp + rename + fsync)."""
    lake, report = run.lake, run.report
    by_partition: dict[tuple[str, str], list[dict]] = {}
    seen: set[tuple] = set()
    dates: dict[datetime, str] = {}
    for row in rows:  # spool order = receipt order, so the first occurrence is the first received
        when = row["data_time"]
        key = (row["mn"], row["pollutant"], row["kind"], when)
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        date = dates.get(when)
        if date is None:
            date = dates[when] = when.strftime("%Y-%m-%d")  # the Beijing date: DataTime is CST-aware
        by_partition.setdefault((row["kind"], date), []).append(row)
    for (kind, date), part_rows in sorted(by_partition.items()):
        directory = lake / f"kind={kind}" / f"date={date}"
        existing = run.keys.get(directory)
        if existing is None:
            existing = run.keys[directory] = _existing_keys(directory, name)
        keep = []
        for row in part_rows:
            if (row["mn"], row["pollutant"], row["data_time"]) in existing:
                report.duplicates += 1
            else:
                keep.append(row)
        target = directory / f"{name}.parquet"
        if not keep:
            if target.exists():
                target.unlink()
            continue
        directory.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(keep, schema=SCHEMA)
        tmp = directory / f".tmp-{name}.parquet"
        pq.write_table(table, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(directory)
        existing.update((row["mn"], row["pollutant"], row["data_time"]) for row in keep)
        report.rows_written += len(keep)
        report.files.append(str(target.relative_to(lake)))


def _load_range(run: _Run, segment: str, start: int, end: int, final: bool) -> None:
    """Load [start, end) of a segment: mark pending, write files, advance the checkpoint."""
    cp, report = run.cp, run.report
    name = f"part-{segment.removesuffix('.hjs')}-{start:012d}-{end:012d}"
    cp.pending = {"segment": segment, "start": start, "end": end, "final": final}
    cp.save()
    rows: list[dict] = []
    for record in read_records(run.spool / segment, start):
        if record.offset >= end:
            break
        report.records += 1
        if record.kind == ACCEPTED:
            rows.extend(_rows(record, run.sm4_key, run.overrides, report))
    _write_range(run, name, rows)
    cp.segments[segment] = {"offset": end, "final": final}
    cp.pending = None
    cp.save()
    report.ranges += 1


def _range_end(path: Path, start: int, limit: int) -> tuple[int, bool, bool]:
    """(end of the last complete record within `limit` bytes of `start`, SEAL seen, stopped by the limit)."""
    end, sealed = start, False
    for record in read_records(path, start):
        if record.end - start > limit and end > start:
            return end, False, True
        end = record.end
        sealed = sealed or record.kind == SEAL
    return end, sealed, False


def load(
    spool_dir: Path | str,
    lake_dir: Path | str,
    *,
    sm4_key: KeyFn | None = None,
    overrides: Mapping[tuple[str, str], str] | None = None,
    max_range_bytes: int = MAX_RANGE_BYTES,
) -> LoadReport:
    """Load every new complete spool record into the lake; safe to run again and again (and concurrently with
    the gateway writing the active segment). `sm4_key(mn)` supplies 2025 keys, e.g. from a DeviceDirectory."""
    spool, lake = Path(spool_dir), Path(lake_dir)
    lake.mkdir(parents=True, exist_ok=True)
    cp = Checkpoint.load(lake / CHECKPOINT)
    report = LoadReport()
    run = _Run(spool, lake, cp, sm4_key, overrides, report)
    if cp.pending:
        p = cp.pending  # a crash left this range half-written: redo it exactly
        _load_range(run, p["segment"], p["start"], p["end"], p["final"])
    segments = [p.name for p in list_segments(spool)]
    for i, segment in enumerate(segments):
        if cp.is_final(segment):
            continue
        superseded = i < len(segments) - 1  # the writer only appends to the newest segment
        while True:
            start = cp.offset(segment)
            end, sealed, more = _range_end(spool / segment, start, max_range_bytes)
            final = (sealed or superseded) and not more
            if end == start and not final:
                break
            if end == start:
                cp.segments[segment] = {"offset": end, "final": True}
                cp.save()
                break
            _load_range(run, segment, start, end, final)
            if not more:
                break
    return report


def directory_keys(directory) -> KeyFn:
    """Adapt a DeviceDirectory to the loader's sm4_key(mn) callable."""

    def key(mn: str) -> bytes | None:
        """SM4 key of `mn`, if the device has one."""
        device = directory.lookup(mn)
        return device.sm4_key if device is not None else None

    return key


def iter_quarantine(spool_dir: Path | str) -> Iterable[SpoolRecord]:
    """Quarantined frames (unregistered or inactive MN) for review by an operator."""
    from ..gateway.spool import QUARANTINE

    for path in list_segments(spool_dir):
        for record in read_records(path):
            if record.kind == QUARANTINE:
                yield record


@dataclass(slots=True)
class Backlog:
    """Spool not yet in the lake: segments with unloaded bytes, those bytes, the accepted frames in them."""

    segments: int = 0
    bytes: int = 0
    frames: int = 0
    last_load: float | None = None  # epoch seconds of the checkpoint's last write


def spool_backlog(spool_dir: Path | str, lake_dir: Path | str) -> Backlog:
    """What the loader still has to do (reads record heads only, so it stays cheap for a large backlog)."""
    from ..gateway.spool import HEAD, MAGIC

    spool, lake = Path(spool_dir), Path(lake_dir)
    cp_path = lake / CHECKPOINT
    cp = Checkpoint.load(cp_path)
    out = Backlog(last_load=cp_path.stat().st_mtime if cp_path.exists() else None)
    for path in list_segments(spool):
        if cp.is_final(path.name):
            continue
        start = cp.offset(path.name)
        size = path.stat().st_size
        if size <= start:
            continue
        out.segments += 1
        out.bytes += size - start
        with open(path, "rb") as fh:
            fh.seek(start)
            data = fh.read()
        pos = 0
        while pos + HEAD.size <= len(data):
            magic, _version, kind, length, _crc = HEAD.unpack_from(data, pos)
            if magic != MAGIC or pos + HEAD.size + length > len(data):
                break
            out.frames += kind == ACCEPTED
            pos += HEAD.size + length
    return out
