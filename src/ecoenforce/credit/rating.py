"""Environmental credit rating (环境信用评价), pure: an entity's records over a period → a grade with every point
explained. No Django: the service (`credit.services`) gathers the records and stores the result.

The scale, the indicators' points and caps, and the one-vote vetoes are policy data (`CreditPolicy`, versioned);
`JIANGSU_DEFAULTS` is the seed (regulations.md §8: 5 colours in Jiangsu; the thresholds and points are not in an
official text we read, so an administrator changes them by adding a version).

Scoring: start from `start_score`, add each indicator's points (per record, capped), read the grade from the
scale's thresholds; a general incident drops one grade; a veto sets the veto's grade (the worse one wins).
An indicator whose source has no data for the entity is reported as "no data" and counts nothing — it is never
read as a clean record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

JIANGSU_DEFAULTS: dict = {
    "scale": [  # best first; min_score: the lowest score that still earns the grade
        {"key": "green", "min_score": 90},
        {"key": "blue", "min_score": 75},
        {"key": "yellow", "min_score": 60},
        {"key": "red", "min_score": 40},
        {"key": "black", "min_score": 0},
    ],
    "start_score": 100,
    "indicators": {  # points per record (negative deducts), cap = the most the indicator can move the score
        "penalties": {"points": -15, "cap": 45},
        "large_fines": {"points": -10, "cap": 20, "threshold_yuan": 50000},
        "cases_open": {"points": -5, "cap": 15},
        "warnings": {"points": -2, "cap": 10},
        "notices_late": {"points": -5, "cap": 15},
        "inspection_violations": {"points": -5, "cap": 20},
        "inspections_clean": {"points": 2, "cap": 6},
        "positive_list": {"points": 5, "cap": 5},
    },
    "incident_drops_grade": True,  # Guangdong guidance: any general incident → one grade lower
    "vetoes": [  # a decided case whose enforcement matter names one of these → the grade, whatever the score
        {"key": "crime", "grade": "black", "repairable": False,
         "matter_contains": ["刑事", "移送公安", "犯罪"]},
        {"key": "no_eia", "grade": "red", "repairable": True,
         "matter_contains": ["未批先建", "未依法报批建设项目环境影响", "未报批环境影响", "未批先投"]},
        {"key": "facilities_not_accepted", "grade": "red", "repairable": True,
         "matter_contains": ["未验先投", "验收"]},
        {"key": "hidden_pipe", "grade": "red", "repairable": False,
         "matter_contains": ["暗管", "渗井", "渗坑", "偷排", "逃避监管"]},
        {"key": "hazardous_waste", "grade": "red", "repairable": False,
         "matter_contains": ["危险废物"]},
        {"key": "total_load", "grade": "red", "repairable": True,
         "matter_contains": ["总量控制"]},
    ],
    "unconfirmed": ["scale.min_score", "indicators", "vetoes.grade", "vetoes.repairable", "vetoes.matter_contains"],
}

INDICATORS = tuple(JIANGSU_DEFAULTS["indicators"])


@dataclass(frozen=True)
class Record:
    """One record behind an indicator: its date and a reference a person can look up (case number, notice…)."""

    date: dt.date
    ref: str
    amount: float | None = None
    matter: str = ""


@dataclass(frozen=True)
class CreditRecords:
    """What the platform knows of an entity over the period. None = the source has no data for it (not zero)."""

    period_start: dt.date
    period_end: dt.date
    penalties: list[Record] | None = None
    cases_open: list[Record] | None = None
    warnings: list[Record] | None = None
    notices_late: list[Record] | None = None
    inspection_violations: list[Record] | None = None
    inspections_clean: list[Record] | None = None
    positive_list: bool | None = None
    incidents: list[Record] | None = None


@dataclass(frozen=True)
class Item:
    """One indicator's line: counted (with its records and points) or without data."""

    indicator: str
    has_data: bool
    count: int = 0
    points: float = 0.0
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class VetoHit:
    key: str
    grade: str
    repairable: bool
    refs: tuple[str, ...]


@dataclass(frozen=True)
class CreditResult:
    grade: str
    score: float
    score_grade: str
    items: tuple[Item, ...]
    vetoes: tuple[VetoHit, ...] = ()
    incident_refs: tuple[str, ...] = ()
    missing: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        """JSON-ready, as stored with the rating."""
        return {"grade": self.grade, "score": self.score, "score_grade": self.score_grade,
                "items": [{"indicator": i.indicator, "has_data": i.has_data, "count": i.count, "points": i.points,
                           "refs": list(i.refs)} for i in self.items],
                "vetoes": [{"key": v.key, "grade": v.grade, "repairable": v.repairable, "refs": list(v.refs)}
                           for v in self.vetoes],
                "incident_refs": list(self.incident_refs), "missing": list(self.missing)}


