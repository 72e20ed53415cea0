"""Rule runs: read the lake, apply the rules, upsert warnings idempotently, keep a job record with progress."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.monitoring.rules import runner
from ecoenforce.warnings.models import RuleRun, Warning
from ecoenforce.warnings.selectors import device_entities, limit_rows
from ecoenforce.warnings.services import rule_policy_current

log = logging.getLogger(__name__)
ENGINES = ("duckdb", "spark")
LIMIT_RULES = ("exceedance", "flag_abuse")  # their threshold is the point's limit
RULE_LEASE_LOCK = 16_0003  # PostgreSQL advisory lock key of the rule lease


@transaction.atomic
def rule_run_create(*, actor: User | None, window_from: dt.datetime, window_to: dt.datetime,
                    engine: str = "duckdb") -> RuleRun:
    """Record a run request (the job record the UI shows while it works)."""
    if engine not in ENGINES:
        raise ValidationFailed(_("Choose the DuckDB or Spark engine."), details={"engine": [_("Unknown engine.")]})
    if window_to <= window_from:
        raise ValidationFailed(_("The end must be after the start."), details={"window_to": [_("Choose a later time.")]})
    if window_to - window_from > dt.timedelta(days=400):
        raise ValidationFailed(_("Run at most 400 days at once; split longer periods."),
                               details={"window_to": [_("Too long.")]})  # fmt: skip
    # A run never judges the future: the window recorded ends now at the latest, and the rules stop at the start of
    # the current hour (runner.judged_until), whose data are still to come. A window wholly ahead is refused; one
    # inside the current hour (a short scheduled slot) is kept and judges nothing yet.
    now = timezone.now()
    if window_from >= now:
        raise ValidationFailed(_("This period has not happened yet: a run judges only hours that have passed."),
                               details={"window_from": [_("Choose a start before the current hour.")]})  # fmt: skip
    window_to = min(window_to, now)
    policy, _values = rule_policy_current()
    run = RuleRun.objects.create(window_from=window_from, window_to=window_to, engine=engine, policy=policy,
                                 requested_by=actor)  # fmt: skip
    audit_record(actor=actor, obj=run, action="rule_run.create", after={"from": window_from.isoformat(),
                                                                         "to": window_to.isoformat(), "engine": engine})  # fmt: skip
    return run


def _progress(run: RuleRun, pct: int, **fields) -> None:
    """Save progress outside the run's own transaction so the page can watch it; renews the run's lease."""
    RuleRun.objects.filter(pk=run.pk).update(**{"progress": pct, "lease_until": timezone.now() + lease_length(),
                                                **fields})  # fmt: skip


def lease_length() -> dt.timedelta:
    """How long a run's lease holds without renewal (settings.RULE_RUN_LEASE_SECONDS, default an hour: longer than
    any one step of a run, which renews it at each)."""
    return dt.timedelta(seconds=float(getattr(settings, "RULE_RUN_LEASE_SECONDS", 3600)))


def lease_holder() -> str:
    """host:pid of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_gone(holder: str) -> bool:
    """True when `holder` was a process on this machine that no longer exists (killed: its lease is void at once).
    A holder on another machine is trusted until its lease runs out."""
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _lease_void(run: RuleRun, now: dt.datetime) -> bool:
    return run.lease_until is None or run.lease_until <= now or holder_gone(run.lease_holder)


