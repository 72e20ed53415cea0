"""Scenario generator: hourly CEMS/wastewater and electricity data with injected behaviours and ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

BEIJING = timedelta(hours=8)
# Industry → (system code, factors {code: (limit, averaging, ref O2)}, flow code, usual level as share of limit)
INDUSTRIES = {
    "power": ("31", {"a34013": (10.0, "hour", 6.0), "a21026": (35.0, "hour", 6.0), "a21002": (50.0, "hour", 6.0)}),
    "boiler": ("31", {"a34013": (30.0, "hour", 9.0), "a21026": (200.0, "hour", 9.0), "a21002": (200.0, "hour", 9.0)}),
    "cement": ("31", {"a34013": (20.0, "hour", 10.0), "a21026": (100.0, "hour", 10.0), "a21002": (320.0, "hour", 10.0)}),
    "incineration": ("31", {"a34013": (30.0, "hour", 11.0), "a21026": (100.0, "hour", 11.0), "a21002": (300.0, "hour", 11.0)}),
    "wastewater": ("32", {"w01018": (50.0, "day", None), "w21003": (5.0, "day", None)}),
}  # fmt: skip
# Where those limits come from (the warnings app's seeded standards): standard code, category.
SOURCES = {
    "power": ("环发〔2015〕164号 (POLICY, not a GB standard)", "燃煤发电机组/超低排放(政策)"),
    "boiler": ("GB 13271-2014", "燃煤锅炉/重点地区特别排放限值(表3)"),
    "cement": ("GB 4915-2013", "水泥窑及窑尾余热利用系统(窑尾)/重点地区特别排放限值(表2)"),
    "incineration": ("GB 18485-2014", "生活垃圾焚烧炉/全部"),
    "wastewater": ("GB 18918-2002", "一级A/基本控制项目(表1)"),
}
BEHAVIOURS = ("exceedance", "flag_abuse", "zs_inconsistent", "flatline", "zero_negative", "abrupt_drop", "outage",
              "flow_zero", "cou_inconsistent", "identical_trends", "treatment_off", "treatment_idling")  # fmt: skip
LOOKALIKES = ("shutdown", "calibration")
GAS_ONLY = {"zs_inconsistent", "identical_trends", "treatment_off", "treatment_idling", "flag_abuse"}


@dataclass
class Scenario:
    """Generated data: lake rows per kind as column dicts, limits per point, ground truth and look-alikes."""

    start: datetime
    hours: int
    columns: dict[str, dict[str, list]] = field(default_factory=dict)  # kind -> column -> values
    limits: list[dict] = field(default_factory=list)
    truth: list[dict] = field(default_factory=list)
    lookalikes: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)


def _append(
    cols: dict, mn: str, st: str, pollutant: str, hs: np.ndarray, value, zs=None, cou=None, flag=None
):
    """Append one series (arrays over the hours `hs`) as column chunks (NaN = no value)."""
    n = len(hs)
    cols.setdefault("mn", []).append(np.full(n, mn, dtype=object))
    cols.setdefault("st", []).append(np.full(n, st, dtype=object))
    cols.setdefault("pollutant", []).append(np.full(n, pollutant, dtype=object))
    cols.setdefault("h", []).append(np.asarray(hs, dtype="int64"))
    cols.setdefault("avg", []).append(np.round(value, 3))
    cols.setdefault("zs_avg", []).append(np.full(n, np.nan) if zs is None else np.round(zs, 3))
    cols.setdefault("cou", []).append(np.full(n, np.nan) if cou is None else np.round(cou, 6))
    cols.setdefault("flag", []).append(np.full(n, "N", dtype=object) if flag is None else np.asarray(flag, dtype=object))


def row_count(cols: dict) -> int:
    """Rows held in a scenario's column chunks."""
    return sum(len(c) for c in cols.get("h", []))


def _window(rng, hours: int, length: int) -> tuple[int, int]:
    """A random [a, b) window of `length` hours inside the run, away from its edges."""
    a = int(rng.integers(24, hours - length - 24))
    return a, a + length


