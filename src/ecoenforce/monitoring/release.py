"""Release quarantined frames of one MN into the lake, on top of the spool and loader APIs (no Django).

Frames of an unknown or inactive MN are quarantined *before* any password check (the gateway has no password to
check them against), so whoever sent them may not be the device. A release therefore checks each kept frame's
`PW=` against the device's password at release time: matching frames are released, the others are refused and
stay in quarantine as evidence. `quarantine_review` shows the operator exactly that split — count, receipt and
data-time range, sending peers — and a position (`through`) so the release moves what was reviewed and nothing
that arrived afterwards.

The loader only loads ACCEPTED records and keys its checkpoint by segment name, so a release re-spools the chosen
records as ACCEPTED into a private temporary spool, loads that into a temporary lake with the same loader (same
parsing, same dedup), then moves the rows into the real lake as `part-release-<mn>-<digest>.parquet` files,
dropping keys the lake already holds (genuine readings win) and pointing `segment`/`offset` back at the original
quarantine records (the evidential raw frame). Running it twice writes nothing the second time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .gateway.spool import ACCEPTED, SEAL, SpoolRecord, encode_record, segment_name
from .hj212 import HJ212Error, parse_header, split_frame
from .lake.loader import iter_quarantine, load
from .lake.schema import KEY_COLUMNS
from .lake.storage import Lake, as_lake

DATA_TIME = re.compile(rb"DataTime=(\d{14})")


def _header(raw: bytes):
    try:
        return parse_header(split_frame(raw, max_segment=1 << 16).segment)
    except HJ212Error:
        return None


def record_mn(raw: bytes) -> str | None:
    """The MN a raw frame claims, or None when the frame cannot be read that far."""
    header = _header(raw)
    return header.mn.decode(errors="replace") if header is not None and header.mn else None


def _position(record: SpoolRecord) -> str:
    return f"{record.segment}:{record.offset}"


def _before_or_at(record: SpoolRecord, through: str | None) -> bool:
    if not through:
        return True
    segment, _, offset = through.partition(":")
    return (record.segment, record.offset) <= (segment, int(offset or 0))


@dataclass
class FrameGroup:
    """Frames on one side of a release: how many, when received, which data times, from which peers."""

    frames: int = 0
    first_received: float | None = None
    last_received: float | None = None
    first_data_time: str | None = None  # YYYYMMDDhhmmss as sent (Beijing time)
    last_data_time: str | None = None
    peers: Counter = field(default_factory=Counter)  # peer address (without port) -> frames

    def add(self, record: SpoolRecord) -> None:
        self.frames += 1
        t = record.received_at
        self.first_received = t if self.first_received is None else min(self.first_received, t)
        self.last_received = t if self.last_received is None else max(self.last_received, t)
        match = DATA_TIME.search(record.raw)
        if match:
            dt = match.group(1).decode()
            self.first_data_time = dt if self.first_data_time is None else min(self.first_data_time, dt)
            self.last_data_time = dt if self.last_data_time is None else max(self.last_data_time, dt)
        self.peers[record.peer.rpartition(":")[0] or record.peer] += 1


@dataclass
class ReleasePlan:
    """What a release of `mn` would do now: frames whose password matches (release) and the rest (refused)."""

    mn: str
    through: str | None = None  # spool position of the last reviewed quarantine record of this MN
    release: FrameGroup = field(default_factory=FrameGroup)
    refused: FrameGroup = field(default_factory=FrameGroup)
    records: list[SpoolRecord] = field(default_factory=list)  # the frames to release, in spool order


def quarantine_review(spool_dir: Path | str, *, mn: str, password: str, through: str | None = None) -> ReleasePlan:
    """Split `mn`'s quarantined frames (up to `through`, when given) by whether their password is `password`."""
    plan = ReleasePlan(mn)
    expected = password.encode()
    if not Path(spool_dir).is_dir():
        return plan
    for record in iter_quarantine(spool_dir):
        if not _before_or_at(record, through):
            break
        header = _header(record.raw)
        if header is None or header.mn is None or header.mn.decode(errors="replace") != mn:
            continue
        plan.through = _position(record)
        if header.pw is not None and hmac.compare_digest(header.pw, expected):
            plan.release.add(record)
            plan.records.append(record)
        else:
            plan.refused.add(record)
    return plan


@dataclass(frozen=True)
class ReleaseResult:
    """What a release did: frames released, frames refused (wrong or missing password), lake rows written."""

    frames: int
    refused: int
    rows_written: int
    through: str | None


def _lake_keys(lake: Lake, partition: str) -> set[tuple]:
    keys: set[tuple] = set()
    for name in lake.list(partition, "part-", ".parquet"):
        table = lake.read_table(f"{partition}/{name}", columns=list(KEY_COLUMNS))
        keys.update(zip(*[table.column(c).to_pylist() for c in KEY_COLUMNS], strict=True))
    return keys


def release_quarantined(spool_dir: Path | str, lake_dir: Lake | Path | str, *, mn: str, password: str,
                        sm4_key: bytes | None = None, through: str | None = None) -> ReleaseResult:  # fmt: skip
    """Load `mn`'s quarantined frames whose password is `password` (up to `through`) into the lake."""
    plan = quarantine_review(spool_dir, mn=mn, password=password, through=through)
    records = plan.records
    if not records:
        return ReleaseResult(0, plan.refused.frames, 0, plan.through)
    origin = {r.sha256: (r.segment, r.offset) for r in reversed(records)}  # first received wins
    lake = as_lake(lake_dir)
    written = 0
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        tmp_spool, tmp_lake = Path(tmp) / "spool", Path(tmp) / "lake"
        tmp_spool.mkdir()
        with open(tmp_spool / segment_name(1), "wb") as fh:
            for r in records:
                fh.write(encode_record(ACCEPTED, r.raw, received_at=r.received_at, peer=r.peer))
            fh.write(encode_record(SEAL, b"", received_at=records[-1].received_at))
        load(tmp_spool, tmp_lake, sm4_key=lambda _mn: sm4_key)
        for part in sorted(tmp_lake.glob("kind=*/date=*/part-*.parquet")):
            partition = f"{part.parent.parent.name}/{part.parent.name}"
            table = pq.read_table(part)
            existing = _lake_keys(lake, partition)
            rows = [row for row in table.to_pylist() if tuple(row[c] for c in KEY_COLUMNS) not in existing]
            if not rows:
                continue
            for row in rows:
                row["segment"], row["offset"] = origin.get(row["sha256"], (row["segment"], row["offset"]))
            out = pa.Table.from_pylist(rows, schema=table.schema)
            digest = hashlib.sha256(",".join(sorted(r["sha256"] + str(r["data_time"]) + r["pollutant"]
                                                    for r in rows)).encode()).hexdigest()[:16]  # fmt: skip
            lake.write_table(partition, f"part-release-{mn}-{digest}.parquet", out)
            written += len(rows)
    return ReleaseResult(len(records), plan.refused.frames, written, plan.through)


__all__ = ["FrameGroup", "ReleasePlan", "ReleaseResult", "quarantine_review", "record_mn", "release_quarantined"]
