"""Risk classification of regulated entities (分类监管), pure: a score and a class from an entity's dated history.

score = impact (what the entity could do: permit class, key-unit listing, industry, and when known annual
discharge and sensitive receptors nearby) + performance (what it did: the credit grade and a points ledger of penalties, violations, incidents, warnings and tips over a rolling window, with
clean inspections earning points back). The class follows the criteria of a real bureau, Fuzhou Mawei
(2021, see regulations.md §4): **special** if penalised or involved in an incident in the last year, the
subject of ≥3 tips, or rated 警示/不良 in credit; **key** if a listed key discharging unit, a key-management permit holder, or a
score at or above the key threshold; **general** otherwise. Every weight and threshold is policy data
(`RiskPolicyValues`), and every result lists its reasons so a leader can read why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

KEY, GENERAL, SPECIAL = "key", "general", "special"
IMPACT_FACTORS = ("permit_class", "key_unit", "industry", "discharge", "sensitive_receptor")

# GB/T 4754 divisions whose processes carry high pollution risk (chemicals, smelting, plating, power, waste).
HIGH_RISK_DIVISIONS = ("17", "22", "25", "26", "27", "28", "30", "31", "32", "33", "38", "44", "77")


@dataclass(frozen=True)
class RiskPolicyValues:
    """Every weight and threshold of the classification (seeded values are assumptions unless marked)."""

    window_days: int = 730
    special_window_days: int = 365  # Mawei: "last year" [CONFIRMED local]
    special_tip_count: int = 3  # Mawei: ≥3 verified exposures or complaints [CONFIRMED local]
    key_threshold: int = 60
    permit_points: Mapping[str, int] = field(default_factory=lambda: {
        "key": 30, "simplified": 15, "registration": 5, "none": 0})
    key_unit_points: int = 20
    high_risk_industry_points: int = 10
    event_points: Mapping[str, int] = field(default_factory=lambda: {
        "penalty": 25, "inspection_violation": 15, "incident": 30, "case_opened": 5, "warning": 4, "tip": 3,
        "inspection_clean": -3})
    # Impact when the bureau knows it (unknown adds nothing). Discharge steps in t/a of main pollutants, highest
    # step reached counts; the 30 t/a step echoes the permit catalogue's COD threshold (key_units.md §3).
    discharge_points: tuple[tuple[float, int], ...] = ((1, 5), (30, 10), (100, 20))
    sensitive_receptor_points: int = 10
    # Performance: the credit grade is a standing fact, not a dated event (assumed points).
    credit_points: Mapping[str, int] = field(default_factory=lambda: {
        "green": -10, "blue": 0, "yellow": 15, "red": 30, "black": 40})
    # Mawei special criterion 3: credit rated 警示/不良 and not restored [CONFIRMED local]
    special_credit_grades: tuple[str, ...] = ("yellow", "red", "black")
    # How impact and performance combine: "sum" (the seeded v1) or "product" (impact × (1 + ledger/100)).
    combine: str = "sum"

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> RiskPolicyValues:
        """Build from stored policy data, ignoring unknown keys (older versions stay readable)."""
        known = {f.name for f in fields(cls)}
        clean: dict[str, object] = {}
        for k, v in values.items():
            if k not in known:
                continue
            if k == "discharge_points":
                v = tuple((float(t), int(p)) for t, p in v)  # JSON stores pairs as lists
            elif k == "special_credit_grades":
                v = tuple(v)
            clean[k] = v
        return cls(**clean)


@dataclass(frozen=True)
class EntityFacts:
    """What the classification reads about one entity (None / "" = not known to the bureau)."""

    id: str
    industry_code: str
    permit_class: str
    is_key_unit: bool
    annual_discharge_t: float | None = None
    near_sensitive_receptor: bool | None = None
    credit_grade: str = ""


@dataclass(frozen=True)
class Reason:
    """One line of the explanation: which factor, what was found, how many points, and the class rule if any."""

    factor: str
    detail: str
    points: int = 0


@dataclass(frozen=True)
class RiskResult:
    """The score, the class and why."""

    entity_id: str
    score: int
    risk_class: str
    reasons: tuple[Reason, ...]


def score_entity(facts: EntityFacts, events: Iterable[tuple[dt.date, str]], *, as_of: dt.date,
                 policy: RiskPolicyValues = RiskPolicyValues()) -> RiskResult:
    """Score one entity from its history up to and including `as_of` (later events are ignored)."""
    reasons: list[Reason] = []
    permit = policy.permit_points.get(facts.permit_class, 0)
    reasons.append(Reason("permit_class", facts.permit_class, permit))
    if facts.is_key_unit:
        reasons.append(Reason("key_unit", "listed", policy.key_unit_points))
    if facts.industry_code[:2] in HIGH_RISK_DIVISIONS:
        reasons.append(Reason("industry", facts.industry_code, policy.high_risk_industry_points))
    if facts.annual_discharge_t is not None:
        reached = [p for t, p in policy.discharge_points if float(facts.annual_discharge_t) >= t]
        if reached:
            reasons.append(Reason("discharge", f"{float(facts.annual_discharge_t):g}", max(reached)))
    if facts.near_sensitive_receptor:
        reasons.append(Reason("sensitive_receptor", "near", policy.sensitive_receptor_points))
    if facts.credit_grade and policy.credit_points.get(facts.credit_grade, 0):
        reasons.append(Reason("credit", facts.credit_grade, policy.credit_points[facts.credit_grade]))
    window_start = as_of - dt.timedelta(days=policy.window_days)
    special_start = as_of - dt.timedelta(days=policy.special_window_days)
    counts: dict[str, int] = {}
    recent: dict[str, int] = {}
    for day, kind in events:
        if window_start < day <= as_of:
            counts[kind] = counts.get(kind, 0) + 1
            if day > special_start:
                recent[kind] = recent.get(kind, 0) + 1
    performance = 0
    for kind in sorted(counts):
        points = policy.event_points.get(kind, 0) * counts[kind]
        if points:
            reasons.append(Reason(f"event:{kind}", str(counts[kind]), points))
            performance += points
    impact = sum(r.points for r in reasons if r.factor in IMPACT_FACTORS)
    credit = sum(r.points for r in reasons if r.factor == "credit")
    if policy.combine == "product":
        # impact × performance: the ledger (credit + events, never below zero) raises impact by that many percent
        percent = 100 + max(credit + performance, 0)
        score = (impact * percent + 50) // 100
        reasons.append(Reason("combine", f"{impact}x{percent}%"))
    else:
        performance = max(performance, 0)  # clean inspections earn back, never below zero
        score = impact + credit + performance
    risk_class, rule = _classify(facts, recent, score, policy)
    reasons.append(Reason("class_rule", rule))
    return RiskResult(facts.id, score, risk_class, tuple(reasons))


def _classify(facts: EntityFacts, recent: Mapping[str, int], score: int, policy: RiskPolicyValues) -> tuple[str, str]:
    if recent.get("penalty"):
        return SPECIAL, "penalised_last_year"
    if recent.get("incident"):
        return SPECIAL, "incident_last_year"
    if recent.get("tip", 0) >= policy.special_tip_count:
        return SPECIAL, "tips_last_year"
    if facts.credit_grade in policy.special_credit_grades:
        return SPECIAL, "credit_warning_or_poor"
    if facts.is_key_unit:
        return KEY, "key_unit"
    if facts.permit_class == "key":
        return KEY, "key_permit"
    if score >= policy.key_threshold:
        return KEY, "score_at_or_above_threshold"
    return GENERAL, "none_of_the_above"
