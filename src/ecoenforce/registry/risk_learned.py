"""A learned, explainable risk score fitted on a bureau's own history (pure: scikit-learn, no Django).

Features of an entity as of a date (every one readable as a sentence):
- for each event kind, the count in the last 1, 2 and 5 years and a recency-weighted count (half-life one year);
- years since the last inspection (capped at 5) and whether it was ever inspected;
- facility attributes: permit class, key-unit listing, high-risk industry, log annual discharge (and whether known),
  near a sensitive receptor, credit grade (green −1 … black 3).

Fit (`fit`): a time split. Events after the cut-off are dropped first (they are never read). The features are taken
as of `cutoff − horizon` and the label is "a violation found (inspection_violation or penalty) in the following
horizon, up to the cut-off"; earlier snapshots (cutoff − 2×horizon → cutoff − horizon, …, up to `SNAPSHOTS`, while
the history reaches back a year before the snapshot) are stacked to give the fit more outcomes. The model is scikit-learn's L2-regularised logistic regression on standardised
features. Monotone by construction: a feature that can only mean more risk (counts of violations, penalties,
incidents, tips, warnings, cases) may not carry a negative weight; if the fit gives one, that feature is dropped and
the model refitted (never a hand-written optimiser). Fewer than `MIN_POSITIVES` positive outcomes: `TooFewOutcomes`
(the caller falls back to the points policy and says so).

Score = the fitted probability. Contributions = weight × standardised value, in log-odds against the average
entity of the training set; the top ones are the entity's reasons. Ties (equal scores) are ordered by the most
recent violation first, then by entity id (`rank`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from ecoenforce.registry.risk import HIGH_RISK_DIVISIONS, EntityFacts

KINDS = ("inspection_clean", "inspection_violation", "case_opened", "penalty", "warning", "tip", "incident")
OUTCOME_KINDS = ("inspection_violation", "penalty")
INSPECTION_KINDS = ("inspection_clean", "inspection_violation")
RISK_RAISING = ("inspection_violation", "case_opened", "penalty", "warning", "tip", "incident")
WINDOWS = (365, 730, 1825)
HALF_LIFE_DAYS = 365
MAX_YEARS_SINCE = 5.0
MIN_POSITIVES = 50
SNAPSHOTS = 3
C = 0.5  # inverse regularisation strength
CREDIT = {"green": -1.0, "blue": 0.0, "yellow": 1.0, "red": 2.0, "black": 3.0}
PERMITS = ("key", "simplified", "registration")


class TooFewOutcomes(Exception):
    """The history holds too few later violations to fit; `positives` says how many it had."""

    def __init__(self, positives: int, needed: int = MIN_POSITIVES):
        super().__init__(f"{positives} positive outcomes, {needed} needed")
        self.positives, self.needed = positives, needed


def feature_names() -> list[str]:
    names = [f"{kind}:{w}d" for kind in KINDS for w in WINDOWS] + [f"{kind}:decay" for kind in KINDS]
    names += ["violation_share", "years_since_inspection", "never_inspected"]
    names += [f"permit:{p}" for p in PERMITS]
    names += ["key_unit", "high_risk_industry", "log_discharge", "discharge_known", "sensitive_receptor", "credit"]
    return names


NAMES = feature_names()


def monotone(name: str) -> bool:
    """Whether more of this feature may only raise the risk."""
    return name.split(":")[0] in RISK_RAISING


def features(facts: EntityFacts, events: Iterable[tuple[dt.date, str]], as_of: dt.date) -> list[float]:
    """The entity's features as of `as_of` (events after it are ignored), in the order of NAMES."""
    counts = {(k, w): 0.0 for k in KINDS for w in WINDOWS}
    decay = dict.fromkeys(KINDS, 0.0)
    last_inspection = None
    for day, kind in events:
        if day > as_of or kind not in decay:
            continue
        age = (as_of - day).days
        for w in WINDOWS:
            if age < w:
                counts[(kind, w)] += 1
                break  # disjoint windows: last year, the year before, the three years before that
        decay[kind] += 0.5 ** (age / HALF_LIFE_DAYS)
        if kind in INSPECTION_KINDS and (last_inspection is None or day > last_inspection):
            last_inspection = day
    row = [counts[(k, w)] for k in KINDS for w in WINDOWS] + [decay[k] for k in KINDS]
    found = sum(counts[("inspection_violation", w)] for w in WINDOWS)
    inspections = found + sum(counts[("inspection_clean", w)] for w in WINDOWS)
    row.append((found + 0.1) / (inspections + 1))  # share of inspections that found a violation (smoothed)
    years = MAX_YEARS_SINCE if last_inspection is None else min((as_of - last_inspection).days / 365, MAX_YEARS_SINCE)
    row += [years, 1.0 if last_inspection is None else 0.0]
    row += [1.0 if facts.permit_class == p else 0.0 for p in PERMITS]
    discharge = facts.annual_discharge_t
    row += [1.0 if facts.is_key_unit else 0.0, 1.0 if facts.industry_code[:2] in HIGH_RISK_DIVISIONS else 0.0,
            math.log1p(discharge) if discharge else 0.0, 0.0 if discharge is None else 1.0,
            1.0 if facts.near_sensitive_receptor else 0.0, CREDIT.get(facts.credit_grade, 0.0)]
    return row