def generate(
    n_points: int = 24,
    days: int = 7,
    seed: int = 1,
    start: datetime | None = None,
    inject_share: float = 0.6,
    lookalike_share: float = 0.2,
    mn_prefix: str = "SIM",
) -> Scenario:
    """`n_points` points over `days` days; a share gets one injected behaviour each, another share a look-alike."""
    rng = np.random.default_rng(seed)
    start = start or datetime(2026, 10, 1, tzinfo=UTC) - BEIJING  # Beijing midnight
    hours = days * 24
    h0 = int(start.timestamp()) // 3600
    hs = np.arange(h0, h0 + hours)
    bj_hour = (hs + 8) % 24
    sc = Scenario(start=start, hours=hours)
    hour_cols: dict[str, list] = {}
    elec_cols: dict[str, list] = {}
    industries = list(INDUSTRIES)
    for i in range(n_points):
        industry = industries[i % len(industries)]
        st, factors = INDUSTRIES[industry]
        mn = f"{mn_prefix}{i:08d}"
        gas = st == "31"
        u = rng.random()
        behaviour = None
        if u < inject_share:
            choices = [b for b in BEHAVIOURS if gas or b not in GAS_ONLY]
            behaviour = (
                BEHAVIOURS[i % len(BEHAVIOURS)]
                if BEHAVIOURS[i % len(BEHAVIOURS)] in choices
                else choices[i % len(choices)]
            )
        elif u < inject_share + lookalike_share:
            behaviour = LOOKALIKES[i % 2]
        sc.points.append({"mn": mn, "industry": industry, "behaviour": behaviour})
        # Production: day-shift plants swing more than continuous ones; each day a little different.
        swing = 0.35 if industry in ("cement", "wastewater") else 0.2
        load = 0.75 + swing * np.sin((bj_hour - 8) / 24 * 2 * np.pi) + rng.normal(0, 0.04, hours)
        load = np.clip(load, 0.3, 1.2)
        flow = (60.0 if gas else 0.05) * load * rng.normal(1, 0.03, hours)  # m³/s gas, m³/s water
        o2 = np.clip(rng.normal(8.5 if gas else 0, 0.4, hours), 3, 15)
        flags = np.array(["N"] * hours, dtype=object)
        keep = np.ones(hours, dtype=bool)
        series: dict[str, np.ndarray] = {}
        for code, (limit, averaging, ref) in factors.items():
            sc.limits.append(
                {"mn": mn, "pollutant": code, "limit_value": limit, "averaging": averaging, "ref_o2": ref}
            )
            level = limit * rng.uniform(0.3, 0.45)
            raw = level * (0.6 + 0.4 * load) * rng.lognormal(0, 0.08, hours)
            if ref is not None:
                raw = raw * (21 - o2) / (21 - ref)  # so that the 折算 value sits at `level`
            series[code] = raw
        main = next(iter(factors))
        zs_override: dict[str, np.ndarray] = {}
        cou_scale = {code: np.ones(hours) for code in factors}
        truth = None
        lookalike = None
        if behaviour == "exceedance":
            limit, averaging, ref = factors[main]
            if averaging == "day":  # a whole Beijing day for a daily-averaged limit
                day = int(rng.integers(1, days - 1))
                a, b = day * 24, day * 24 + 24
            else:
                a, b = _window(rng, hours, int(rng.integers(2, 6)))
            target = limit * rng.uniform(1.3, 1.8, b - a)
            series[main][a:b] = target * (21 - o2[a:b]) / (21 - ref) if ref is not None else target
            truth = (main, a, b)
        elif behaviour == "flag_abuse":
            a, b = _window(rng, hours, int(rng.integers(2, 5)))
            limit, _avg, ref = factors[main]
            series[main][a:b] = limit * rng.uniform(1.5, 2.5, b - a) * (21 - o2[a:b]) / (21 - ref)
            flags[a:b] = rng.choice(["M", "C", "D"])
            truth = (main, a, b)
        elif behaviour == "zs_inconsistent":
            a, b = _window(rng, hours, int(rng.integers(3, 8)))
            ref = factors[main][2]
            zs_override[main] = series[main] * (21 - ref) / (21 - o2)
            zs_override[main][a:b] *= rng.uniform(0.4, 0.6)
            truth = (main, a, b)
        elif behaviour == "flatline":
            a, b = _window(rng, hours, int(rng.integers(8, 30)))
            series[main][a:b] = round(float(series[main][a]), 2)
            truth = (main, a, b)
        elif behaviour == "zero_negative":
            a, b = _window(rng, hours, int(rng.integers(4, 12)))
            series[main][a:b] = 0.0
            truth = (main, a, b)
        elif behaviour == "abrupt_drop":
            a, b = _window(rng, hours, int(rng.integers(10, 30)))
            series[main][a:b] *= rng.uniform(0.05, 0.15)
            truth = (main, a, a + 1)
        elif behaviour == "outage":
            a, b = _window(rng, hours, int(rng.integers(4, 24)))
            keep[a:b] = False
            truth = ("*", a, b)
        elif behaviour == "flow_zero":
            a, b = _window(rng, hours, int(rng.integers(3, 10)))
            flow[a:b] = 0.0
            truth = ("a00000" if gas else "w00000", a, b)
        elif behaviour == "cou_inconsistent":
            a, b = _window(rng, hours, int(rng.integers(3, 10)))
            cou_scale[main][a:b] = rng.uniform(0.3, 0.6)
            truth = (main, a, b)
        elif behaviour == "identical_trends":
            day = int(rng.integers(1, days - 1))
            a, b = day * 24, day * 24 + 24
            signal = 30 + 10 * np.sin(np.arange(24) / 24 * 2 * np.pi) + np.cumsum(rng.normal(0, 1, 24))
            series["a34013"][a:b] = signal * factors["a34013"][0] * 0.01  # the same analog channel read twice, scaled
            flow[a:b] = signal * 2.0
            truth = ("a00000+a34013", a, b)
        elif behaviour == "shutdown":
            a, b = _window(rng, hours, int(rng.integers(12, 48)))
            for code in series:
                series[code][a:b] = 0.0
            flow[a:b] = 0.0
            flags[a:b] = "F"
            lookalike = ("shutdown", a, b)
        elif behaviour == "calibration":
            for d in range(days):  # a short daily calibration at normal levels: legitimate
                flags[d * 24 + 2] = "C"
            lookalike = ("calibration", 0, hours)
        flow_cou = flow * 3600
        idx = np.nonzero(keep)[0]
        for code, raw in series.items():
            ref = factors[code][2]
            zs = zs_override.get(code, raw * (21 - ref) / (21 - o2) if ref is not None else None)
            cou = raw * flow_cou * (1e-6 if gas else 1e-3) * cou_scale[code]
            _append(
                hour_cols,
                mn,
                st,
                code,
                hs[idx],
                raw[idx],
                None if zs is None else zs[idx],
                cou[idx],
                flags[idx],
            )
        _append(
            hour_cols,
            mn,
            st,
            "a00000" if gas else "w00000",
            hs[idx],
            flow[idx],
            None,
            flow_cou[idx],
            flags[idx],
        )
        if gas:
            _append(hour_cols, mn, st, "a19001", hs[idx], o2[idx], None, None, flags[idx])
            emn = f"E{mn[1:]}"
            prod = 400 * load * rng.normal(1, 0.03, hours)
            treat = 120 * (0.8 + 0.2 * load) * rng.normal(1, 0.03, hours)
            if behaviour == "shutdown":
                prod[lookalike[1] : lookalike[2]] = 0.5
                treat[lookalike[1] : lookalike[2]] = 0.2
            if behaviour in ("treatment_off", "treatment_idling"):
                a, b = _window(rng, hours, int(rng.integers(4, 12)))
                treat[a:b] = rng.uniform(0, 0.5, b - a) if behaviour == "treatment_off" else treat[a:b] * 0.08
                sc.truth.append({"rule": behaviour, "mn": emn, "pollutant": "treatment", "h_start": int(hs[a]),
                                 "h_end": int(hs[a]) + (b - a)})  # fmt: skip
            _append(elec_cols, emn, "", "production", hs, prod)
            _append(elec_cols, emn, "", "treatment", hs, treat)
        if truth is not None:
            sc.truth.append({"rule": behaviour, "mn": mn, "pollutant": truth[0], "h_start": int(hs[0] + truth[1]),
                             "h_end": int(hs[0] + truth[2])})  # fmt: skip
        if lookalike is not None:
            sc.lookalikes.append({"kind": lookalike[0], "mn": mn, "h_start": int(hs[0] + lookalike[1]),
                                  "h_end": int(hs[0] + lookalike[2])})  # fmt: skip
    sc.columns = {"hour": hour_cols, "electricity": elec_cols}
    return sc


