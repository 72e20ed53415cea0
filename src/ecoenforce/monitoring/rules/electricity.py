"""Electricity rules: production vs pollution-control meters of the same enterprise (用电监控)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .base import hits, islands
from .policy import PRODUCTION_METER, TREATMENT_METER, RulePolicyValues


def _pairs(readings: ir.Table) -> ir.Table:
    """One row per (electricity device, hour) with production and treatment power (kW)."""
    prod = readings.filter(readings.pollutant == PRODUCTION_METER).select("mn", "h", prod="value")
    treat = readings.filter(readings.pollutant == TREATMENT_METER).select("mn", "h", treat="value")
    return prod.inner_join(treat, ["mn", "h"])


def treatment_off(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Production line drawing power while the treatment equipment draws none, for N hours: 治污设施不正常运行
    (treatment switched off to save cost). A real shutdown stops production power too."""
    e = _pairs(readings)
    e = e.filter((e.prod > policy.prod_on_kw) & (e.treat < policy.treat_off_kw))
    e = islands(e, ["mn"])
    r = e.group_by(["mn", "_island"]).aggregate(h_start=e.h.min(), h_end=e.h.max() + 1, n=e.h.count(),
                                                value=e.treat.max())  # fmt: skip
    r = r.filter(r.n >= policy.treat_off_hours)
    r = r.mutate(pollutant=ibis.literal(TREATMENT_METER), threshold=ibis.literal(float(policy.treat_off_kw)))
    return hits("treatment_off", r)


def treatment_idling(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Treatment equipment on but drawing far less than its usual share of production power, for N hours:
    fans or pumps idling, dosing stopped (设施空转/低负荷运行)."""
    e = _pairs(readings)
    e = e.filter((e.prod > policy.prod_on_kw) & (e.treat >= policy.treat_off_kw))
    e = e.mutate(ratio=e.treat / e.prod)
    e = e.mutate(usual=e.ratio.mean().over(ibis.window(group_by=e.mn)))
    e = e.filter(e.ratio < e.usual * policy.idle_ratio)
    e = islands(e, ["mn"])
    r = e.group_by(["mn", "_island"]).aggregate(h_start=e.h.min(), h_end=e.h.max() + 1, n=e.h.count(),
                                                value=e.ratio.max(), threshold=(e.usual * policy.idle_ratio).max())  # fmt: skip
    r = r.filter(r.n >= policy.idle_hours)
    return hits("treatment_idling", r.mutate(pollutant=ibis.literal(TREATMENT_METER)))
