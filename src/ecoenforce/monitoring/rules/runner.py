"""Run the rule set over lake readings on an engine and merge hits into events (deterministic ids)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import ibis
import ibis.expr.types as ir

from ..lake import wide
from ..lake.schema import SCHEMA
from ..lake.storage import Lake, as_lake
from .base import prepare, prepare_other
from .catalogue import NEEDS_LIMITS, RULES
from .policy import RulePolicyValues

RULE_KINDS = ("hour", "electricity")  # rules read hourly data and electricity meters…
MINUTE_KIND = "minute"  # …and minute data (2051) where a device sends it:
# falsification signatures show in minutes long before an hourly mean shows them, so for a device with minute data
# in the window these rules judge its minutes instead of its hours. Exceedances stay on the standard's averaging
# period; outages stay hourly (what an hour without data means is the desk's measure).
MINUTE_RULES = ("flatline", "zero_negative", "flow_zero", "identical_trends")
ELECTRICITY_RULES = ("treatment_off", "treatment_idling")  # read electricity meters only
MIXED_RULES = ("outage",)  # hours of any kind count as data received; every other rule reads the hourly table
WIDE_COLUMNS = ("mn", "pollutant", "t", "h", "value", "zs", "cou", "flag", "flow", "flow_cou", "o2")
CST = timezone(timedelta(hours=8))
MEMORY_LIMIT = "3GB"  # DuckDB's ceiling for a rule run: past it, it spills to its temporary directory
# Every rule judges each device on its own rows, so a rule can judge a long run's devices in groups (by a hash of
# the MN), one after the other, and find exactly what it finds in one piece. Only identical trends gains by it: it
# sorts factor pairs (1.4 per reading), which at 1/10 of a province-year (4.4×10⁷ readings) no longer fit under
# MEMORY_LIMIT — 35.3 s in one piece, 26.3 s in two groups; every other rule lost more to re-reading the lake per
# group than it gained (docs/benchmarks.md). A group holds at most BATCH_READINGS hourly (or minute) readings.
GROUPED_RULES = ("identical_trends",)
BATCH_READINGS = 24_000_000
READ_COLUMNS = ("mn", "pollutant", "data_time", "avg", "rtd", "zs_avg", "zs_rtd", "cou", "flag")
# A limit judges the hours [valid_from_h, valid_to_h) (whole hours since the epoch; null = open): a point's limit
# history, so a re-run of a past window judges each hour against the limit in force then.
LIMIT_SCHEMA = ibis.schema({"mn": "string", "pollutant": "string", "limit_value": "float64",
                            "averaging": "string", "ref_o2": "float64", "valid_from_h": "int64",
                            "valid_to_h": "int64"})  # fmt: skip
# Falsification signatures are serious on their own; exceedances and outages scale with size and length.
BASE_SEVERITY = {
    "exceedance": "medium", "flag_abuse": "high", "zs_inconsistent": "high", "flatline": "medium",
    "zero_negative": "medium", "abrupt_drop": "medium", "outage": "low", "flow_zero": "high",
    "cou_inconsistent": "medium", "identical_trends": "high", "treatment_off": "high", "treatment_idling": "medium",
}  # fmt: skip


@dataclass(frozen=True)
class Event:
    """One merged warning candidate: a rule's consecutive hits on one device and factor."""

    id: str
    rule: str
    mn: str
    pollutant: str
    start: datetime
    end: datetime
    value: float
    threshold: float
    hits: int
    severity: str

    def as_json(self) -> dict:
        """JSON-ready dict (ISO times)."""
        return {**self.__dict__, "start": self.start.isoformat(), "end": self.end.isoformat()}


def event_id(rule: str, mn: str, pollutant: str, start: datetime) -> str:
    """Deterministic id: the same event found again by a re-run has the same id."""
    return hashlib.sha256(f"{rule}|{mn}|{pollutant}|{start.isoformat()}".encode()).hexdigest()[:20]


