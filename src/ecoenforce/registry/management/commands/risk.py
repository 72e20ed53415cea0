"""`ecoenforce risk score --as-of DATE [--apply] [--history FILE [--map kinds.csv]]`: explainable risk classes.
`ecoenforce risk backtest --history FILE --cutoff DATE [--horizon 12m] [--budget N] [--map kinds.csv]`: how well
each targeting rule would have found the violations after the cut-off (docs/risk-history.md)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.tables.uploads import path_read
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.risk import score_entity
from ecoenforce.registry.risk_backtest import run_backtest, table_text
from ecoenforce.registry.risk_history import HistoryRefused, read_history, read_kind_map, report_lines
from ecoenforce.registry.risk_services import (
    history_facts,
    risk_classify,
    risk_policy_current,
    risk_score_all,
)

HISTORY_HELP = (
    "History file (.csv or .xlsx), one row per dated event. Required columns: entity_id (the credit code when the "
    "entities are in the registry), date (YYYY-MM-DD), kind. Accepted kinds: inspection_clean (inspection without "
    "violation), inspection_violation (inspection found a violation), case_opened (case opened), penalty (penalty "
    "decided), "
    "warning (monitoring warning), tip (public tip or complaint), incident (environmental incident). Any other kind "
    "is refused with its row number unless --map translates it. Optional columns, used when present: ref (a "
    "repeated entity+date+kind+ref is refused as a duplicate), industry_code, permit_class "
    "(key/simplified/registration/none), key_unit (1/0), annual_discharge_t, sensitive_receptor (1/0), credit_grade "
    "(green/blue/yellow/red/black); without industry_code the facts are read from the registry and every entity "
    "must be in it. Dates in the future are refused. See docs/risk-history.md.")
MAP_HELP = ("Kind map (.csv or .xlsx) with columns kind, maps_to: each of your kinds mapped to an accepted kind or to "
            "'ignore' (e.g. complaint,tip; violation,inspection_violation; site_visit,inspection_clean).")


def load_history(path: str, map_path: str | None, *, today: dt.date):
    """The history named on the command line, or CommandError with every problem (row, what to change)."""
    try:
        kind_map = read_kind_map(path_read(map_path), map_path) if map_path else None
        return read_history(path_read(path), path, today=today, kind_map=kind_map, registry_facts=history_facts)
    except HistoryRefused as refused:
        raise CommandError("\n".join(report_lines(refused.report))) from None
    except ValidationFailed as exc:
        raise CommandError(str(exc.message)) from None


class Command(BaseCommand):
    help = ("Score entities as of a date and print class, score and reasons, from the database or from a bureau's "
            "history file (--history).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["score", "backtest"])
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--apply", action="store_true", help="save the classes (audited)")
        parser.add_argument("--history", help=HISTORY_HELP)
        parser.add_argument("--map", dest="map_path", help=MAP_HELP)
        parser.add_argument("--cutoff", type=dt.date.fromisoformat, default=None,
                            help="backtest: score from events up to this date, judge on what happened after it")
        parser.add_argument("--horizon", default="12m", help="backtest: how long after the cut-off (12m, 365d, 1y)")
        parser.add_argument("--budget", type=int, default=None,
                            help="backtest: inspections the bureau can make in the horizon (default 10%% of entities)")

    def handle(self, *args, action, as_of, apply, history, map_path, cutoff, horizon, budget, **options):
        if action == "backtest":
            return self._backtest(history, map_path, cutoff, horizon, budget)
        as_of = as_of or timezone.localdate()
        if map_path and not history:
            raise CommandError("--map translates the kinds of a --history file; give the file with --history")
        if history:
            loaded = load_history(history, map_path, today=timezone.localdate())
            policy = risk_policy_current()
            results = [score_entity(loaded.facts[e], loaded.events[e], as_of=as_of, policy=policy)
                       for e in sorted(loaded.events)]
        else:
            results = [r for _e, r in risk_score_all(entities=RegulatedEntity.objects.all(), as_of=as_of)]
        self.stdout.write("entity_id,class,score,reasons")
        for r in results:
            reasons = "; ".join(f"{x.factor}={x.detail}({x.points:+d})" for x in r.reasons)
            self.stdout.write(f"{r.entity_id},{r.risk_class},{r.score},{reasons}")
        if apply:
            if history:
                raise CommandError("--apply works on the database, not on a --history file")
            totals = risk_classify(actor=None, as_of=as_of)
            self.stdout.write(self.style.SUCCESS(
                f"saved: {totals['key']} key, {totals['general']} general, {totals['special']} special; "
                f"{totals['changed']} changed class"))

    def _backtest(self, history, map_path, cutoff, horizon, budget):
        if not history or not cutoff:
            raise CommandError("backtest needs --history FILE and --cutoff DATE")
        loaded = load_history(history, map_path, today=timezone.localdate())
        try:
            result = run_backtest(loaded, cutoff=cutoff, horizon=horizon, budget=budget)
        except ValidationFailed as exc:
            raise CommandError(str(exc.message)) from None
        for line in table_text(result):
            self.stdout.write(line)
