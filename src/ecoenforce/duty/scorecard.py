"""Duty scorecards, pure: periods, and the score of a unit or an inspector on the seven dimensions.

The seven dimensions are those of the MEE's 2021 guiding opinions, part 一 (二): 执法力度, 办案质量, 工作成效, 优化创新,
指导帮扶, 企业评价, 公众满意度. The opinions name them and leave the indicators and weights to the provinces, so
both are policy data (`DutyPolicy`); the defaults below are this bureau's starting point, marked unconfirmed.

An indicator is measured from records as a number (a count per inspector, a share, a mean satisfaction) and scored
0–100 against its target: `higher` is better up to the target, `lower` is better down to it. An indicator without
records in the period has no score and is named, never counted as zero: a unit with no decided case is not a unit
whose cases were all late. A dimension scores the weighted mean of its indicators that have data; the total the
weighted mean of the dimensions that have data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

DIMENSIONS = ("intensity", "quality", "effectiveness", "innovation", "guidance", "firm_rating", "public_rating")

DEFAULT_VALUES = {
    "source": "Bureau default, UNCONFIRMED: the opinions name the seven dimensions, not the indicators or weights.",
    "dimensions": {
        "intensity": {"weight": 20, "indicators": {
            "inspections_per_inspector": {"weight": 1, "target": 12, "better": "higher"},
            "cases_per_inspector": {"weight": 1, "target": 2, "better": "higher"}}},
        "quality": {"weight": 20, "indicators": {
            "decided_in_time": {"weight": 1, "target": 1.0, "better": "higher"},
            "passed_review_first_time": {"weight": 1, "target": 1.0, "better": "higher"}}},
        "effectiveness": {"weight": 20, "indicators": {
            "detection_rate": {"weight": 1, "target": 0.2, "better": "higher"},
            "leads_verified_in_time": {"weight": 1, "target": 1.0, "better": "higher"}}},
        "innovation": {"weight": 10, "indicators": {
            "offsite_case_share": {"weight": 1, "target": 0.3, "better": "higher"}}},
        "guidance": {"weight": 10, "indicators": {
            "help_visits_per_inspector": {"weight": 1, "target": 2, "better": "higher"}}},
        "firm_rating": {"weight": 10, "indicators": {
            "firm_satisfaction": {"weight": 1, "target": 5, "better": "higher"}}},
        "public_rating": {"weight": 10, "indicators": {
            "public_satisfaction": {"weight": 1, "target": 5, "better": "higher"}}},
    },
}


class PolicyError(ValueError):
    """A policy value that cannot be used; `code` names the problem, `params` fill its message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Period:
    """A closed range of dates a scorecard covers: a year (2026), a quarter (2026Q4) or a month (2026-11)."""

    key: str
    start: dt.date
    end: dt.date


def period_parse(text: str) -> Period:
    """'2026', '2026Q4' or '2026-11' → the Period; anything else raises ValueError."""
    text = (text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m[1])
        return Period(text, dt.date(y, 1, 1), dt.date(y, 12, 31))
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        y, q = int(m[1]), int(m[2])
        last = 3 * q
        return Period(text, dt.date(y, last - 2, 1), dt.date(y, last, calendar.monthrange(y, last)[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return Period(f"{y}-{mo:02d}", dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1]))
    raise ValueError(text)


def period_current_quarter(today: dt.date) -> Period:
    return period_parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")


def period_recent(today: dt.date, *, quarters: int = 6) -> list[Period]:
    """The current quarter and the ones before it, newest first, then the current and last year."""
    out, y, q = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(quarters):
        out.append(period_parse(f"{y}Q{q}"))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return out + [period_parse(str(today.year)), period_parse(str(today.year - 1))]


@dataclass(frozen=True)
class Measure:
    """An indicator measured from records: value = numerator / denominator (a count per inspector, a share, a mean)."""

    numerator: float
    denominator: float
    # The records behind it (None: not told). A count per inspector has a denominator even without a record, so this
    # is what tells "zero found" from "nothing in the period at all".
    records: int | None = None

    @property
    def value(self) -> float | None:
        return None if not self.denominator else self.numerator / self.denominator


@dataclass
class IndicatorScore:
    key: str
    measure: Measure | None
    target: float
    better: str
    weight: float
    score: float | None  # 0–100, None without data


@dataclass
class DimensionScore:
    key: str
    weight: float
    indicators: list[IndicatorScore] = field(default_factory=list)
    score: float | None = None


@dataclass
class Scorecard:
    dimensions: list[DimensionScore]
    total: float | None
    missing: list[str]  # indicator keys without data in the period
    empty: bool = False  # no record at all behind any measure in the period


def policy_check(values: dict, known_indicators: set[str]) -> None:
    """Raise PolicyError unless `values` names only known dimensions and indicators with positive weights/targets."""
    dims = values.get("dimensions")
    if not isinstance(dims, dict) or not dims:
        raise PolicyError("no_dimensions")
    for dim, spec in dims.items():
        if dim not in DIMENSIONS:
            raise PolicyError("unknown_dimension", dimension=dim)
        if not isinstance(spec, dict) or not _positive(spec.get("weight")) or not isinstance(spec.get("indicators"), dict):
            raise PolicyError("bad_dimension", dimension=dim)
        for key, ind in spec["indicators"].items():
            if key not in known_indicators:
                raise PolicyError("unknown_indicator", indicator=key)
            if not isinstance(ind, dict) or not _positive(ind.get("weight")) or not _positive(ind.get("target")):
                raise PolicyError("bad_indicator", indicator=key)
            if ind.get("better", "higher") not in ("higher", "lower"):
                raise PolicyError("bad_direction", indicator=key)


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0


def indicator_score(measure: Measure | None, *, target: float, better: str) -> float | None:
    """0–100: reaching the target (or staying under it, for `lower`) scores 100; no data scores nothing."""
    if measure is None or measure.value is None:
        return None
    v = measure.value
    if better == "lower":
        return 100.0 if v <= target else max(0.0, 100.0 * (1 - (v - target) / target))
    return min(100.0, 100.0 * v / target)


def _weighted(pairs: list[tuple[float | None, float]]) -> float | None:
    have = [(s, w) for s, w in pairs if s is not None]
    total_w = sum(w for _s, w in have)
    return round(sum(s * w for s, w in have) / total_w, 1) if total_w else None


def scorecard(values: dict, measures: dict[str, Measure | None]) -> Scorecard:
    """Score the measures (indicator key → Measure, or None when the period has no records) by the policy.

    A per-inspector count of zero stays a real zero (certified people who recorded nothing), but the card says when
    no measure has a record at all (`empty`: a period before the platform was used, or a scope with nothing in it), so
    the page can answer that plainly instead of letting zeros read as a verdict."""
    empty = not any(m is not None and m.records != 0 for m in measures.values())
    dims, missing = [], []
    for dim in DIMENSIONS:
        spec = values["dimensions"].get(dim)
        if spec is None:
            continue
        d = DimensionScore(dim, float(spec["weight"]))
        for key, ind in spec["indicators"].items():
            m = measures.get(key)
            better = ind.get("better", "higher")
            s = indicator_score(m, target=float(ind["target"]), better=better)
            if s is None:
                missing.append(key)
            d.indicators.append(IndicatorScore(key, m, float(ind["target"]), better, float(ind["weight"]),
                                               None if s is None else round(s, 1)))
        d.score = _weighted([(i.score, i.weight) for i in d.indicators])
        dims.append(d)
    return Scorecard(dims, _weighted([(d.score, d.weight) for d in dims]), missing, empty)
