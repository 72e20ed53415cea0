"""Rules on concentrations against the applicable limits: exceedance, flag abuse, 折算 consistency."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .base import BEIJING_OFFSET_HOURS, corrected, hits, pollutants_only
from .policy import RulePolicyValues


def _with_limits(p: ir.Table, limits: ir.Table) -> ir.Table:
    """Readings joined to the limit their point had at the reading's hour (inner: points without a limit have no
    exceedance; a limit changed later never re-judges an hour judged under the old one)."""
    lim = limits.select("mn", "pollutant", "limit_value", "averaging", "ref_o2", "valid_from_h", "valid_to_h")
    j = p.inner_join(lim, ["mn", "pollutant"])
    j = j.filter((j.valid_from_h.isnull() | (j.h >= j.valid_from_h)) & (j.valid_to_h.isnull() | (j.h < j.valid_to_h)))
    return j.drop("valid_from_h", "valid_to_h")


def exceedance(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Valid (flag N) data above the standard's limit over its averaging period (hour or Beijing day), using
    the 折算 (O2-corrected) value where the limit has a reference O2 — computed from raw and O2 when the device
    sent no Zs value. Catches plain 超标排放."""
    j = _with_limits(pollutants_only(readings), limits)
    j = j.mutate(conc=corrected(j, j.value)).filter(lambda t: t.conc.notnull())
    hourly = j.filter((j.averaging == "hour") & (j.conc > j.limit_value * policy.exceed_ratio))
    hourly = hourly.select("mn", "pollutant", h_start=hourly.h, h_end=hourly.h + 1, value=hourly.conc,
                           threshold=hourly.limit_value, n=ibis.literal(1))  # fmt: skip
    d = j.filter(j.averaging == "day")
    d = d.mutate(day=(d.h + BEIJING_OFFSET_HOURS) // 24)
    daily = d.group_by(["mn", "pollutant", "day", "limit_value"]).aggregate(
        value=d.conc.mean(), n=d.conc.count()
    )
    daily = daily.filter(daily.value > daily.limit_value * policy.exceed_ratio)
    daily = daily.select("mn", "pollutant", h_start=daily.day * 24 - BEIJING_OFFSET_HOURS,
                         h_end=daily.day * 24 - BEIJING_OFFSET_HOURS + 24, value=daily.value,
                         threshold=daily.limit_value, n=daily.n)  # fmt: skip
    return hits("exceedance", hourly).union(hits("exceedance", daily))


def flag_abuse(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Hours flagged maintenance/calibration/fault/stopped whose value would have exceeded the limit, and any
    manually-set (S) value: the 'M/C/S burst around an exceedance' that hides it from the valid-data count.
    A routine calibration at normal levels is not a hit."""
    p = readings.filter(readings.flag.isin(list(policy.flag_codes)) & readings.value.notnull())
    j = _with_limits(p, limits)
    j = j.mutate(conc=corrected(j, j.value).coalesce(j.value))
    j = j.filter((j.flag == "S") | (j.conc > j.limit_value * policy.flag_exceed_ratio))
    j = j.select("mn", "pollutant", h_start=j.h, h_end=j.h + 1, value=j.conc, threshold=j.limit_value,
                 n=ibis.literal(1))  # fmt: skip
    return hits("flag_abuse", j)


def zs_inconsistent(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """折算 (Zs) values that do not follow from the raw value and O2 — Zs = C × (21 − O2ref)/(21 − O2): the
    corrected channel edited or its coefficients tampered with in the DAU."""
    p = pollutants_only(readings)
    p = p.filter(p.zs.notnull() & p.o2.notnull() & (p.o2 < 20))
    j = _with_limits(p, limits)
    j = j.filter(j.ref_o2.notnull())
    j = j.mutate(expected=j.value * (21 - j.ref_o2) / (21 - j.o2))
    j = j.filter((j.expected > 0) & (((j.zs - j.expected).abs() / j.expected) > policy.zs_tolerance))
    j = j.select("mn", "pollutant", h_start=j.h, h_end=j.h + 1, value=j.zs, threshold=j.expected,
                 n=ibis.literal(1))  # fmt: skip
    return hits("zs_inconsistent", j)
