"""Shared pieces of the rules: the prepared readings table, islands of consecutive hours, the hit schema."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .policy import AUX_CODES, FLOW_CODES, O2_CODE, PRODUCTION_METER, TREATMENT_METER

# Hour index = whole hours since the Unix epoch: integer arithmetic keeps DuckDB and Spark identical
# (no session time zone involved). Beijing days start at hour ≡ 16 (mod 24), hence the +8 below.
BEIJING_OFFSET_HOURS = 8
NON_POLLUTANTS = (*AUX_CODES, PRODUCTION_METER, TREATMENT_METER)
HIT_COLUMNS = ("rule", "mn", "pollutant", "h_start", "h_end", "value", "threshold", "n")


def _base(raw: ir.Table, step_seconds: int) -> ir.Table:
    """Lake rows → mn, pollutant, h (steps since the epoch), value, zs, cou, flag, kind."""
    h = (raw.data_time.epoch_seconds() // step_seconds).cast("int64")
    return raw.select(
        mn=raw.mn,
        pollutant=raw.pollutant,
        h=h,
        value=raw.avg.coalesce(raw.rtd).cast("float64"),
        zs=raw.zs_avg.coalesce(raw.zs_rtd).cast("float64"),
        cou=raw.cou.cast("float64"),
        flag=raw.flag.coalesce(ibis.literal("N")),
        kind=raw.kind if "kind" in raw.columns else ibis.literal("mixed"),
    )


def _collapse(other: ir.Table) -> ir.Table:
    """Rows of a finer kind (electricity every few minutes) → the step's mean (Cou summed, the highest flag)."""
    return other.group_by(["mn", "pollutant", "h"]).aggregate(
        value=other.value.mean(), zs=other.zs.mean(), cou=other.cou.sum(), flag=other.flag.max()
    )


def prepare(raw: ir.Table, step_seconds: int = 3600, native: str = "hour") -> ir.Table:
    """Lake rows → one row per (mn, pollutant, step) with flow and O2 beside it.

    Hourly (the default): `h` counts hours; the `hour` kind passes through and other kinds (electricity) collapse
    to the hour's mean. Minute data (`step_seconds=60, native="minute"`): `h` counts minutes, the rules' thresholds
    then count minutes too (`RulePolicyValues.for_minutes`).
    Columns: mn, pollutant, h, value, zs, cou, flag ('N' when the device sent none), flow, flow_cou, o2.
    The lake keeps the hourly part of this table ready-made (`monitoring.lake.wide`, written at load time); the
    runner reads that and prepares only the other kinds (`prepare_other`).
    """
    base = _base(raw, step_seconds)
    # Hourly lake rows are already one per (mn, pollutant, hour): the loader deduplicates them. Other kinds
    # (electricity every few minutes) collapse to the hour's mean; grouping only them saves a pass over the bulk.
    hourly = base.filter(base.kind == native).drop("kind")
    other = _collapse(base.filter(base.kind != native))
    base = hourly.union(other.select(*hourly.columns))
    flow = base.filter(base.pollutant.isin(FLOW_CODES)).select("mn", "h", flow="value", flow_cou="cou")
    o2 = base.filter(base.pollutant == O2_CODE).select("mn", "h", o2="value")
    out = base.left_join(flow, ["mn", "h"]).select(base, "flow", "flow_cou")
    return out.left_join(o2, ["mn", "h"]).select(out, "o2")


def prepare_other(raw: ir.Table) -> ir.Table:
    """Electricity rows → the prepared columns, collapsed to hours. Meters have no flow or O2 factor of their own
    (and no rule reads flow beside a meter), so those columns are null: no join."""
    other = _collapse(_base(raw, 3600))
    null = ibis.null("float64")
    cols = ["mn", "pollutant", "h", "value", "zs", "cou", "flag"]
    return other.select(*cols, flow=null, flow_cou=null, o2=null)


def islands(t: ir.Table, keys: list[str]) -> ir.Table:
    """Add `_island`: rows of the same keys in consecutive hours share it (gaps-and-islands by h − row_number)."""
    w = ibis.window(group_by=[t[k] for k in keys], order_by=t.h)
    return t.mutate(_island=t.h - ibis.row_number().over(w))


def hits(rule: str, t: ir.Table) -> ir.Table:
    """Project a rule's result onto the common hit schema."""
    return t.select(
        rule=ibis.literal(rule),
        mn=t.mn,
        pollutant=t.pollutant.cast("string"),
        h_start=t.h_start.cast("int64"),
        h_end=t.h_end.cast("int64"),
        value=t.value.cast("float64"),
        threshold=t.threshold.cast("float64"),
        n=t.n.cast("int64"),
    )


def pollutants_only(p: ir.Table) -> ir.Table:
    """Valid (flag N) rows of real pollutants: what concentration rules look at."""
    return p.filter((p.flag == "N") & ~p.pollutant.isin(NON_POLLUTANTS) & p.value.notnull())


def corrected(t: ir.Table, raw_value: ir.Column) -> ir.Column:
    """折算 concentration: the device's Zs value, else raw × (21 − O2ref)/(21 − O2); raw when no reference O2."""
    computed = ibis.ifelse(t.o2 < 20, raw_value * (21 - t.ref_o2) / (21 - t.o2), ibis.null("float64"))
    return ibis.ifelse(t.ref_o2.notnull(), t.zs.coalesce(computed), raw_value)
