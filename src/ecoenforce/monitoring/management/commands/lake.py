"""`ecoenforce lake load [--watch SECONDS]` / `lake show` / `lake wide`: the lake CLI with the configured spool, lake and keys."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from ecoenforce.monitoring.lake.cli import main as lake_main


class Command(BaseCommand):
    help = ("Load the HJ 212 spool into the lake once, or every --watch seconds; `show` prints readings; `wide` "
            "builds the rules' wide hourly table where an older lake lacks it.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "show", "wide"])
        parser.add_argument("--watch", type=float, default=0, help="keep loading every SECONDS (0 = once)")
        parser.add_argument("--quiet", action="store_true", help="print only loads that found new records")
        for name in ("--mn", "--kind", "--pollutant", "--start", "--end"):
            parser.add_argument(name, help="show: filter (start/end: YYYY-MM-DD[THH:MM], Beijing time)")

    def handle(self, *args, action, watch, quiet=False, **options):
        if action == "wide":  # an older lake: build the rules' wide hourly table ahead of the first run
            lake_main(["wide", "--lake", str(settings.LAKE_URL or settings.LAKE_DIR)])
            return
        if action == "show":
            argv = ["show", "--lake", str(settings.LAKE_URL or settings.LAKE_DIR)]
            for name in ("mn", "kind", "pollutant", "start", "end"):
                if options.get(name):
                    argv += [f"--{name}", options[name]]
            lake_main(argv)
            return
        from ecoenforce.monitoring.lake.loader import load
        from ecoenforce.monitoring.models import MonitoringDevice
        from ecoenforce.monitoring.selectors import lake_load_lock

        while True:
            keys = {d.mn: bytes.fromhex(d.sm4_key) for d in MonitoringDevice.objects.exclude(sm4_key="")}
            with lake_load_lock(blocking=True):
                report = load(settings.SPOOL_DIR, settings.LAKE_URL or settings.LAKE_DIR, sm4_key=keys.get, loader_id=settings.LOADER_ID or None)
            if report.records or not quiet:
                self.stdout.write(json.dumps({"records": report.records, "rows_written": report.rows_written,
                                              "duplicates": report.duplicates, "errors": dict(report.errors)}))  # fmt: skip
                self.stdout.flush()
            if not watch:
                return
            time.sleep(watch)
