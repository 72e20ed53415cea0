"""The annual plan's two checks, as pure functions: capacity (inspector-days) and the province's frequency caps.

Inputs are plain numbers so that a bureau can reproduce every figure by hand:

    needed(month)    = planned inspections × inspectors per inspection × days per inspector per inspection
    available(month) = certified inspectors × working days in the month × share of time for planned on-site work
    cap(class)       = entities in the class × the province's yearly cap per entity

Case-triggered checks (tips, warnings, referrals) are never part of a plan, so they never count here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_FLOOR, Decimal
from typing import Any

CLASSES = ("key", "general", "special")


@dataclass(frozen=True)
class PlanningRules:
    """Planning policy data (versioned in PlanningPolicy); the defaults are placeholders a bureau replaces."""

    # Planned on-site inspections one entity of a class may receive in a year (the province's published cap).
    cap_per_entity_year: dict[str, Decimal] = field(default_factory=lambda: {
        "key": Decimal("4"), "general": Decimal("1"), "special": Decimal("4")})
    # 行政处罚法 art. 42: at least two officers on site.
    inspectors_per_inspection: int = 2
    # Inspector-days one officer spends per inspection: travel, the visit and the record.
    days_per_inspection: Decimal = Decimal("0.5")
    # Share of an officer's working days left for planned on-site work once cases, off-site work and training are done.
    onsite_share: Decimal = Decimal("0.4")
    # Default per-quarter ratios a new round proposes (Fuzhou Mawei 2021: special every quarter, key ≥ 25%).
    round_ratios: dict[str, Decimal] = field(default_factory=lambda: {
        "key": Decimal("0.25"), "general": Decimal("0.05"), "special": Decimal("1")})
    # Days after the draw within which a drawn target must be inspected.
    task_days: int = 30
    # Risk-proportional rounds: the least inclusion probability any entity keeps (双随机 stays random for all).
    draw_floor: Decimal = Decimal("0.02")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PlanningRules:
        """Build rules from stored policy values; unknown keys are ignored, missing ones keep the defaults."""
        base = cls()
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in values:
                continue
            raw, default = values[f.name], getattr(base, f.name)
            if isinstance(default, dict):
                kwargs[f.name] = {**default, **{str(k): Decimal(str(v)) for k, v in dict(raw).items()}}
            elif isinstance(default, Decimal):
                kwargs[f.name] = Decimal(str(raw))
            else:
                kwargs[f.name] = int(raw)
        return cls(**kwargs)

    def as_values(self) -> dict[str, Any]:
        """JSON-ready values (Decimals as strings) for PlanningPolicy.values."""
        def plain(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            return str(v) if isinstance(v, Decimal) else v
        return {k: plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class LineFigure:
    """One planned figure: month 1–12, class, and the number of inspections (routine and campaigns alike)."""

    month: int
    risk_class: str
    planned: int


@dataclass(frozen=True)
class MonthCheck:
    """Capacity in one month."""

    month: int
    planned: int
    working_days: int
    needed_days: Decimal
    available_days: Decimal

    @property
    def ok(self) -> bool:
        """Whether the month's plan fits the inspector-days available."""
        return self.needed_days <= self.available_days


@dataclass(frozen=True)
class ClassCheck:
    """The yearly frequency cap of one class."""

    risk_class: str
    entities: int
    planned: int
    cap_per_entity: Decimal
    cap_total: int

    @property
    def ok(self) -> bool:
        """Whether the year's planned inspections of the class stay within the cap."""
        return self.planned <= self.cap_total


