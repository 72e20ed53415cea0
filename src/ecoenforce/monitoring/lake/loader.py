"""Spool -> lake loader: full parse of accepted frames, dedup (keep first received), idempotent via checkpoint.

Each spool range [start, end) of a segment becomes files named part-[<loader id>-]<segment>-<start>-<end>.parquet
in every kind=/date= partition it touches. The range is recorded as `pending` in the loader's checkpoint before
any file is written, so a crash between the files and the checkpoint is repaired by rewriting exactly the same
files. Several loaders (one per gateway spool, each with its own id and checkpoint) may feed one lake: names never
collide, and on a local lake the check-then-write of a range holds the lake's write lock.

A range is parsed in one go (parse.rows_table: the CP areas of all its frames split by pyarrow) and deduplicated
with integer keys against a per-process cache of each partition's keys, refreshed from the files other writers
added since (so a long-running `lake load --watch` never re-reads a partition it has already seen).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..gateway.spool import ACCEPTED, SEAL, SpoolRecord, list_segments, read_records
from .checkpoint import Checkpoint, checkpoint_name
from .parse import Counts, rows_table
from .schema import SCHEMA
from .storage import Lake, as_lake
from .wide import refresh as wide_refresh

CHECKPOINT = checkpoint_name(None)
MAX_RANGE_BYTES = 32 << 20  # load big segments in slices so memory stays bounded
KeyFn = Callable[[str], bytes | None]
DAY_MS = 86_400_000
_MS_BITS = 27  # a key is (id of (mn, pollutant)) << 27 | milliseconds since the partition's Beijing midnight
_CACHED_PARTITIONS = 64


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


def range_name(segment: str, start: int, end: int, loader_id: str | None = None) -> str:
    """Stem of the files one spool range becomes (the same on every rewrite)."""
    who = f"{loader_id}-" if loader_id else ""
    return f"part-{who}{segment.removesuffix('.hjs')}-{start:012d}-{end:012d}"


class _Keys:
    """Exact integer keys of readings, per process: ids for (mn, pollutant) pairs, sorted keys per partition."""

    def __init__(self) -> None:
        self.pairs: dict[str, int] = {}
        self.partitions: OrderedDict[tuple[str, str], tuple[set[str], np.ndarray]] = OrderedDict()

    def of(self, table: pa.Table, date: str) -> tuple[np.ndarray, np.ndarray]:
        """(int64 keys, in range?) of a table's (mn, pollutant, data_time) in partition `date`. Rows whose time
        is not within 37 h of the partition's midnight (never the loader's own) get fits=False."""
        if not len(table):
            return np.zeros(0, np.int64), np.zeros(0, bool)
        pair = pc.dictionary_encode(pc.binary_join_element_wise(table["mn"], table["pollutant"], "\x00"))
        if isinstance(pair, pa.ChunkedArray):
            pair = pair.combine_chunks()
        ids = np.array(
            [self.pairs.setdefault(p, len(self.pairs)) for p in pair.dictionary.to_pylist()], np.int64
        )
        pair_id = (
            ids[pair.indices.to_numpy(zero_copy_only=False)] if len(ids) else np.zeros(len(table), np.int64)
        )
        midnight = int(np.datetime64(date, "ms").astype(np.int64)) - 8 * 3_600_000  # Beijing midnight, UTC ms
        ms = table["data_time"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False) - midnight
        fits = (ms >= 0) & (ms < (1 << _MS_BITS))
        return (pair_id << _MS_BITS) | np.where(fits, ms, 0), fits

    def existing(self, lake: Lake, kind: str, date: str, skip_prefix: str) -> np.ndarray:
        """Sorted keys already in partition kind/date, files of `skip_prefix` excluded. Rows of other writers
        outside the partition's day window are left out: no row of the loader's can have their key."""
        cache_key = (lake.location, f"kind={kind}/date={date}")
        entry = self.partitions.pop(cache_key, None)
        files, keys = entry if entry is not None else (set(), np.zeros(0, np.int64))
        rel = cache_key[1]
        new = [
            n for n in lake.list(rel, "part-", ".parquet") if n not in files and not n.startswith(skip_prefix)
        ]
        if new:
            parts = [keys]
            for n in new:
                table = lake.read_table(f"{rel}/{n}", columns=["mn", "pollutant", "data_time"])
                k, fits = self.of(table, date)
                parts.append(k[fits])
                files.add(n)
            keys = np.sort(np.concatenate(parts), kind="stable")
        self.partitions[cache_key] = (files, keys)
        while len(self.partitions) > _CACHED_PARTITIONS:
            self.partitions.popitem(last=False)
        return keys

    def add(self, lake: Lake, kind: str, date: str, name: str, keys: np.ndarray) -> None:
        """Record a file this process just wrote."""
        cache_key = (lake.location, f"kind={kind}/date={date}")
        files, old = self.partitions.get(cache_key, (set(), np.zeros(0, np.int64)))
        files.add(name)
        self.partitions[cache_key] = (files, np.sort(np.concatenate([old, keys]), kind="stable"))

    def forget(self, lake: Lake) -> None:
        """Drop what is cached for a lake (before redoing a half-written range)."""
        for key in [k for k in self.partitions if k[0] == lake.location]:
            del self.partitions[key]


KEYS = _Keys()


@dataclass(slots=True)
class _Run:
    """State of one load() call."""

    spool: Path
    lake: Lake
    cp: Checkpoint
    sm4_key: KeyFn | None
    overrides: Mapping[tuple[str, str], str] | None
    report: LoadReport
    loader_id: str | None = None


def _write_range(run: _Run, name: str, table: pa.Table) -> None:
    """Dedup one range's rows (first received wins) and write one deterministic file per partition."""
    lake, report = run.lake, run.report
    partitions = (
        table.select(["kind", "date"]).group_by(["kind", "date"]).aggregate([]) if len(table) else None
    )
    done = set()
    with lake.write_lock():
        for kind, date in sorted(zip(*(partitions.to_pydict().values()), strict=True)) if partitions else []:
            part = table.filter((pc.field("kind") == kind) & (pc.field("date") == date))
            rel = f"kind={kind}/date={date}"
            keys, fits = KEYS.of(part, date)
            assert fits.all(), "the loader's own rows are in the partition of their Beijing date"
            _, first = np.unique(keys, return_index=True)  # first occurrence = first received (spool order)
            first.sort()
            report.duplicates += len(keys) - len(first)
            existing = KEYS.existing(lake, kind, date, name)
            mine = keys[first]
            if len(existing):
                at = np.searchsorted(existing, mine).clip(max=len(existing) - 1)
                fresh = existing[at] != mine
                report.duplicates += int(np.count_nonzero(~fresh))
                first, mine = first[fresh], mine[fresh]
            target = f"{name}.parquet"
            done.add(rel)
            if not len(first):
                lake.delete(f"{rel}/{target}")
                continue
            out = part.take(pa.array(first)).select(SCHEMA.names)
            lake.write_table(rel, target, out)
            KEYS.add(lake, kind, date, target, mine)
            report.rows_written += len(out)
            report.files.append(f"{rel}/{target}")


