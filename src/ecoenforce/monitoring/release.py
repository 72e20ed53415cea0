"""Release quarantined frames of one MN into the lake, on top of the spool and loader APIs (no Django).

The loader only loads ACCEPTED records and keys its checkpoint by segment name, so a release re-spools the MN's
quarantine records as ACCEPTED into a private temporary spool, loads that into a temporary lake with the same
loader (same parsing, same dedup), then moves the rows into the real lake as `part-release-<mn>-<digest>.parquet`
files, dropping keys the lake already holds and pointing `segment`/`offset` back at the original quarantine
records (the evidential raw frame). Running it twice writes nothing the second time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .gateway.spool import ACCEPTED, SEAL, encode_record, segment_name
from .hj212 import HJ212Error, parse_header, split_frame
from .lake.checkpoint import fsync_dir
from .lake.loader import iter_quarantine, load
from .lake.schema import KEY_COLUMNS


def record_mn(raw: bytes) -> str | None:
    """The MN a raw frame claims, or None when the frame cannot be read that far."""
    try:
        header = parse_header(split_frame(raw, max_segment=1 << 16).segment)
    except HJ212Error:
        return None
    return header.mn.decode(errors="replace") if header is not None and header.mn else None


def _lake_keys(partition: Path) -> set[tuple]:
    keys: set[tuple] = set()
    for path in partition.glob("part-*.parquet"):
        table = pq.read_table(path, columns=list(KEY_COLUMNS))
        keys.update(zip(*[table.column(c).to_pylist() for c in KEY_COLUMNS], strict=True))
    return keys


def release_quarantined(spool_dir: Path | str, lake_dir: Path | str, *, mn: str,
                        sm4_key: bytes | None = None) -> tuple[int, int]:  # fmt: skip
    """Load `mn`'s quarantined frames into the lake; returns (frames found, readings written)."""
    records = [r for r in iter_quarantine(spool_dir) if record_mn(r.raw) == mn]
    if not records:
        return 0, 0
    origin = {r.sha256: (r.segment, r.offset) for r in reversed(records)}  # first received wins
    lake = Path(lake_dir)
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
            partition = lake / part.parent.parent.name / part.parent.name
            table = pq.read_table(part)
            existing = _lake_keys(partition) if partition.is_dir() else set()
            rows = [row for row in table.to_pylist() if tuple(row[c] for c in KEY_COLUMNS) not in existing]
            if not rows:
                continue
            for row in rows:
                row["segment"], row["offset"] = origin.get(row["sha256"], (row["segment"], row["offset"]))
            out = pa.Table.from_pylist(rows, schema=table.schema)
            digest = hashlib.sha256(",".join(sorted(r["sha256"] + str(r["data_time"]) + r["pollutant"]
                                                    for r in rows)).encode()).hexdigest()[:16]  # fmt: skip
            partition.mkdir(parents=True, exist_ok=True)
            target = partition / f"part-release-{mn}-{digest}.parquet"
            tmp_file = partition / f".tmp-release-{mn}-{digest}.parquet"
            pq.write_table(out, tmp_file)
            with open(tmp_file, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp_file, target)
            fsync_dir(partition)
            written += len(rows)
    return len(records), written


__all__ = ["record_mn", "release_quarantined"]