def _column(values) -> np.ndarray | list:
    """A column from chunks (generator) or from a plain list (hand-made rows)."""
    if values and isinstance(values[0], np.ndarray):
        return np.concatenate(values)
    return values


def to_arrow(cols: dict[str, list], kind: str = "hour") -> pa.Table:
    """Columns → a table in the lake schema (data_time from the step index `h` — minutes for kind minute, else
    hours —, Beijing time; NaN → null)."""
    from ecoenforce.monitoring.lake.schema import DATA_TZ, SCHEMA

    hours = np.asarray(_column(cols["h"]), dtype="int64")
    n = len(hours)
    step_ms = 60_000 if kind == "minute" else 3_600_000
    times = pa.array(hours * step_ms, pa.int64()).cast(pa.timestamp("ms", tz=DATA_TZ))
    arrays = []
    for f in SCHEMA:
        if f.name == "data_time":
            arrays.append(times)
        elif f.name == "cn":
            arrays.append(pa.array(np.full(n, "2051" if kind == "minute" else "2061", dtype=object), f.type))
        elif f.name in cols:
            arrays.append(pa.array(_column(cols[f.name]), f.type, from_pandas=True))
        elif f.name == "pollutant_raw":
            arrays.append(pa.array(_column(cols["pollutant"]), f.type))
        else:
            arrays.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def write_lake(sc: Scenario, lake_dir: Path | str, name: str = "part-scenario") -> list[Path]:
    """Write the scenario into the lake's Hive layout kind=<kind>/date=<Beijing date>/<name>.parquet."""
    import pyarrow.compute as pc

    lake = Path(lake_dir)
    written = []
    for kind, cols in sc.columns.items():
        if not cols:
            continue
        table = to_arrow(cols, kind)
        days = pc.strftime(table["data_time"], format="%Y-%m-%d")
        for day in sorted(set(days.to_pylist())):
            part = table.filter(pc.equal(days, day))
            directory = lake / f"kind={kind}" / f"date={day}"
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / f"{name}.parquet"
            pq.write_table(part, target)
            written.append(target)
    return written
