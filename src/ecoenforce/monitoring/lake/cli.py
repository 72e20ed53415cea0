"""`ecoenforce lake load|wide|show`: move the spool into the lake; backfill the wide hourly table; print readings."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from ..gateway.directory import FileDeviceDirectory
from ..hj212 import CST
from .loader import directory_keys, load
from .reader import read_readings
from .wide import backfill as wide_backfill


def build_parser() -> argparse.ArgumentParser:
    """Subcommands load and show."""
    p = argparse.ArgumentParser(prog="ecoenforce lake", description="HJ 212 monitoring lake")
    sub = p.add_subparsers(dest="command", required=True)
    ld = sub.add_parser("load", help="load new spool records into the lake (idempotent)")
    ld.add_argument("--spool", type=Path, default=Path("var/spool"))
    ld.add_argument(
        "--lake", default="var/lake", help="folder or URI (s3://bucket/prefix?endpoint_override=...)"
    )
    ld.add_argument("--devices", type=Path, help="device snapshot (for SM4 keys of 2025 devices)")
    ld.add_argument("--loader-id", help="this spool's loader when several gateways feed one lake")
    ld.add_argument("--watch", type=float, default=0, help="keep loading every SECONDS (0 = once)")
    wd = sub.add_parser("wide", help="build the rules' wide hourly table where missing or stale")
    wd.add_argument("--lake", default="var/lake", help="folder or URI")
    show = sub.add_parser("show", help="print readings as JSON lines")
    show.add_argument("--lake", default="var/lake", help="folder or URI")
    show.add_argument("--mn")
    show.add_argument("--kind")
    show.add_argument("--pollutant")
    show.add_argument("--start", help="YYYY-MM-DD[THH:MM], Beijing time")
    show.add_argument("--end", help="YYYY-MM-DD[THH:MM], Beijing time (exclusive)")
    return p


def _when(text: str | None) -> datetime | None:
    """Parse a CLI date/time as Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=CST) if text else None


def main(argv: list[str] | None = None) -> int:
    """Entry point wired into the `ecoenforce` CLI."""
    args = build_parser().parse_args(argv)
    if args.command == "load":
        keys = directory_keys(FileDeviceDirectory(args.devices)) if args.devices else None
        while True:
            report = load(args.spool, args.lake, sm4_key=keys, loader_id=args.loader_id)
            if report.records or not args.watch:
                print(json.dumps({"ranges": report.ranges, "records": report.records,
                                  "rows_written": report.rows_written, "duplicates": report.duplicates,
                                  "errors": dict(report.errors),
                                  "frames_without_readings": report.frames_without_readings}), flush=True)  # fmt: skip
            if not args.watch:
                return 0
            time.sleep(args.watch)
    if args.command == "wide":
        built, fresh = wide_backfill(args.lake)
        print(json.dumps({"built": built, "fresh": fresh}))
        return 0
    rows = read_readings(args.lake, mn=args.mn, kind=args.kind, pollutant=args.pollutant, start=_when(args.start),
                         end=_when(args.end), as_dicts=True)  # fmt: skip
    for row in rows:
        print(json.dumps(row, default=str, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
