"""A seeded simulator of enforcement histories, for the back-test's tests and benchmarks (pure, no Django).

Month by month, each entity may start violating with a probability set by its industry, permit class, discharge
and a hidden compliance culture that drifts; a violation persists until an inspection finds it (and it is then
rectified with some probability). The bureau inspects at random (a yearly share) and after some tips; a violation
found is recorded as `inspection_violation` and often a `penalty`; otherwise `inspection_clean`. Tips come more
often from violating entities but also from clean ones; monitored entities (key permits) raise warnings, noisy too;
incidents are rare and mostly from violating entities.

Nothing here reads any score: the generator does not know the learned features. `VARIANTS` change the persistence,
the weight of hidden culture, the noise of tips and warnings, and the inspection rate, so a result that holds on one
setting can be checked on others.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, replace

from ecoenforce.registry.risk import EntityFacts

INDUSTRIES = (("1392", 0.0, 0.30), ("2110", 0.0, 0.20), ("2922", 0.6, 0.25), ("2614", 1.0, 0.15), ("3360", 1.2, 0.10))
PERMITS = (("registration", 0.0, 0.5), ("simplified", 0.3, 0.35), ("key", 0.6, 0.15))


@dataclass(frozen=True)
class SimParams:
    entities: int = 3000
    start: dt.date = dt.date(2018, 1, 1)
    months: int = 96
    seed: int = 1
    base: float = -5.2  # monthly logit of starting to violate
    culture_sd: float = 0.8
    culture_drift: float = 0.05  # monthly random walk of the hidden culture
    persistence: float = 0.92  # monthly chance an unfound violation goes on
    inspect_per_year: float = 0.12
    tip_follow: float = 0.5  # chance a tip leads to an inspection that month
    tip_violating: float = 0.04  # monthly
    tip_clean: float = 0.004
    warning_violating: float = 0.15
    warning_clean: float = 0.02
    incident_violating: float = 0.003
    penalty_share: float = 0.6
    rectify: float = 0.85


VARIANTS = (
    SimParams(),
    SimParams(seed=2, persistence=0.8, culture_sd=1.2, tip_clean=0.01, inspect_per_year=0.2),
    SimParams(seed=3, persistence=0.95, culture_sd=0.5, culture_drift=0.1, tip_violating=0.02, warning_clean=0.05,
              inspect_per_year=0.08, base=-5.0),
)


def _pick(rng: random.Random, table):
    r, total = rng.random(), 0.0
    for item in table:
        total += item[-1]
        if r < total:
            return item
    return table[-1]


def _add_months(day: dt.date, months: int, rng: random.Random) -> dt.date:
    m = day.year * 12 + day.month - 1 + months
    return dt.date(m // 12, m % 12 + 1, rng.randint(1, 28))


def simulate(params: SimParams = SimParams()) -> tuple[dict[str, list[tuple[dt.date, str]]], dict[str, EntityFacts]]:
    """(events per entity, facts per entity), deterministic for the parameters' seed."""
    rng = random.Random(params.seed)
    history: dict[str, list[tuple[dt.date, str]]] = {}
    facts: dict[str, EntityFacts] = {}
    for i in range(params.entities):
        entity = f"E{i:05d}"
        code, industry_effect, _share = _pick(rng, INDUSTRIES)
        permit, permit_effect, _share = _pick(rng, PERMITS)
        discharge = round(math.exp(rng.gauss(1.0 + 1.5 * PERMITS.index((permit, permit_effect, _share)), 1.0)), 1)
        key_unit = permit == "key" and rng.random() < 0.5
        facts[entity] = EntityFacts(id=entity, industry_code=code, permit_class=permit, is_key_unit=key_unit,
                                    annual_discharge_t=discharge, near_sensitive_receptor=rng.random() < 0.2)
        culture = rng.gauss(0, params.culture_sd)
        fixed = params.base + industry_effect + permit_effect + 0.1 * math.log1p(discharge)
        violating, events = False, []
        for month in range(params.months):
            culture += rng.gauss(0, params.culture_drift)
            if violating:
                violating = rng.random() < params.persistence
            if not violating:
                violating = rng.random() < 1 / (1 + math.exp(-(fixed + culture)))
            tip = rng.random() < (params.tip_violating if violating else params.tip_clean)
            if tip:
                events.append((_add_months(params.start, month, rng), "tip"))
            if permit == "key" and rng.random() < (params.warning_violating if violating else params.warning_clean):
                events.append((_add_months(params.start, month, rng), "warning"))
            if violating and rng.random() < params.incident_violating:
                events.append((_add_months(params.start, month, rng), "incident"))
            inspected = rng.random() < params.inspect_per_year / 12 or (tip and rng.random() < params.tip_follow)
            if inspected:
                day = _add_months(params.start, month, rng)
                if violating:
                    events.append((day, "inspection_violation"))
                    if rng.random() < params.penalty_share:
                        events.append((day, "penalty"))
                    violating = rng.random() >= params.rectify
                else:
                    events.append((day, "inspection_clean"))
        history[entity] = sorted(events)
    return history, facts


def variant(index: int, **changes) -> SimParams:
    return replace(VARIANTS[index], **changes)
