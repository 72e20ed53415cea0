"""Rule runs: read the lake, apply the rules, upsert warnings idempotently, keep a job record with progress."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
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
    """Save progress outside the run's own transaction so the page can watch it."""
    RuleRun.objects.filter(pk=run.pk).update(progress=pct, **fields)


def rule_run_execute(*, run_id: int, lake_dir=None, con=None) -> RuleRun:
    """Execute a recorded run: events → warnings (same event id → same warning, updated not duplicated)."""
    run = RuleRun.objects.get(pk=run_id)
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
        _progress(run, 100, status=RuleRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        run.refresh_from_db()
        return run
    _progress(run, 100, status=RuleRun.Status.DONE, warnings_created=created, warnings_updated=updated,
              unmatched_devices=unmatched, finished_at=timezone.now())  # fmt: skip
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
