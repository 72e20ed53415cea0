"""Positive-list eligibility, pure: each entry criterion evaluated from an entity's facts and dated history.

Criteria follow the typical provincial rules (regulations.md §5: Guangzhou 2022, Fujian, Hubei exclusions):
permit or registration; no penalty and no environmental incident in the past 2 years; automatic monitoring
installed and networked (for the permit classes that must have it); permit execution reports on time; credit
grade not warning/poor; not an excluded industry; no open monitoring warning and no electronic notice awaiting the
firm's explanation. Every value is policy (`PositivePolicy`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class PositivePolicy:
    """Entry rules of the positive list (defaults: Guangzhou 2022 + Hubei exclusions, see regulations.md §5)."""

    clean_days: int = 730  # "no penalty / incident in the past 2 years" [CONFIRMED local]
    validity_years: int = 3  # [CONFIRMED local]
    monitoring_required_classes: tuple[str, ...] = ("key",)  # assumption: the units that must network monitoring
    require_reports_on_time: bool = True
    refused_credit_grades: tuple[str, ...] = ("yellow", "red", "black")
    # Hubei-style exclusions: centralized sewage works, solid and hazardous waste treatment, sanitation/incineration
    excluded_industries: tuple[str, ...] = ("4620", "7723", "7724", "7820")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> PositivePolicy:
        """From stored policy data; unknown keys ignored, lists become tuples."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class PositiveFacts:
    """What the criteria read about one entity."""

    industry_code: str
    permit_class: str
    networked_monitoring: bool
    permit_reports_on_time: bool | None
    credit_grade: str
    open_warnings: int = 0  # monitoring warnings the bureau has not handled yet
    open_notices: int = 0  # electronic notices awaiting the firm's explanation


@dataclass(frozen=True)
class Criterion:
    """One criterion: key, met (None = not applicable), and the fact behind it (dates, grade...)."""

    key: str
    met: bool | None
    detail: str = ""


@dataclass(frozen=True)
class Eligibility:
    """Eligible when no criterion is unmet; the criteria in a fixed order for the explanation."""

    eligible: bool
    criteria: tuple[Criterion, ...]

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.met is False)


def _last(events: Iterable[tuple[dt.date, str]], kind: str, start: dt.date, as_of: dt.date) -> dt.date | None:
    days = [d for d, k in events if k == kind and start < d <= as_of]
    return max(days) if days else None


def positive_eligibility(facts: PositiveFacts, events: Iterable[tuple[dt.date, str]], *, as_of: dt.date,
                         policy: PositivePolicy = PositivePolicy()) -> Eligibility:
    """Evaluate every entry criterion as of a date (events after it are ignored)."""
    events = list(events)
    start = as_of - dt.timedelta(days=policy.clean_days)
    penalty, incident = _last(events, "penalty", start, as_of), _last(events, "incident", start, as_of)
    criteria = [
        Criterion("permit", facts.permit_class in ("key", "simplified", "registration"), facts.permit_class),
        Criterion("no_penalty", penalty is None, penalty.isoformat() if penalty else ""),
        Criterion("no_incident", incident is None, incident.isoformat() if incident else ""),
        Criterion("monitoring", facts.networked_monitoring if facts.permit_class in policy.monitoring_required_classes
                  else None, "networked" if facts.networked_monitoring else "not_networked"),
        Criterion("reports_on_time", (facts.permit_reports_on_time is True) if policy.require_reports_on_time else None,
                  {True: "yes", False: "no", None: "unknown"}[facts.permit_reports_on_time]),
        Criterion("credit", facts.credit_grade not in policy.refused_credit_grades, facts.credit_grade or "unknown"),
        Criterion("industry", facts.industry_code not in policy.excluded_industries, facts.industry_code),
        Criterion("no_open_matter", facts.open_warnings == 0 and facts.open_notices == 0,
                  f"{facts.open_warnings},{facts.open_notices}"),
    ]
    return Eligibility(all(c.met is not False for c in criteria), tuple(criteria))


def valid_until(valid_from: dt.date, years: int) -> dt.date:
    """The last day of a listing that starts on `valid_from` and lasts `years` (29 Feb → 28 Feb)."""
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:
        end = valid_from.replace(year=valid_from.year + years, day=28)
    return end - dt.timedelta(days=1)
