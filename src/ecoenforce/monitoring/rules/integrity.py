"""Data-integrity rules: the signatures falsified or broken monitoring leaves (hj212.md §3.4, anchors B6)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .base import hits, islands, pollutants_only
from .policy import O2_CODE, PRODUCTION_METER, TREATMENT_METER, RulePolicyValues


def _runs(t: ir.Table, keys: list[str], **aggs) -> ir.Table:
    """Group consecutive-hour islands of `t` by keys: h_start, h_end (exclusive), n, plus `aggs`."""
    t = islands(t, keys)
    return t.group_by([*keys, "_island"]).aggregate(
        h_start=t.h.min(), h_end=t.h.max() + 1, n=t.h.count(), **aggs
    )


def flatline(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """The same valid non-zero value repeated for N hours: a stuck/frozen analyser or a value typed into the
    DAU ('stuck instruments', the commonest fault in Berkeley Earth's QC of Chinese data)."""
    p = pollutants_only(readings)
    p = p.filter(p.value > 0)
    r = _runs(p, ["mn", "pollutant", "value"])
    r = r.filter(r.n >= policy.flat_hours)
    return hits("flatline", r.mutate(threshold=ibis.literal(float(policy.flat_hours))))


def zero_negative(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Valid (flag N) zero values for N hours, or any negative value, from a source that says it is running:
    a disconnected analyser, a zeroed channel or a resistor box (a plant that stops must flag F, not send 0)."""
    p = pollutants_only(readings)
    p = p.filter(p.value <= 0)
    r = _runs(p, ["mn", "pollutant"], value=p.value.min())
    r = r.filter((r.n >= policy.zero_hours) | (r.value < 0))
    return hits("zero_negative", r.mutate(threshold=ibis.literal(0.0)))


def abrupt_drop(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Concentration falling by ≥ drop_ratio from one hour to the next and staying down while the flue-gas or
    wastewater flow carries on: dilution air, a bypass or a probe blocked. A real shutdown drops the flow too;
    the return to normal after a spike or a high day is not a drop (the hours before must be steady, and the
    level after must also be far below the past week's mean), nor is a fall to zero
    (zero_negative reports it)."""
    p = pollutants_only(readings)
    k = policy.drop_window
    if policy.judge_from_hour is not None:
        # An incremental run wants drops from judge_from_hour on only, but reads a week before them for the
        # baseline: roll the windows only over the series with a candidate there — a reading that falls by
        # drop_ratio from the one before, or whose reading before lies outside the last day looked at. Every hit is
        # such a reading, so nothing is lost.
        cut = int(policy.judge_from_hour)
        s = p.filter(p.h >= cut - 24)
        s = s.mutate(prev=s.value.lag().over(ibis.window(group_by=[s.mn, s.pollutant], order_by=s.h)))
        s = s.filter((s.h >= cut) & (s.prev.isnull() | ((s.value > 0) & (s.value <= s.prev * (1 - policy.drop_ratio)))))
        p = p.semi_join(s.select("mn", "pollutant").distinct(), ["mn", "pollutant"])
    key = dict(group_by=[p.mn, p.pollutant], order_by=p.h)
    before, after = ibis.window(rows=(-k, -1), **key), ibis.window(rows=(0, k - 1), **key)
    p = p.mutate(mb=p.value.mean().over(before), nb=p.value.count().over(before), ma=p.value.mean().over(after),
                 na=p.value.count().over(after), fb=p.flow.mean().over(before), fa=p.flow.mean().over(after),
                 sb=p.value.std(how="pop").over(before), prev=p.value.lag().over(ibis.window(**key)),
                 base=p.value.mean().over(ibis.window(rows=(-policy.drop_baseline_hours, -1), **key)))  # fmt: skip
    cond = (
        (p.nb == k) & (p.na == k) & (p.mb >= policy.drop_min_level) & (p.value > 0)
        & (p.sb <= p.mb * policy.drop_max_cv_before)
        & (p.ma <= p.mb * (1 - policy.drop_ratio)) & (p.value <= p.prev * (1 - policy.drop_ratio))
        & (p.ma <= p.base * (1 - policy.drop_ratio))
        & (p.fb.isnull() | (p.fa >= p.fb * policy.drop_flow_ratio))
    )  # fmt: skip
    p = p.filter(cond)
    p = p.select("mn", "pollutant", h_start=p.h, h_end=p.h + 1, value=p.ma, threshold=p.mb, n=ibis.literal(1))
    return hits("abrupt_drop", p)


def outage(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """No usable hourly data (nothing received, or only B = communication failure) for N hours between two
    transmissions or up to the end of the run: transmission cut, DAU switched off, or strategic downtime."""
    p = readings.filter(readings.flag != "B")
    hours = p.select("mn", "h").distinct()
    w = ibis.window(group_by=hours.mn, order_by=hours.h)
    nxt = hours.h.lead().over(w)
    if policy.window_end_hour is not None:
        nxt = nxt.coalesce(ibis.literal(int(policy.window_end_hour)))
    hours = hours.mutate(nxt=nxt)
    g = hours.filter(hours.nxt.notnull() & ((hours.nxt - hours.h - 1) >= policy.outage_hours))
    g = g.select("mn", pollutant=ibis.literal("*"), h_start=g.h + 1, h_end=g.nxt, value=(g.nxt - g.h - 1).cast("float64"),
                 threshold=ibis.literal(float(policy.outage_hours)), n=g.nxt - g.h - 1)  # fmt: skip
    return hits("outage", g)


def flow_zero(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Flow reported as zero for N hours while a concentration keeps moving: the flow meter disconnected or
    zeroed to cut the reported load (a stopped plant's concentrations go flat too)."""
    p = pollutants_only(readings)
    p = p.filter(p.flow.notnull() & (p.flow <= policy.flow_zero_max))
    r = _runs(p, ["mn", "pollutant"], sd=p.value.std(how="pop"), mean=p.value.mean())
    r = r.filter((r.n >= policy.flow_zero_hours) & (r.mean > 0) & (r.sd >= r.mean * policy.flow_zero_min_cv))
    r = r.mutate(value=r.sd / r.mean)
    # One event per device: the flow channel is the suspect, whichever concentrations gave it away.
    r = r.mutate(pollutant=ibis.ifelse(r.pollutant.startswith("w"), "w00000", "a00000"))
    r = r.group_by(["mn", "pollutant", "h_start", "h_end"]).aggregate(value=r.value.max(), n=r.n.max())
    return hits("flow_zero", r.mutate(threshold=ibis.literal(float(policy.flow_zero_min_cv))))


def cou_inconsistent(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Reported load (-Cou) that does not equal concentration × flow volume (HJ 212 Appendix D): kg = mg/m³ ×
    m³ × 10⁻⁶ for gas, mg/L × m³ × 10⁻³ for water. Edited loads or a tampered flow channel."""
    p = pollutants_only(readings)
    p = p.filter(p.cou.notnull() & p.flow_cou.notnull())
    factor = ibis.ifelse(p.pollutant.startswith("w"), 1e-3, 1e-6)
    p = p.mutate(expected=p.value * p.flow_cou * factor)
    p = p.filter((p.expected > policy.cou_min_expected)
                 & (((p.cou - p.expected).abs() / p.expected) > policy.cou_tolerance))  # fmt: skip
    p = p.select(
        "mn", "pollutant", h_start=p.h, h_end=p.h + 1, value=p.cou, threshold=p.expected, n=ibis.literal(1)
    )
    return hits("cou_inconsistent", p)


def identical_trends(readings: ir.Table, limits: ir.Table | None, policy: RulePolicyValues) -> ir.Table:
    """Two unrelated factors of one device moving identically over a rolling window (correlation ≈ 1, both
    varying): one analog channel wired into several inputs, e.g. temperature into particulate and flow. The window
    ends at every reading, so tampering that straddles midnight is judged whole; overlapping windows that qualify
    merge into one hit from the first window's start to the last one's end."""
    skip = [O2_CODE, PRODUCTION_METER, TREATMENT_METER]  # O2 and power meters follow load legitimately
    p = readings.filter((readings.flag == "N") & ~readings.pollutant.isin(skip) & readings.value.notnull())
    a = p.select(mn="mn", h="h", p1="pollutant", v1="value")
    b = p.select(mn2="mn", h2="h", p2="pollutant", v2="value")
    j = a.inner_join(b, [a.mn == b.mn2, a.h == b.h2, a.p1 < b.p2])
    j = j.select("mn", "h", "p1", "p2", "v1", "v2", xy=j.v1 * j.v2, xx=j.v1 * j.v1, yy=j.v2 * j.v2)
    # Sums over the window [h − window + 1, h] (a range on the time index, so gaps never stretch it).
    span = policy.identical_window_hours - 1
    key = dict(group_by=[j.mn, j.p1, j.p2], order_by=j.h)
    full_only = policy.identical_min_hours >= policy.identical_window_hours
    # Only a full window qualifies when the policy asks for a reading every step, and a full range window is
    # exactly the last `window` rows ending `span` steps after the first: the row frame is cheaper than the range
    # frame, and the `span`-th row before (one lag, hours being unique in a series) says whether it is full.
    w = ibis.window(rows=(-span, 0), **key) if full_only else ibis.window(range=(-span, 0), **key)
    sums = dict(sx=j.v1.sum().over(w), sy=j.v2.sum().over(w), sxx=j.xx.sum().over(w), syy=j.yy.sum().over(w),
                sxy=j.xy.sum().over(w))  # fmt: skip
    if full_only:  # one projection, so the engine sorts the pairs once for the lag and the sums
        j = j.mutate(before=j.h.lag(span).over(ibis.window(**key)), **sums)
        j = j.mutate(first=ibis.ifelse(j.h - j.before == span, j.before, ibis.null("int64")),
                     n=ibis.literal(policy.identical_window_hours, "int64"))  # fmt: skip
    else:
        j = j.mutate(n=j.v1.count().over(w), first=j.h.min().over(w), **sums)
    # n² × variances and covariance; the coefficient-of-variation test is s ≥ m × cv, multiplied through by n.
    j = j.mutate(vx=j.n * j.sxx - j.sx * j.sx, vy=j.n * j.syy - j.sy * j.sy, cxy=j.n * j.sxy - j.sx * j.sy)
    cv = policy.identical_min_cv
    j = j.filter((j.n >= policy.identical_min_hours) & (j.h - j.first <= span) & (j.sx > 0) & (j.sy > 0) & (j.vx > 0) & (j.vy > 0)
                 & (j.vx >= (j.sx * cv) ** 2) & (j.vy >= (j.sy * cv) ** 2))  # fmt: skip
    j = j.mutate(r=j.cxy / (j.vx * j.vy).sqrt())
    j = j.filter(j.r >= policy.identical_min_corr)
    # Qualifying windows ending in consecutive steps are one behaviour: from the first start to the last end.
    j = islands(j, ["mn", "p1", "p2"])
    g = j.group_by(["mn", "p1", "p2", "_island"]).aggregate(h_start=j.first.min(), h_end=j.h.max() + 1,
                                                           value=j.r.min())  # fmt: skip
    g = g.select("mn", pollutant=g.p1 + "+" + g.p2, h_start=g.h_start, h_end=g.h_end, value=g.value,
                 threshold=ibis.literal(float(policy.identical_min_corr)), n=g.h_end - g.h_start)  # fmt: skip
    return hits("identical_trends", g)