@dataclass(frozen=True)
class PlanCheck:
    """Both checks with every figure behind them."""

    inspectors: int
    inspectors_per_inspection: int
    days_per_inspection: Decimal
    onsite_share: Decimal
    months: tuple[MonthCheck, ...]
    classes: tuple[ClassCheck, ...]

    @property
    def ok(self) -> bool:
        """True when no month lacks capacity and no class breaks its cap."""
        return all(m.ok for m in self.months) and all(c.ok for c in self.classes)

    @property
    def total_planned(self) -> int:
        """Planned inspections in the year."""
        return sum(m.planned for m in self.months)

    @property
    def total_needed(self) -> Decimal:
        """Inspector-days the year's plan needs."""
        return sum((m.needed_days for m in self.months), Decimal(0))

    @property
    def total_available(self) -> Decimal:
        """Inspector-days the year offers for planned on-site work."""
        return sum((m.available_days for m in self.months), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures (stored on the plan as its last check)."""
        return {
            "ok": self.ok, "inspectors": self.inspectors, "inspectors_per_inspection": self.inspectors_per_inspection,
            "days_per_inspection": str(self.days_per_inspection), "onsite_share": str(self.onsite_share),
            "total_planned": self.total_planned, "total_needed": str(self.total_needed),
            "total_available": str(self.total_available),
            "months": [{"month": m.month, "planned": m.planned, "working_days": m.working_days,
                        "needed_days": str(m.needed_days), "available_days": str(m.available_days), "ok": m.ok}
                       for m in self.months],
            "classes": [{"class": c.risk_class, "entities": c.entities, "planned": c.planned,
                         "cap_per_entity": str(c.cap_per_entity), "cap_total": c.cap_total, "ok": c.ok}
                        for c in self.classes],
        }


def check_plan(*, lines: Iterable[LineFigure], inspectors: int, working_days: Mapping[int, int],
               class_sizes: Mapping[str, int], rules: PlanningRules) -> PlanCheck:
    """Check a year's planned figures against capacity (per month) and the frequency caps (per class)."""
    by_month = dict.fromkeys(range(1, 13), 0)
    by_class = dict.fromkeys(CLASSES, 0)
    for line in lines:
        if not 1 <= line.month <= 12:
            raise ValueError(f"month {line.month} is not 1–12")
        if line.risk_class not in by_class:
            raise ValueError(f"unknown class {line.risk_class!r}")
        if line.planned < 0:
            raise ValueError("planned inspections cannot be negative")
        by_month[line.month] += line.planned
        by_class[line.risk_class] += line.planned
    per_inspection = rules.inspectors_per_inspection * rules.days_per_inspection
    months = tuple(
        MonthCheck(month=m, planned=n, working_days=working_days.get(m, 0), needed_days=n * per_inspection,
                   available_days=inspectors * working_days.get(m, 0) * rules.onsite_share)
        for m, n in by_month.items())
    classes = tuple(
        ClassCheck(risk_class=c, entities=class_sizes.get(c, 0), planned=by_class[c],
                   cap_per_entity=rules.cap_per_entity_year.get(c, Decimal(0)),
                   cap_total=_class_cap(rules, c, class_sizes.get(c, 0)))
        for c in CLASSES)
    return PlanCheck(inspectors=inspectors, inspectors_per_inspection=rules.inspectors_per_inspection,
                     days_per_inspection=rules.days_per_inspection, onsite_share=rules.onsite_share,
                     months=months, classes=classes)


def _class_cap(rules: PlanningRules, risk_class: str, size: int) -> int:
    """The most inspections a class may have in a year: its size × the per-entity cap, rounded down."""
    return int((size * rules.cap_per_entity_year.get(risk_class, Decimal(0))).to_integral_value(rounding=ROUND_FLOOR))


def _spread(total: int, parts: int) -> list[int]:
    """Split a whole number into `parts` near-equal whole numbers, the larger ones first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def suggest_routine(*, class_sizes: Mapping[str, int], rules: PlanningRules) -> dict[tuple[int, str], int]:
    """A starting routine plan: each quarter's ratio × class size, spread over the quarter's three months.

    Rounding up makes a small class's quarterly share at least one inspection; the year's total is held to the
    frequency cap, so the suggestion itself can always be approved on the cap check.
    """
    out: dict[tuple[int, str], int] = {}
    for c in CLASSES:
        size = class_sizes.get(c, 0)
        per_quarter = int((rules.round_ratios.get(c, Decimal(0)) * size).to_integral_value(rounding="ROUND_CEILING"))
        year = min(4 * per_quarter, _class_cap(rules, c, size))
        for q, quarter in enumerate(_spread(year, 4)):
            for i, month in enumerate(_spread(quarter, 3)):
                out[(q * 3 + i + 1, c)] = month
    return out