def policy_check(values: dict) -> dict:
    """The policy over the defaults, checked; raises ValueError saying what is wrong."""
    if not isinstance(values, dict):
        raise ValueError("the policy must be a JSON object")
    unknown = sorted(set(values) - set(JIANGSU_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(unknown)}")
    merged = {**JIANGSU_DEFAULTS, **values}
    scale = merged["scale"]
    if not isinstance(scale, list) or len(scale) < 2:
        raise ValueError("scale: at least two grades, best first")
    keys = [g.get("key") for g in scale]
    if len(set(keys)) != len(keys) or not all(isinstance(k, str) and k for k in keys):
        raise ValueError("scale: each grade needs a distinct key")
    mins = [g.get("min_score") for g in scale]
    if not all(isinstance(m, (int, float)) for m in mins) or mins != sorted(mins, reverse=True):
        raise ValueError("scale: min_score must be numbers, falling from the best grade to the worst")
    if not isinstance(merged["start_score"], (int, float)):
        raise ValueError("start_score must be a number")
    indicators = merged["indicators"]
    if not isinstance(indicators, dict) or set(indicators) - set(INDICATORS):
        raise ValueError(f"indicators: only {', '.join(INDICATORS)}")
    for key, spec in indicators.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("points"), (int, float)) \
                or not isinstance(spec.get("cap"), (int, float)) or spec["cap"] < 0:
            raise ValueError(f"indicators.{key}: points and a non-negative cap are required")
    for veto in merged["vetoes"]:
        if not isinstance(veto, dict) or veto.get("grade") not in keys or not veto.get("key") \
                or not isinstance(veto.get("matter_contains"), list):
            raise ValueError("vetoes: each needs a key, a grade of the scale and a list matter_contains")
    return merged


def _grade_for(score: float, scale: list[dict]) -> str:
    for grade in scale:
        if score >= grade["min_score"]:
            return grade["key"]
    return scale[-1]["key"]


def _worse(a: str, b: str, order: list[str]) -> str:
    return a if order.index(a) >= order.index(b) else b


def rate(records: CreditRecords, *, policy: dict) -> CreditResult:
    """The grade of one entity over the period, with one line per indicator."""
    p = policy_check(policy)
    order = [g["key"] for g in p["scale"]]
    specs = p["indicators"]
    score = float(p["start_score"])
    items: list[Item] = []

    def count(indicator: str, found: list[Record] | None) -> None:
        nonlocal score
        if indicator not in specs:
            return
        if found is None:
            items.append(Item(indicator, has_data=False))
            return
        spec = specs[indicator]
        raw = spec["points"] * len(found)
        points = max(-spec["cap"], min(spec["cap"], raw))
        score += points
        items.append(Item(indicator, True, len(found), float(points), tuple(r.ref for r in found)))

    count("penalties", records.penalties)
    if records.penalties is None:
        count("large_fines", None)
    else:
        threshold = specs.get("large_fines", {}).get("threshold_yuan", 50000)
        count("large_fines", [r for r in records.penalties if r.amount is not None and r.amount >= threshold])
    count("cases_open", records.cases_open)
    count("warnings", records.warnings)
    count("notices_late", records.notices_late)
    count("inspection_violations", records.inspection_violations)
    count("inspections_clean", records.inspections_clean)
    if "positive_list" in specs:
        if records.positive_list is None:
            items.append(Item("positive_list", has_data=False))
        else:
            points = float(min(specs["positive_list"]["points"], specs["positive_list"]["cap"])) \
                if records.positive_list else 0.0
            score += points
            items.append(Item("positive_list", True, int(records.positive_list), points))

    score_grade = _grade_for(score, p["scale"])
    grade = score_grade
    incident_refs = tuple(r.ref for r in records.incidents or ())
    if incident_refs and p["incident_drops_grade"]:
        grade = order[min(order.index(grade) + 1, len(order) - 1)]
    hits: list[VetoHit] = []
    for veto in p["vetoes"]:
        refs = tuple(r.ref for r in records.penalties or ()
                     if r.matter and any(word in r.matter for word in veto["matter_contains"]))
        if refs:
            hits.append(VetoHit(veto["key"], veto["grade"], bool(veto.get("repairable", False)), refs))
            grade = _worse(veto["grade"], grade, order)
    missing = tuple(i.indicator for i in items if not i.has_data)
    return CreditResult(grade=grade, score=round(score, 2), score_grade=score_grade, items=tuple(items),
                        vetoes=tuple(hits), incident_refs=incident_refs, missing=missing)


def repaired_grade(explanation: dict, *, policy: dict) -> str:
    """The grade once the rating's repairable vetoes are lifted: the score's grade (with an incident's drop), or the
    worst veto that cannot be repaired."""
    p = policy_check(policy)
    order = [g["key"] for g in p["scale"]]
    grade = explanation["score_grade"]
    if explanation.get("incident_refs") and p["incident_drops_grade"]:
        grade = order[min(order.index(grade) + 1, len(order) - 1)]
    for veto in explanation.get("vetoes", []):
        if not veto["repairable"]:
            grade = _worse(veto["grade"], grade, order)
    return grade