def severity(rule: str, value: float, threshold: float, hours: int) -> str:
    """low/medium/high: the rule's base level, raised by a large exceedance or a long event."""
    level = ["low", "medium", "high"].index(BASE_SEVERITY.get(rule, "medium"))
    if rule == "exceedance" and threshold > 0 and value / threshold >= 1.5:
        level += 1
    if hours >= 24:
        level += 1
    return ["low", "medium", "high"][min(level, 2)]


def connect(engine: str = "duckdb", spark=None):
    """An Ibis backend: in-process DuckDB, or PySpark (the given session, else a local[2] one)."""
    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        if spark is None:
            from pyspark.sql import SparkSession  # optional dependency, only for --engine spark

            spark = (SparkSession.builder.master("local[2]").appName("ecoenforce-rules")
                     .config("spark.sql.session.timeZone", "UTC")
                     .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                     .config("spark.ui.showConsoleProgress", "false")
                     .getOrCreate())  # fmt: skip
        return ibis.pyspark.connect(spark)
    raise ValueError(f"unknown engine {engine!r}: use duckdb or spark")


def lake_files(
    lake_dir: Lake | Path | str, start: datetime, end: datetime, kinds: Sequence[str] = RULE_KINDS
) -> list[str]:
    """Parquet files of the date partitions touching [start, end) (dates in Beijing time, a day either side);
    paths within the lake's filesystem (a local folder or object storage, see monitoring.lake.storage)."""
    lake = as_lake(lake_dir)
    lo = (start - timedelta(days=1)).date().isoformat()
    hi = (end + timedelta(days=1)).date().isoformat()
    files = []
    for kind in kinds:
        for part in lake.dirs(f"kind={kind}"):
            if part.startswith("date=") and lo <= part[5:] <= hi:
                rel = f"kind={kind}/{part}"
                files += [lake.path(f"{rel}/{name}") for name in lake.list(rel, "part-", ".parquet")]
    return files


def _read_parquet(con, files: list[str], columns: Sequence[str], lake: Lake | None = None) -> ir.Table:
    """Parquet files of `lake` (a local folder when None) as an Ibis table on `con` (only `columns`)."""
    name = "lake_" + hashlib.sha256("|".join(files).encode()).hexdigest()[:12]
    if con.name == "pyspark":  # ibis passes a list to Spark as one glob string; hand Spark the paths itself
        paths = files if lake is None or lake.local else [f"s3a://{f}" for f in files]  # the cluster's s3a settings
        con._session.read.parquet(*paths).select(*columns).createOrReplaceTempView(name)
        return con.table(name)
    if lake is not None and not lake.local:
        # object storage: DuckDB reads it as a pyarrow dataset (no httpfs extension needed)
        import pyarrow.dataset as ds

        schema = SCHEMA if set(columns) <= set(SCHEMA.names) else None
        con.con.register(name, ds.dataset(files, format="parquet", filesystem=lake.fs, schema=schema))
        return con.table(name).select(*columns)
    return con.read_parquet(files).select(*columns)


def read_lake(
    con, lake_dir: Lake | Path | str, start: datetime, end: datetime, kinds: Sequence[str] = RULE_KINDS
) -> ir.Table | None:
    """Lake readings of `kinds` in [start, end) as an Ibis table on `con`, with their kind (None when none)."""
    parts = []
    lake = as_lake(lake_dir)
    for kind in kinds:
        files = lake_files(lake, start, end, kinds=(kind,))
        if not files:
            continue
        parts.append(_read_parquet(con, files, READ_COLUMNS, lake).mutate(kind=ibis.literal(kind)))
    if not parts:
        return None
    raw = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    lo, hi = int(start.timestamp()), int(end.timestamp())
    secs = raw.data_time.epoch_seconds()
    return raw.filter((secs >= lo) & (secs < hi))


