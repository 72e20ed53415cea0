"""`ecoenforce rules run --from --to [--engine duckdb|spark] [--format jsonl]` and `ecoenforce rules demo`."""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def _when(text: str) -> dt.datetime:
    """A date or ISO datetime; naive values are in the project's time zone."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date or ISO datetime (e.g. 2026-10-01 or 2026-10-01T08:00)") from None
    return value if value.tzinfo else timezone.make_aware(value)


class Command(BaseCommand):
    help = "Run the monitoring rules over the lake and raise warnings; or seed a demo month of monitoring."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="apply the rules to [--from, --to) and raise/update warnings")
        run.add_argument("--from", dest="start", required=True)
        run.add_argument("--to", dest="end", required=True)
        run.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        run.add_argument("--format", choices=["text", "jsonl"], default="text")
        run.add_argument("--dry-run", action="store_true", help="print events, store nothing")
        demo = sub.add_parser("demo", help="simulate a month for demo entities into the lake, run the rules")
        demo.add_argument("--entities", type=int, default=24)
        demo.add_argument("--days", type=int, default=30)
        demo.add_argument("--end", default=None, help="last day (default: yesterday)")

    def handle(self, *args, **opts):
        if opts["action"] == "demo":
            from ecoenforce.warnings.demo import monitoring_demo

            out = monitoring_demo(entities=opts["entities"], days=opts["days"],
                                  end=_when(opts["end"]).date() if opts["end"] else None)  # fmt: skip
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        start, end = _when(opts["start"]), _when(opts["end"])
        if end <= start:
            raise CommandError("--to must be after --from")
        if opts["dry_run"]:
            from django.conf import settings

            from ecoenforce.monitoring.rules import runner
            from ecoenforce.warnings.selectors import limit_rows
            from ecoenforce.warnings.services import rule_policy_current

            events = runner.run_lake(settings.LAKE_URL or settings.LAKE_DIR, start, end, limit_rows(), rule_policy_current()[1],
                                     engine=opts["engine"], now=timezone.now())  # fmt: skip
            for e in events:
                self._emit(opts["format"], e.as_json())
            return
        from ecoenforce.warnings.runs import rule_run_create, rule_run_execute

        run = rule_run_create(actor=None, window_from=start, window_to=end, engine=opts["engine"])
        run = rule_run_execute(run_id=run.pk)
        summary = {"run": run.pk, "status": run.status, "events": run.events_found, "created": run.warnings_created,
                   "updated": run.warnings_updated, "unknown_devices": run.unmatched_devices, "error": run.error}  # fmt: skip
        self._emit(opts["format"], summary)
        if run.status != "done":
            sys.exit(1)

    def _emit(self, fmt: str, row: dict) -> None:
        if fmt == "jsonl":
            self.stdout.write(json.dumps(row, ensure_ascii=False))
        else:
            self.stdout.write("  ".join(f"{k}={v}" for k, v in row.items()))
