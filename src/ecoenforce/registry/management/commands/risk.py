"""`ecoenforce risk score --as-of DATE [--apply] [--history FILE]`: explainable risk classes."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.risk import EntityFacts, score_entity
from ecoenforce.registry.risk_services import risk_classify, risk_policy_current, risk_score_all


class Command(BaseCommand):
    help = ("Score entities as of a date and print class, score and reasons. --history FILE scores the CSV's "
            "entities (columns: entity_id, date, kind[, industry_code, permit_class, key_unit, annual_discharge_t, "
            "sensitive_receptor, credit_grade]; facts are read from each entity's first row) instead of the database.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["score"])
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--apply", action="store_true", help="save the classes (audited)")
        parser.add_argument("--history", help="CSV of dated events to score instead of the database")

    def handle(self, *args, as_of, apply, history, **options):
        as_of = as_of or timezone.localdate()
        if history:
            results = self._from_history(history, as_of)
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

    def _from_history(self, path: str, as_of: dt.date):
        events, facts = defaultdict(list), {}
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                for n, row in enumerate(csv.DictReader(fh), start=2):
                    try:
                        entity = row["entity_id"].strip()
                        events[entity].append((dt.date.fromisoformat(row["date"].strip()), row["kind"].strip()))
                    except (KeyError, ValueError) as exc:
                        raise CommandError(f"row {n}: needs entity_id, date (YYYY-MM-DD) and kind ({exc})") from None
                    discharge = (row.get("annual_discharge_t") or "").strip()
                    try:
                        discharge = float(discharge) if discharge else None
                    except ValueError:
                        raise CommandError(f"row {n}: annual_discharge_t must be a number of tonnes") from None
                    receptor = (row.get("sensitive_receptor") or "").strip().lower()
                    facts.setdefault(entity, EntityFacts(
                        id=entity, industry_code=(row.get("industry_code") or "").strip(),
                        permit_class=(row.get("permit_class") or "registration").strip(),
                        is_key_unit=(row.get("key_unit") or "").strip().lower() in {"1", "yes", "true", "是"},
                        annual_discharge_t=discharge,
                        near_sensitive_receptor=(receptor in {"1", "yes", "true", "是"}) if receptor else None,
                        credit_grade=(row.get("credit_grade") or "").strip().lower()))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        policy = risk_policy_current()
        return [score_entity(facts[e], events[e], as_of=as_of, policy=policy) for e in sorted(events)]

