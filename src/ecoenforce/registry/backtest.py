"""Back-test of targeting rules on a bureau's own history (pure, no Django).

Every entity is scored from its events up to the cut-off only; the outcome is whether a violation was found
(inspection_violation or penalty) in (cut-off, cut-off + horizon]. Arms, all in the same run:

- `random`: every entity equal (the base rate; lift 1 by definition);
- `naive`: the plain count of past violations, penalties, incidents and tips (all years up to the cut-off);
- `policy_class`: the points policy's class (special > key > general), nothing else;
- `policy_points`: the points policy's score;
- `learned`: the learned score (`risk_learned`), fitted with its own time split inside the history before the
  cut-off (features as of cut-off − horizon, labels up to the cut-off); absent, with the reason, when it cannot fit.

Figures: lift in the top 5/10/20% (share of later violators in the top, over the base rate), and at the budget
(inspections the bureau can make): later violators found per 100 inspections and the share of all later violators
found; the gains curve (share found against share inspected). Entities with equal scores are counted at their
expected value, as if the order among them were drawn at random: a rule earns nothing from an arbitrary tie-break.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ecoenforce.registry import risk_learned
from ecoenforce.registry.risk import GENERAL, KEY, SPECIAL, EntityFacts, RiskPolicyValues, score_entity

NAIVE_KINDS = ("inspection_violation", "penalty", "incident", "tip")
SHARES = (0.05, 0.10, 0.20)
ARMS = ("random", "naive", "policy_class", "policy_points", "learned")
CLASS_ORDER = {SPECIAL: 2, KEY: 1, GENERAL: 0}
GAIN_STEPS = 20
DEFAULT_POLICY = RiskPolicyValues()
SLACK_DAYS = 31  # the history may end up to a month before the horizon's end (records are filed monthly)


class BacktestRefused(Exception):
    """The back-test cannot run as asked; `code` says why, `params` carry the dates and numbers for the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def parse_horizon(text: str) -> tuple[int, str]:
    """'12m' → (12, 'm'); '365d' → (365, 'd'); '1y' → (12, 'm'). ValueError when it is none of these."""
    match = re.fullmatch(r"\s*(\d+)\s*([dmy])\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(text)
    n, unit = int(match.group(1)), match.group(2)
    return (n * 12, "m") if unit == "y" else (n, unit)


def add_horizon(day: dt.date, horizon: tuple[int, str], sign: int = 1) -> dt.date:
    n, unit = horizon
    if unit == "d":
        return day + dt.timedelta(days=sign * n)
    months = day.year * 12 + day.month - 1 + sign * n
    year, month = divmod(months, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def naive_count(events: Sequence[tuple[dt.date, str]], as_of: dt.date) -> float:
    return float(sum(1 for d, k in events if d <= as_of and k in NAIVE_KINDS))


def expected_hits(scores: Sequence[float], labels: Sequence[bool], k: int) -> float:
    """Later violators expected among the top k when ties are ordered at random."""
    groups: dict[float, list[int]] = {}
    for s, y in zip(scores, labels, strict=True):
        g = groups.setdefault(s, [0, 0])
        g[0] += 1
        g[1] += int(y)
    hits, left = 0.0, k
    for s in sorted(groups, reverse=True):
        size, positives = groups[s]
        take = min(size, left)
        hits += positives * take / size
        left -= take
        if left == 0:
            break
    return hits


@dataclass(frozen=True)
class ArmFigures:
    arm: str
    lift: dict[float, float]  # share → lift
    per_100: float  # later violators found per 100 inspections at the budget
    found_share: float  # of all later violators, the share found at the budget
    gains: list[tuple[float, float]]  # (% inspected, % of later violators found)


@dataclass
class Backtest:
    cutoff: dt.date
    end: dt.date
    entities: int
    violators: int
    budget: int
    arms: list[ArmFigures]
    learned_missing: str = ""  # why the learned arm is absent ("too_few:<n>") or ""
    model: risk_learned.LearnedModel | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def base_rate(self) -> float:
        return self.violators / self.entities


def figures(arm: str, scores: Sequence[float], labels: Sequence[bool], budget: int) -> ArmFigures:
    n, violators = len(labels), sum(labels)
    base = violators / n
    lift = {}
    for share in SHARES:
        k = max(1, math.ceil(share * n))
        lift[share] = (expected_hits(scores, labels, k) / k) / base
    at_budget = expected_hits(scores, labels, budget)
    gains = [(0.0, 0.0)]
    for step in range(1, GAIN_STEPS + 1):
        k = math.ceil(n * step / GAIN_STEPS)
        gains.append((100.0 * step / GAIN_STEPS, 100.0 * expected_hits(scores, labels, k) / violators))
    return ArmFigures(arm, lift, 100.0 * at_budget / budget, at_budget / violators, gains)


def training_periods(first: dt.date, cutoff: dt.date, horizon: tuple[int, str]) -> list[tuple[dt.date, dt.date]]:
    """The learned score's snapshots before `cutoff`: (cutoff − h, cutoff), (cutoff − 2h, cutoff − h), … while the
    history reaches a year before the snapshot, at most `risk_learned.SNAPSHOTS`."""
    periods, until = [], cutoff
    for _i in range(risk_learned.SNAPSHOTS):
        as_of = add_horizon(until, horizon, -1)
        if as_of - dt.timedelta(days=365) < first:
            break
        periods.append((as_of, until))
        until = as_of
    return periods


def check(*, first: dt.date, last: dt.date, cutoff: dt.date, horizon: tuple[int, str], budget: int | None,
          entities: int) -> dt.date:
    """The horizon's end, or BacktestRefused when the cut-off, the horizon or the budget do not fit the history."""
    end = add_horizon(cutoff, horizon)
    if not first < cutoff < last:
        raise BacktestRefused("cutoff_outside", first=first, last=last)
    if end > last + dt.timedelta(days=SLACK_DAYS):
        raise BacktestRefused("horizon_beyond", last=last, latest=add_horizon(last, horizon, -1))
    if budget is not None and not 1 <= budget <= entities:
        raise BacktestRefused("budget", entities=entities)
    return end


def run(history: Mapping[str, Sequence[tuple[dt.date, str]]], facts: Mapping[str, EntityFacts], *,
        first: dt.date, last: dt.date, cutoff: dt.date, horizon: tuple[int, str], budget: int | None = None,
        policy: RiskPolicyValues = DEFAULT_POLICY, min_positives: int = risk_learned.MIN_POSITIVES) -> Backtest:
    """The back-test of every arm (see the module's text); BacktestRefused when the dates or budget do not fit."""
    end = check(first=first, last=last, cutoff=cutoff, horizon=horizon, budget=budget, entities=len(history))
    ids = sorted(history)
    labels = [risk_learned.violated(history[e], cutoff, end) for e in ids]
    violators = sum(labels)
    if violators == 0:
        raise BacktestRefused("no_violators", cutoff=cutoff, end=end)
    budget = budget if budget is not None else max(1, math.ceil(0.10 * len(ids)))
    known = {e: [(d, k) for d, k in history[e] if d <= cutoff] for e in ids}  # scores never read the outcome
    points = {e: score_entity(facts[e], known[e], as_of=cutoff, policy=policy) for e in ids}
    arms = {
        "random": [0.0] * len(ids),
        "naive": [naive_count(known[e], cutoff) for e in ids],
        "policy_class": [float(CLASS_ORDER[points[e].risk_class]) for e in ids],
        "policy_points": [float(points[e].score) for e in ids],
    }
    result = Backtest(cutoff, end, len(ids), violators, budget, [])
    periods = training_periods(first, cutoff, horizon)
    if not periods:
        result.learned_missing = "short"
    else:
        try:
            model = risk_learned.fit(known, facts, cutoff=cutoff, periods=periods, min_positives=min_positives)
        except risk_learned.TooFewOutcomes as exc:
            result.learned_missing = f"too_few:{exc.positives}"
        else:
            learned = risk_learned.score_all(model, known, facts, cutoff)
            arms["learned"] = [learned[e] for e in ids]
            result.model = model
    result.arms = [figures(arm, scores, labels, budget) for arm, scores in arms.items()]
    return result