def rule_run_claim(*, run_id: int) -> str:
    """Take the lake's rule lease for this run: "claimed", "busy" (another run holds it: incremental runs read the
    warnings earlier runs wrote, so runs go one at a time) or "done" (nothing left to do).

    A run whose holder died (SIGKILL, a lost machine) is claimed again once its lease is void: at once when the
    holder was on this machine, else when the lease runs out."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite's IMMEDIATE transactions already serialise this block
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RULE_LEASE_LOCK])
        run = RuleRun.objects.select_for_update().get(pk=run_id)
        if run.status == RuleRun.Status.DONE:
            return "done"
        me = lease_holder()
        if run.status == RuleRun.Status.RUNNING and run.lease_holder != me and not _lease_void(run, now):
            return "busy"
        for other in RuleRun.objects.filter(status=RuleRun.Status.RUNNING).exclude(pk=run_id):
            if not _lease_void(other, now):
                return "busy"
        RuleRun.objects.filter(pk=run_id).update(status=RuleRun.Status.RUNNING, lease_holder=me,
                                                 lease_until=now + lease_length(), attempts=F("attempts") + 1)  # fmt: skip
    return "claimed"


def rule_runs_recover() -> list[int]:
    """Runs left RUNNING by a holder that died: back to QUEUED with their task enqueued again (the scheduler calls
    this every tick). Re-running one is safe: the rules fold into the warnings already there."""
    from ecoenforce.warnings.tasks import rule_run_task

    out = []
    for run in RuleRun.objects.filter(status=RuleRun.Status.RUNNING):
        if not _lease_void(run, timezone.now()):
            continue
        with transaction.atomic():  # compare-and-set: a scheduler on another machine may be recovering it too
            if RuleRun.objects.filter(pk=run.pk, status=RuleRun.Status.RUNNING, lease_holder=run.lease_holder,
                                      lease_until=run.lease_until).update(status=RuleRun.Status.QUEUED,
                                                                          lease_until=None):  # fmt: skip
                rule_run_task.enqueue(run.pk)
                out.append(run.pk)
    return out


def rule_run_execute(*, run_id: int, lake_dir=None, con=None, wait: float | None = None) -> RuleRun:
    """Execute a recorded run: events → warnings (same event id → same warning, updated not duplicated).

    The run first takes the rule lease (`rule_run_claim`), waiting while another run holds it (at most `wait`
    seconds, default the lease's length); a run already done is returned as it is. Killed half-way, it is simply
    executed again: the warnings upsert is one transaction, and events fold into the warnings already there."""
    deadline = time.monotonic() + (lease_length().total_seconds() if wait is None else wait)
    while (state := rule_run_claim(run_id=run_id)) == "busy":
        if time.monotonic() >= deadline:
            return RuleRun.objects.get(pk=run_id)
        time.sleep(0.5)
    run = RuleRun.objects.get(pk=run_id)
    if state == "done":
        return run
    _progress(run, 5, status=RuleRun.Status.RUNNING)
    try:
        _policy, values = rule_policy_current()
        limits = limit_rows()
        _progress(run, 15)
        lake = lake_dir or settings.LAKE_URL or settings.LAKE_DIR
        events = runner.run_window(lake, run.window_from, run.window_to, limits, values,
                                   open_events=open_events(run.window_from, values), engine=run.engine, con=con,
                                   now=timezone.now())  # fmt: skip
        _progress(run, 70, events_found=len(events))
        created, updated, unmatched = warnings_upsert(events=events, run=run)
    except Exception as exc:  # the job record must say what went wrong, whatever it was
        log.exception("rule run %s failed", run.pk)
        _progress(run, 100, status=RuleRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now(),
                  lease_until=None)  # fmt: skip
        run.refresh_from_db()
        return run
    _progress(run, 100, status=RuleRun.Status.DONE, warnings_created=created, warnings_updated=updated,
              unmatched_devices=unmatched, finished_at=timezone.now(), lease_until=None)  # fmt: skip
    run.refresh_from_db()
    return run


def open_events(window_from: dt.datetime, values) -> list[runner.Event]:
    """Warnings an incremental run may extend: those ending within its longest look-back (plus the merge gap)
    before the window, as the rules' events."""
    since = window_from - dt.timedelta(hours=runner.max_lookback_hours(values) + values.merge_gap_hours)
    rows = Warning.objects.filter(end__gte=since).values_list(
        "event_id", "rule", "mn", "pollutant", "start", "end", "value", "threshold", "hits", "severity")  # fmt: skip
    return [runner.Event(*row) for row in rows]


@transaction.atomic
def warnings_upsert(*, events: list[runner.Event], run: RuleRun | None) -> tuple[int, int, int]:
    """Create a warning per new event, extend the known ones; events on unknown devices are counted, not kept."""
    entities = device_entities({e.mn for e in events})
    existing = {w.event_id: w for w in Warning.objects.select_for_update().filter(event_id__in=[e.id for e in events])}
    created = updated = 0
    unmatched: set[str] = set()
    for e in events:
        entity = entities.get(e.mn)
        if entity is None:
            unmatched.add(e.mn)
            continue
        w = existing.get(e.id)
        if w is None:
            w = Warning.objects.create(event_id=e.id, rule=e.rule, mn=e.mn, pollutant=e.pollutant, entity=entity,
                                       region=entity.region, start=e.start, end=e.end, severity=e.severity,
                                       value=e.value, threshold=e.threshold, hits=e.hits, run=run)  # fmt: skip
            audit_record(actor=None, obj=w, action="warning.raise", after={"rule": e.rule, "mn": e.mn,
                                                                            "pollutant": e.pollutant})  # fmt: skip
            created += 1
        elif (w.end, w.hits, w.value, w.severity) != (e.end, e.hits, e.value, e.severity):
            # A warning keeps the limit it was raised under: an event that runs on past a change of the point's
            # limit grows, but its threshold stays the one it was judged against (warnings.selectors.warning_limit).
            threshold = w.threshold if e.rule in LIMIT_RULES else e.threshold
            w.end, w.hits, w.value, w.threshold, w.severity = e.end, e.hits, e.value, threshold, e.severity
            w.save(update_fields=["end", "hits", "value", "threshold", "severity", "updated_at"])
            updated += 1
    return created, updated, len(unmatched)