def violated(events: Iterable[tuple[dt.date, str]], start: dt.date, end: dt.date) -> bool:
    """Whether a violation was found in (start, end]."""
    return any(start < day <= end and kind in OUTCOME_KINDS for day, kind in events)


@dataclass(frozen=True)
class Contribution:
    """One reason: the feature, the entity's value, and how much it moves the score (log-odds vs the average)."""

    name: str
    value: float
    effect: float


@dataclass(frozen=True)
class LearnedModel:
    """The fitted model as plain numbers (stored as JSON in the policy version)."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    trained_as_of: str  # ISO date the features were taken at
    labelled_until: str  # ISO date: the cut-off (no event after it was read)
    entities: int
    positives: int
    dropped: tuple[str, ...] = ()  # monotone features whose weight came out negative, dropped and refitted

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> LearnedModel:
        values = dict(data)
        for key in ("names", "means", "scales", "weights", "dropped"):
            values[key] = tuple(values.get(key, ()))
        return cls(**values)

    def _standard(self, row: Sequence[float]) -> list[float]:
        index = {n: i for i, n in enumerate(NAMES)}
        return [(row[index[n]] - m) / s for n, m, s in zip(self.names, self.means, self.scales, strict=True)]

    def probability(self, row: Sequence[float]) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, self._standard(row), strict=True))
        return 1 / (1 + math.exp(-z)) if z > -700 else 0.0

    def contributions(self, row: Sequence[float], top: int = 3) -> list[Contribution]:
        """The features that raise this entity's score most above the average entity, strongest first."""
        index = {n: i for i, n in enumerate(NAMES)}
        parts = [Contribution(n, row[index[n]], w * x)
                 for n, w, x in zip(self.names, self.weights, self._standard(row), strict=True) if w * x > 1e-9]
        return sorted(parts, key=lambda c: (-c.effect, c.name))[:top]


def _design(history: Mapping[str, Sequence[tuple[dt.date, str]]], facts: Mapping[str, EntityFacts], as_of: dt.date):
    ids = sorted(history)
    return ids, [features(facts[e], history[e], as_of) for e in ids]


def fit(history: Mapping[str, Sequence[tuple[dt.date, str]]], facts: Mapping[str, EntityFacts], *,
        cutoff: dt.date, periods: Sequence[tuple[dt.date, dt.date]], min_positives: int = MIN_POSITIVES) -> LearnedModel:
    """Fit on snapshots: for each (as_of, until) in `periods` (until ≤ cutoff), features as of `as_of` and the label
    "violation found in (as_of, until]". Events after `cutoff` are dropped before anything is read. Raises
    TooFewOutcomes under `min_positives` positive outcomes in all snapshots together."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    if not periods or any(not as_of < until <= cutoff for as_of, until in periods):
        raise ValueError("every training period must end on or before the cut-off")
    known = {e: [(d, k) for d, k in history[e] if d <= cutoff] for e in history}  # nothing after the cut-off
    ids = sorted(known)
    rows, labels = [], []
    for as_of, until in periods:
        for e in ids:
            rows.append(features(facts[e], known[e], as_of))
            labels.append(int(violated(known[e], as_of, until)))
    labels = np.array(labels, dtype=int)
    positives = int(labels.sum())
    if positives < min_positives or positives == len(labels):
        raise TooFewOutcomes(positives, min_positives)
    matrix = np.array(rows, dtype=float)
    keep = [i for i, _n in enumerate(NAMES) if matrix[:, i].std() > 0]
    dropped: list[str] = []
    while True:
        x = matrix[:, keep]
        means, scales = x.mean(axis=0), x.std(axis=0)
        model = LogisticRegression(C=C, max_iter=2000)
        model.fit((x - means) / scales, labels)
        weights = model.coef_[0]
        wrong = [keep[j] for j, w in enumerate(weights) if w < 0 and monotone(NAMES[keep[j]])]
        if not wrong:
            break
        worst = min(wrong, key=lambda i: weights[keep.index(i)])  # drop the most negative, then refit
        dropped.append(NAMES[worst])
        keep.remove(worst)
    return LearnedModel(names=tuple(NAMES[i] for i in keep), means=tuple(float(v) for v in means),
                        scales=tuple(float(v) for v in scales), weights=tuple(float(v) for v in weights),
                        intercept=float(model.intercept_[0]), trained_as_of=periods[0][0].isoformat(),
                        labelled_until=cutoff.isoformat(), entities=len(ids), positives=positives,
                        dropped=tuple(dropped))


def score_all(model: LearnedModel, history: Mapping[str, Sequence[tuple[dt.date, str]]],
              facts: Mapping[str, EntityFacts], as_of: dt.date) -> dict[str, float]:
    """Every entity's learned score from its events up to `as_of`."""
    return {e: model.probability(features(facts[e], history[e], as_of)) for e in sorted(history)}


def last_violation(events: Iterable[tuple[dt.date, str]], as_of: dt.date) -> dt.date:
    return max((d for d, k in events if d <= as_of and k in OUTCOME_KINDS), default=dt.date.min)


def rank(scores: Mapping[str, float], history: Mapping[str, Sequence[tuple[dt.date, str]]], as_of: dt.date) -> list[str]:
    """Entities highest score first; ties by the most recent violation found, then by entity id (documented rule)."""
    return sorted(scores, key=lambda e: (-scores[e], -last_violation(history.get(e, ()), as_of).toordinal(), e))
