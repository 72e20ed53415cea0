"""`ecoenforce schedule`: start the rule runs every hour over the hour just closed, and a daily full-day run.

One scheduler per machine holds var/run/scheduler.lock; a second one started on the same machine waits as a
standby and takes over if the first dies. Across machines the ScheduledSlot table's unique window keeps every
run single, and the rule lease (`warnings.runs.rule_run_claim`) keeps two executions from overlapping; each tick
re-queues the runs whose worker died half-way (`rule_runs_recover`). Periods are configurable so a test can use seconds.
"""

from __future__ import annotations

import fcntl
import os
import signal
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Max

from ecoenforce.ops.models import ScheduledSlot
from ecoenforce.ops.runstate import write_state
from ecoenforce.ops.schedule import DAILY, HOURLY, Policy, due_slots, next_due
from ecoenforce.ops.services import process_name, slot_start
from ecoenforce.warnings.runs import rule_runs_recover


class Command(BaseCommand):
    help = "Run the monitoring rules on a schedule: hourly over the hour just closed, daily over the day before."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=3600.0, help="seconds between runs (default 3600)")
        parser.add_argument("--window", type=float, default=None, help="seconds each run covers (default --every)")
        parser.add_argument("--delay", type=float, default=300.0,
                            help="seconds after a period closes before its run starts (late frames; default 300)")  # fmt: skip
        parser.add_argument("--daily-at", default="00:30", help="Beijing time of the daily run, or 'off'")
        parser.add_argument("--catch-up", type=float, default=86_400.0,
                            help="after a stop, run missed hourly periods of at most this many seconds")  # fmt: skip
        parser.add_argument("--once", action="store_true", help="start what is due now, then exit")

    def handle(self, *args, every, window, delay, daily_at, catch_up, once, **options):
        daily = None
        if daily_at != "off":
            hh, mm = daily_at.split(":")
            daily = int(hh) * 3600 + int(mm) * 60
        policy = Policy(every=every, window=window, delay=delay, daily_at=daily, catch_up=catch_up)
        run_dir = settings.VAR_DIR / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        stop = {"now": False}

        def request_stop(signum, frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        with open(run_dir / "scheduler.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.stdout.write("another scheduler runs on this machine: standing by until it stops", ending="\n")
                self.stdout.flush()
                while not stop["now"]:
                    try:
                        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        time.sleep(1.0)
                if stop["now"]:
                    return
            started = datetime.now(UTC)
            self.stdout.write(f"scheduler: every {every:g}s over {policy.window or every:g}s, delay {delay:g}s, "
                              f"daily at {daily_at}")  # fmt: skip
            self.stdout.flush()
            while not stop["now"]:
                for run_id in rule_runs_recover():  # runs whose worker died half-way: queued again
                    self.stdout.write(f"re-queued rule run {run_id} (its worker stopped half-way)")
                    self.stdout.flush()
                now = datetime.now(UTC)
                last = dict(ScheduledSlot.objects.values_list("kind").annotate(last=Max("window_to")))
                for slot in due_slots(now, policy, last_hourly=last.get(HOURLY), last_daily=last.get(DAILY)):
                    claimed = slot_start(slot=slot)
                    if claimed is not None:
                        self.stdout.write(f"started rule run {claimed.run_id}: {slot.kind} "
                                          f"{slot.window_from:%Y-%m-%d %H:%M:%S}–{slot.window_to:%H:%M:%S} UTC")  # fmt: skip
                        self.stdout.flush()
                    if stop["now"]:
                        break
                write_state(run_dir / "scheduler.json", {
                    "pid": os.getpid(), "process": process_name(), "started_at": started.isoformat(),
                    "beat_at": datetime.now(UTC).isoformat(), "every": every, "window": policy.window or every,
                    "delay": delay, "daily_at": daily_at,
                })  # fmt: skip
                if once:
                    return
                wait = min(60.0, next_due(datetime.now(UTC), policy))  # the daily slot is checked each minute
                end = time.monotonic() + wait
                while not stop["now"] and time.monotonic() < end:
                    time.sleep(min(1.0, max(0.05, end - time.monotonic())))