def beijing_dates(start: datetime, end: datetime) -> list[str]:
    """The Beijing dates (the lake's `date=` partitions) that [start, end) touches."""
    day, last = start.astimezone(CST).date(), (end - timedelta(microseconds=1)).astimezone(CST).date()
    out = []
    while day <= last:
        out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def read_hour_wide(con, lake_dir: Path | str, start: datetime, end: datetime) -> ir.Table | None:
    """The wide hourly table (`monitoring.lake.wide`) of [start, end): only the date partitions the window
    touches; a partition written before the table existed, or changed since, is (re)built first."""
    lake = as_lake(lake_dir)
    files = [str(p) for p in wide.ensure(lake, beijing_dates(start, end))]
    if not files:
        return None
    t = _read_parquet(con, files, WIDE_COLUMNS, lake)
    lo, hi = int(start.timestamp()), int(end.timestamp())
    return t.filter((t.t >= lo) & (t.t < hi)).drop("t")


def read_inputs(con, lake_dir: Path | str, start: datetime, end: datetime, rules: Sequence[str]) -> Inputs:
    """What `rules` read of the lake for [start, end): the kinds they need, nothing else."""
    hour = other = minutes = None
    if any(name not in ELECTRICITY_RULES for name in rules):
        hour = read_hour_wide(con, lake_dir, start, end)
    if any(name in ELECTRICITY_RULES or name in MIXED_RULES for name in rules):
        raw = read_lake(con, lake_dir, start, end, kinds=("electricity",))
        other = prepare_other(raw) if raw is not None else None
    if any(name in MINUTE_RULES for name in rules):
        minutes = read_lake(con, lake_dir, start, end, kinds=(MINUTE_KIND,))
    return Inputs(hour, other, minutes, split=True)


def limits_table(rows: Iterable[dict]) -> ir.Table:
    """Limits (mn, pollutant, limit_value, averaging, ref_o2, valid_from_h, valid_to_h) as an in-memory table;
    rows without a validity period apply at every hour."""
    import pyarrow as pa

    cols = {name: [r.get(name) for r in rows] for name in LIMIT_SCHEMA.names} if rows else None
    data = pa.table(cols or {n: [] for n in LIMIT_SCHEMA.names}, schema=LIMIT_SCHEMA.to_pyarrow())
    return ibis.memtable(data)


def merge(h: ir.Table, gap: int) -> ir.Table:
    """Merge hits of one rule, device and factor closer than `gap` minutes into events (gaps and islands)."""
    key = [h.rule, h.mn, h.pollutant]
    order = [h.m_start, h.m_end]
    prev_end = h.m_end.max().over(ibis.window(group_by=key, order_by=order, rows=(None, -1)))
    h = h.mutate(_new=ibis.ifelse(prev_end.isnull() | (h.m_start > prev_end + gap), 1, 0))
    h = h.mutate(_event=h._new.sum().over(ibis.window(group_by=key, order_by=order, rows=(None, 0))))
    return h.group_by(["rule", "mn", "pollutant", "_event"]).aggregate(
        m_start=h.m_start.min(), m_end=h.m_end.max(), value=h.value.max(), threshold=h.threshold.max(),
        n=h.n.sum(),
    )  # fmt: skip




@dataclass
class Inputs:
    """What the rules read. Unsplit (`run` on raw rows): `hour` = every row prepared together. Split (the lake
    path): `hour` = the wide hourly table, `other` = electricity rows collapsed to hours; `minutes` = minute-kind
    lake rows either way."""

    hour: ir.Table | None
    other: ir.Table | None = None
    minutes: ir.Table | None = None
    split: bool = False

    def devices(self, group: int, groups: int) -> Inputs:
        """Only the devices of one of `groups` groups (a hash of the MN: a device is always in the same group)."""
        if groups == 1:
            return self

        def only(t: ir.Table | None) -> ir.Table | None:  # the hash is signed: its remainder may be negative
            return None if t is None else t.filter((t.mn.hash() % groups + groups) % groups == group)

        return Inputs(only(self.hour), only(self.other), only(self.minutes), self.split)

    def for_rule(self, name: str) -> ir.Table | None:
        """The table rule `name` reads (None: nothing to read)."""
        if not self.split:
            return self.hour
        if name in ELECTRICITY_RULES:
            return self.other
        if name in MIXED_RULES:
            present = [t.select("mn", "h", "flag") for t in (self.hour, self.other) if t is not None]
            return present[0].union(present[1]) if len(present) == 2 else (present or [None])[0]
        return self.hour