def _load_range(
    run: _Run, segment: str, start: int, end: int, final: bool, records: list[SpoolRecord]
) -> None:
    """Load [start, end) of a segment (its `records`): mark pending, write files, advance the checkpoint."""
    cp, report = run.cp, run.report
    cp.pending = {"segment": segment, "start": start, "end": end, "final": final}
    cp.save()
    counts = Counts()
    table, n = rows_table(records, run.sm4_key, run.overrides, counts)
    report.records += n
    report.errors.update(counts.errors)
    report.frames_without_readings += counts.frames_without_readings
    _write_range(run, range_name(segment, start, end, run.loader_id), table)
    cp.segments[segment] = {"offset": end, "final": final}
    cp.pending = None
    cp.save()
    report.ranges += 1


def _read_range(path: Path, start: int, limit: int) -> tuple[list[SpoolRecord], int, bool, bool]:
    """(complete records within `limit` bytes of `start`, end of the last, SEAL seen, stopped by the limit)."""
    records: list[SpoolRecord] = []
    end, sealed = start, False
    for record in read_records(path, start):
        if record.end - start > limit and end > start:
            return records, end, False, True
        records.append(record)
        end = record.end
        sealed = sealed or record.kind == SEAL
    return records, end, sealed, False


def load(
    spool_dir: Path | str,
    lake_dir: Lake | Path | str,
    *,
    sm4_key: KeyFn | None = None,
    overrides: Mapping[tuple[str, str], str] | None = None,
    max_range_bytes: int = MAX_RANGE_BYTES,
    loader_id: str | None = None,
) -> LoadReport:
    """Load every new complete spool record into the lake; safe to run again and again (and concurrently with
    the gateway writing the active segment). `lake_dir` is a folder or a URI (see storage.Lake); `loader_id`
    names this spool's loader when several feed one lake. `sm4_key(mn)` supplies 2025 keys."""
    spool, lake = Path(spool_dir), as_lake(lake_dir)
    lake.makedirs()
    cp = Checkpoint.load(lake, checkpoint_name(loader_id))
    report = LoadReport()
    run = _Run(spool, lake, cp, sm4_key, overrides, report, loader_id)
    if cp.pending:
        p = cp.pending  # a crash left this range half-written: redo it exactly, trusting no cached keys
        KEYS.forget(lake)
        records = []
        for record in read_records(spool / p["segment"], p["start"]):
            if record.offset >= p["end"]:
                break
            records.append(record)
        _load_range(run, p["segment"], p["start"], p["end"], p["final"], records)
    segments = [p.name for p in list_segments(spool)]
    for i, segment in enumerate(segments):
        if cp.is_final(segment):
            continue
        superseded = i < len(segments) - 1  # the writer only appends to the newest segment
        while True:
            start = cp.offset(segment)
            records, end, sealed, more = _read_range(spool / segment, start, max_range_bytes)
            final = (sealed or superseded) and not more
            if end == start and not final:
                break
            if end == start:
                cp.segments[segment] = {"offset": end, "final": True}
                cp.save()
                break
            _load_range(run, segment, start, end, final, records)
            if not more:
                break
    # The rules' wide hourly table: rebuilt once per hourly partition this load touched.
    wide_refresh(lake, report.files)
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


def spool_backlog(
    spool_dir: Path | str, lake_dir: Lake | Path | str, loader_id: str | None = None
) -> Backlog:
    """What the loader still has to do (reads record heads only, so it stays cheap for a large backlog)."""
    from ..gateway.spool import HEAD, MAGIC

    spool, lake = Path(spool_dir), as_lake(lake_dir)
    name = checkpoint_name(loader_id)
    cp = Checkpoint.load(lake, name)
    out = Backlog(last_load=lake.mtime(name))
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