def hits_expr(
    raw: ir.Table | None,
    limits: ir.Table,
    policy: RulePolicyValues,
    rules: Sequence[str] | None = None,
    con=None,
    minutes: ir.Table | None = None,
    inputs: Inputs | None = None,
    separate: bool = False,
) -> ir.Table | list[ir.Table] | None:
    """The union of every selected rule's hits over prepared readings (materialised once on DuckDB), with times
    in epoch minutes (`m_start`, `m_end`). With `minutes` (minute-kind lake rows), the MINUTE_RULES judge the
    devices that sent minute data on those, and the rest on their hours. `inputs` (instead of `raw`) hands over
    tables already prepared (the lake path: the wide hourly table and the electricity rows apart). `separate`
    returns each rule's hits as its own expression, over the inputs as they are (not materialised), so DuckDB runs
    one rule at a time, reading only the columns that rule needs, and frees its state before the next."""

    def built(t: ir.Table | None) -> ir.Table | None:  # every rule re-reads the prepared table: build it once
        if t is not None and con is not None and con.name == "duckdb" and not separate:
            return con.create_table(f"prepared_{uuid.uuid4().hex[:12]}", t, temp=True)
        return t

    def in_minutes(t: ir.Table, step: int) -> ir.Table:
        return t.select("rule", "mn", "pollutant", m_start=t.h_start * step, m_end=t.h_end * step, value=t.value,
                        threshold=t.threshold, n=t.n)  # fmt: skip

    if inputs is None:
        inputs = Inputs(prepare(raw) if raw is not None else None, minutes=minutes)
    selected = list(rules or RULES)
    by_minute = [name for name in selected if name in MINUTE_RULES] if inputs.minutes is not None else []
    parts, judged = [], None
    if by_minute:
        m = prepare(inputs.minutes, step_seconds=60, native=MINUTE_KIND)
        if con is not None and con.name == "duckdb":  # four rules and the anti-join read it: build it once
            m = con.create_table(f"minutes_{uuid.uuid4().hex[:12]}", m, temp=True)
        judged = m.select("mn").distinct()
        parts += [in_minutes(RULES[name](m, None, policy.for_minutes()), 1) for name in by_minute]
    needs_hour = any(name not in ELECTRICITY_RULES for name in selected)
    needs_other = any(name in ELECTRICITY_RULES or name in MIXED_RULES for name in selected)
    hour = built(inputs.hour) if needs_hour or not inputs.split else None
    ready = Inputs(hour, built(inputs.other) if inputs.split and needs_other else None, split=inputs.split)
    for name in selected:
        table = ready.for_rule(name)
        if table is None:
            continue
        part = RULES[name](table, limits if name in NEEDS_LIMITS else None, policy)
        if name in by_minute:
            part = part.anti_join(judged, "mn")
        parts.append(in_minutes(part, 60))
    if not parts:
        return None
    if separate:
        return parts
    out = parts[0]
    for part in parts[1:]:
        out = out.union(part)
    return out


def to_events(rows: Iterable[dict]) -> list[Event]:
    """Merged rows (times in epoch minutes) → Event objects, sorted."""
    events = []
    for r in rows:
        start = datetime.fromtimestamp(int(r["m_start"]) * 60, tz=UTC)
        end = datetime.fromtimestamp(int(r["m_end"]) * 60, tz=UTC)
        value, threshold = float(r["value"]), float(r["threshold"])
        hours = (int(r["m_end"]) - int(r["m_start"])) / 60
        events.append(Event(event_id(r["rule"], r["mn"], r["pollutant"], start), r["rule"], r["mn"], r["pollutant"],
                            start, end, value, threshold, int(r["n"]), severity(r["rule"], value, threshold, hours)))  # fmt: skip
    return sorted(events, key=lambda e: (e.rule, e.mn, e.pollutant, e.start))


def _events(con, hits: ir.Table | list[ir.Table] | None, policy: RulePolicyValues) -> list[Event]:
    """Hits → merged events. A list of per-rule hit expressions is executed one query at a time; only their hits
    (small) are kept, and merged in one last query."""
    if hits is None:
        return []
    if isinstance(hits, list):
        import pyarrow as pa

        tables = [con.to_pyarrow(part) for part in hits]
        hits = ibis.memtable(pa.concat_tables([t.cast(tables[0].schema) for t in tables]))
    return to_events(con.to_pyarrow(merge(hits, policy.merge_gap_hours * 60)).to_pylist())


def _tune(con) -> None:
    """DuckDB for the rules: rows need no order between operators (less memory), and a memory ceiling past which
    it spills to disk instead of growing (settings.RULES_MEMORY_LIMIT via the caller, default 3 GB)."""
    if con.name == "duckdb" and not getattr(con, "_ecoenforce_tuned", False):
        con.raw_sql("SET preserve_insertion_order = false")
        con.raw_sql(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con._ecoenforce_tuned = True


def run(
    con,
    raw: ir.Table | None,
    limit_rows: Iterable[dict],
    policy: RulePolicyValues,
    rules: Sequence[str] | None = None,
    minutes: ir.Table | None = None,
) -> list[Event]:
    """Apply the rules on `con` (minute rows, when given, judge the falsification signatures) → merged events."""
    if raw is None and minutes is None:
        return []
    limits = limits_table(list(limit_rows))
    return _events(con, hits_expr(raw, limits, policy, rules, con=con, minutes=minutes), policy)


def judged_until(end: datetime, now: datetime) -> datetime:
    """The end of what a run may judge: `end`, but never past the start of the current hour at `now`.

    An hour's data arrive after the hour, so the hour under way (and every later one) has not happened yet as far
    as the lake is concerned: judging it would raise outages for hours that are still to come.
    """
    present = datetime.fromtimestamp(int(now.timestamp()) // 3600 * 3600, tz=UTC)
    return min(end, present)


def run_lake(
    lake_dir: Lake | Path | str,
    start: datetime,
    end: datetime,
    limit_rows: Iterable[dict],
    policy: RulePolicyValues,
    engine: str = "duckdb",
    rules: Sequence[str] | None = None,
    con=None,
    now: datetime | None = None,
) -> list[Event]:
    """Read the lake for [start, end) and run the rules (the trailing outage ends at `end`); minute data, where a
    device sends it, judges that device's falsification signatures (MINUTE_RULES). Each kind is read only when a
    selected rule needs it; hourly data come from the wide table written at load time.

    With `now`, the window stops at `judged_until(end, now)`: a run never judges the future.
    """
    if now is not None:
        end = judged_until(end, now)
        if end <= start:
            return []
    con = con or connect(engine)
    selected = list(rules or RULES)
    policy = RulePolicyValues.from_dict({**policy.as_dict(), "window_end_hour": int(end.timestamp()) // 3600})
    _tune(con)
    inputs = read_inputs(con, lake_dir, start, end, selected)
    if inputs.hour is None and inputs.other is None and inputs.minutes is None:
        return []
    limits = limits_table(list(limit_rows))
    if con.name != "duckdb":  # a cluster partitions the work itself
        return _events(con, hits_expr(None, limits, policy, selected, con=con, inputs=inputs), policy)
    grouped = [name for name in selected if name in GROUPED_RULES]
    whole = [name for name in selected if name not in GROUPED_RULES]
    events = []
    if whole:
        events = _events(con, hits_expr(None, limits, policy, whole, con=con, inputs=inputs, separate=True), policy)
    groups = device_groups(con, inputs) if grouped else 0
    for group in range(groups):
        part = inputs.devices(group, groups)
        events += _events(con, hits_expr(None, limits, policy, grouped, con=con, inputs=part, separate=True), policy)
    return sorted(events, key=lambda e: (e.rule, e.mn, e.pollutant, e.start))


def device_groups(con, inputs: Inputs) -> int:
    """How many device groups a DuckDB run judges GROUPED_RULES in, one after the other: enough that each holds
    at most BATCH_READINGS hourly readings (minute rows count as readings too)."""
    readings = 0
    for t in (inputs.hour, inputs.minutes):
        if t is not None:
            readings += int(con.execute(t.count()))
    return max(1, -(-readings // BATCH_READINGS))


SHARED_LOOKBACK_HOURS = 24


def lookback_hours(name: str, policy: RulePolicyValues) -> int:
    """Hours before a window's start that rule `name` must read for the window's hours to be judged whole (and
    for a behaviour already under way to be seen continuing), from the policy's thresholds."""
    hours = {
        "exceedance": 24,  # a daily limit judges the whole Beijing day that ends in the window
        "flag_abuse": 0,
        "zs_inconsistent": 0,
        "cou_inconsistent": 0,
        "flatline": policy.flat_hours,
        "zero_negative": policy.zero_hours,
        "flow_zero": policy.flow_zero_hours,
        "outage": policy.outage_hours + 1,  # the last hour with data before the gap
        "identical_trends": policy.identical_window_hours,
        # the hours before and after a drop, and the past week's mean before those
        "abrupt_drop": policy.drop_baseline_hours + 2 * policy.drop_window,
        "treatment_off": policy.treat_off_hours,
        "treatment_idling": policy.drop_baseline_hours,  # the usual share of production: the past week
    }[name]
    if name in MINUTE_RULES:
        minutes = {"flatline": policy.flat_minutes, "zero_negative": policy.zero_minutes,
                   "flow_zero": policy.flow_zero_minutes, "identical_trends": policy.identical_window_minutes}[name]  # fmt: skip
        hours = max(hours, -(-minutes // 60))
    return hours


def max_lookback_hours(policy: RulePolicyValues, rules: Sequence[str] | None = None) -> int:
    """The longest look-back of the selected rules: how far before a window an incremental run reads."""
    return max(lookback_hours(name, policy) for name in (rules or RULES))


def _forward_hours(name: str, policy: RulePolicyValues) -> int:
    """Hours after a hit's end that judging it needs (an abrupt drop needs the hours after it): a new event that
    ends this close before the window was not judgeable by the run before."""
    return policy.drop_window - 1 if name == "abrupt_drop" else 0


def _overlaps(e: Event, o: Event, gap: timedelta) -> bool:
    return e.start <= o.end + gap and e.end >= o.start - gap


def merge_open(
    events: Sequence[Event], open_events: Sequence[Event], policy: RulePolicyValues
) -> list[Event]:
    """Fold a run's events into the events already open (earlier runs' warnings): an event that meets an open one
    of the same rule, device and factor extends it — same id, same start, the later end, the larger value, the
    hits beyond the open event's end added — instead of starting a second. Events the run finds again are no
    change, so the same window judged twice gives the same result (idempotent)."""
    gap = timedelta(hours=policy.merge_gap_hours)
    opened: dict[tuple, list[Event]] = {}
    for o in open_events:
        opened.setdefault((o.rule, o.mn, o.pollutant), []).append(o)
    out: dict[str, Event] = {}
    for e in sorted(events, key=lambda e: (e.rule, e.mn, e.pollutant, e.start)):
        key = (e.rule, e.mn, e.pollutant)
        current = [out.get(o.id, o) for o in sorted(opened.get(key, []), key=lambda o: o.start)]
        o = next((o for o in current if _overlaps(e, o, gap)), None)
        if o is None:
            out[e.id] = e
            continue
        if e.start <= o.start:  # the run saw the event whole: its own figures are the truth if it saw as much
            if (e.end, e.hits) < (o.end, o.hits):
                continue  # an older window judged again: nothing new
            end, value, threshold, hits = e.end, e.value, e.threshold, e.hits  # e.g. a daily mean as the day fills
        else:  # a continuation seen from within: the hits beyond the open event's end are added
            span = (e.end - e.start).total_seconds()
            beyond = (e.end - max(e.start, o.end)).total_seconds()
            extra = round(e.hits * beyond / span) if span > 0 and beyond > 0 else 0
            end, value = max(o.end, e.end), max(o.value, e.value)
            threshold, hits = max(o.threshold, e.threshold), o.hits + extra
        hours = (end - o.start).total_seconds() / 3600
        out[o.id] = Event(o.id, o.rule, o.mn, o.pollutant, o.start, end, value, threshold, hits,
                          severity(o.rule, value, threshold, hours))  # fmt: skip
    return sorted(out.values(), key=lambda e: (e.rule, e.mn, e.pollutant, e.start))


def _still_silent(con, inputs: Inputs, outages: Sequence[Event], read_from: datetime, end: datetime) -> list[Event]:
    """Open outages that were running at the last run's end and whose device has sent nothing usable since:
    extended to `end` (their last transmission lies before what this run reads, so the rule cannot see them)."""
    candidates = [o for o in outages if o.rule == "outage" and o.end >= read_from and o.end < end]
    if not candidates:
        return []
    present: set[str] = set()
    table = inputs.for_rule("outage")
    if table is not None:
        live = table.filter(table.flag != "B").select("mn").distinct()
        present = set(con.to_pyarrow(live).column("mn").to_pylist())
    out = []
    for o in candidates:
        if o.mn in present:
            continue
        more = int((end - o.end).total_seconds()) // 3600  # outage hits and value count hours without data
        hours = (end - o.start).total_seconds() / 3600
        out.append(Event(o.id, o.rule, o.mn, o.pollutant, o.start, end, o.value + more, o.threshold, o.hits + more,
                         severity(o.rule, o.value + more, o.threshold, hours)))  # fmt: skip
    return out


def run_window(
    lake_dir: Path | str,
    start: datetime,
    end: datetime,
    limit_rows: Iterable[dict],
    policy: RulePolicyValues,
    open_events: Sequence[Event] = (),
    engine: str = "duckdb",
    rules: Sequence[str] | None = None,
    con=None,
    now: datetime | None = None,
) -> list[Event]:
    """Judge [start, end) incrementally: each rule reads only the date partitions of the window plus its own
    look-back (`lookback_hours`; rules looking back a day or less share one read of the last day and one query), and the events
    found are folded into `open_events` (`merge_open`: a flat-line spanning hourly runs stays one event).

    Returns the window's events: new ones and open ones extended or found again. Events wholly inside the
    look-back are left out (an earlier run judged those hours). A daily limit is judged once its Beijing day is
    complete (the standard's averaging period). Pass as `open_events` every earlier event ending at
    or after `start` − `max_lookback_hours` − the merge gap. With `now`, the window stops at
    `judged_until(end, now)`.
    """
    if now is not None:
        end = judged_until(end, now)
        if end <= start:
            return []
    con = con or connect(engine)
    _tune(con)
    selected = list(rules or RULES)
    cut = int(start.timestamp()) // 3600 - _forward_hours("abrupt_drop", policy)  # earlier hits are dropped below
    policy = RulePolicyValues.from_dict({**policy.as_dict(), "window_end_hour": int(end.timestamp()) // 3600,
                                         "judge_from_hour": cut})  # fmt: skip
    limits = limits_table(list(limit_rows))
    groups: dict[int, list[str]] = {}
    for name in selected:  # look-backs within a day share one read (a day touches two date partitions at most)
        groups.setdefault(max(lookback_hours(name, policy), SHARED_LOOKBACK_HOURS), []).append(name)
    found: list[Event] = []
    silent: list[Event] = []
    for back, names in sorted(groups.items()):
        read_from = start - timedelta(hours=back)
        inputs = read_inputs(con, lake_dir, read_from, end, names)
        if inputs.hour is not None or inputs.other is not None or inputs.minutes is not None:
            hits = hits_expr(None, limits, policy, names, con=con, inputs=inputs, separate=con.name == "duckdb")
            found += _events(con, hits, policy)
        if "outage" in names:
            silent = _still_silent(con, inputs, open_events, read_from, end)
    end_minute = int(end.timestamp()) // 60
    kept = []
    for e in found:
        if e.rule == "exceedance" and int(e.end.timestamp()) // 60 > end_minute:
            continue  # a daily limit's day still under way: judged once it is complete
        if e.end <= start - timedelta(hours=_forward_hours(e.rule, policy)):
            continue  # wholly in the look-back: judged by an earlier run
        kept.append(e)
    return merge_open(kept + silent, open_events, policy)
