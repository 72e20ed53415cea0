"""Off-the-clock scenarios: falsification signatures that start at any minute and last 30 minutes to 48 hours, as a
device sends them — minute data (2051) and the hourly means of those same minutes (2061).

The calendar-aligned generator (`generator.generate`) injects whole hours and, for identical trends, whole Beijing
days; rules tuned on it can be tuned to the calendar. Here nothing is aligned: a behaviour's start is drawn over
every minute of the run and its length log-uniformly between `min_minutes` and `max_minutes`, so most behaviours
straddle hour boundaries and many straddle midnight. With `jitter_share`, a share of the injected behaviours is
disguised by a little independent noise (a flat-line that wobbles in the last decimal, identical trends that are
not quite identical) — what a careful falsifier would do, and what the rules were not written for.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from .generator import BEIJING, Scenario, _append

BEHAVIOURS = ("flatline", "zero_negative", "flow_zero", "identical_trends")
LOOKALIKES = ("shutdown", "calibration")
# (system code, {factor: limit}, flow code): limits only scale the usual levels here
DEVICES = {
    "gas": ("31", {"a34013": 20.0, "a21026": 100.0, "a21002": 200.0}, "a00000"),
    "water": ("32", {"w01018": 50.0, "w21003": 5.0}, "w00000"),
}


def _hourly(values: np.ndarray, minutes_per_hour: int = 60) -> np.ndarray:
    """Means of consecutive 60-minute blocks (the run starts on an hour)."""
    return values.reshape(-1, minutes_per_hour).mean(axis=1)


def generate_offclock(
    n_points: int = 60,
    days: int = 5,
    seed: int = 1,
    start: datetime | None = None,
    resolution: str = "minute",
    min_minutes: int = 30,
    max_minutes: int = 48 * 60,
    inject_share: float = 0.75,
    lookalike_share: float = 0.15,
    jitter_share: float = 0.0,
    noise: float = 0.08,
    mn_prefix: str = "OFF",
) -> Scenario:
    """`n_points` devices over `days` days. resolution "minute": the lake gets minute and hourly data (the device
    sends both); "hour": hourly data only (a device that sends no 2051). Truth times are epoch minutes
    (`m_start`, `m_end`) with `h_start`/`h_end` the hours they touch."""
    if resolution not in ("minute", "hour"):
        raise ValueError("resolution is 'minute' or 'hour'")
    rng = np.random.default_rng(seed)
    start = start or datetime(2026, 10, 1, tzinfo=UTC) - BEIJING
    n_min = days * 1440
    m0 = int(start.timestamp()) // 60
    ms = np.arange(m0, m0 + n_min)
    hs = np.arange(m0 // 60, m0 // 60 + days * 24)
    bj = ((ms + 8 * 60) % 1440) / 60.0  # Beijing hour of day, fractional
    sc = Scenario(start=start, hours=days * 24)
    minute_cols: dict[str, list] = {}
    hour_cols: dict[str, list] = {}
    for i in range(n_points):
        kind = "gas" if i % 3 else "water"
        st, factors, flow_code = DEVICES[kind]
        gas = kind == "gas"
        mn = f"{mn_prefix}{i:08d}"
        u = rng.random()
        behaviour = None
        if u < inject_share:
            choices = [b for b in BEHAVIOURS if gas or b != "identical_trends"]
            behaviour = choices[int(rng.integers(len(choices)))]
        elif u < inject_share + lookalike_share:
            behaviour = LOOKALIKES[i % 2]
        jitter = behaviour in BEHAVIOURS and rng.random() < jitter_share
        sc.points.append({"mn": mn, "kind": kind, "behaviour": behaviour, "jitter": jitter})
        # Load: a daily swing plus a slow random walk (minutes are not independent draws).
        walk = np.cumsum(rng.normal(0, 0.004, n_min))
        walk -= np.linspace(0, walk[-1], n_min)
        load = np.clip(0.75 + 0.2 * np.sin((bj - 8) / 24 * 2 * np.pi) + walk, 0.3, 1.2)
        flow = (60.0 if gas else 0.05) * load * rng.normal(1, 0.03, n_min)
        o2 = np.clip(rng.normal(8.5, 0.4, n_min), 3, 15) if gas else None
        flags = np.full(n_min, "N", dtype=object)
        series = {}
        for code, limit in factors.items():
            level = limit * rng.uniform(0.3, 0.45)
            series[code] = level * (0.6 + 0.4 * load) * rng.lognormal(0, noise, n_min)
        main = next(iter(factors))
        truth = None
        length = int(round(np.exp(rng.uniform(np.log(min_minutes), np.log(max_minutes)))))
        a = int(rng.integers(60, n_min - length - 60))  # any minute, away from the run's edges
        b = a + length
        if behaviour == "flatline":
            series[main][a:b] = round(float(series[main][a]), 2)
            if jitter:
                series[main][a:b] += rng.choice([-0.01, 0.0, 0.01], b - a)
            truth = (main, a, b)
        elif behaviour == "zero_negative":
            series[main][a:b] = 0.0
            if jitter:  # a resistor box reading a hair above zero
                series[main][a:b] = rng.uniform(0.01, 0.05, b - a)
            truth = (main, a, b)
        elif behaviour == "flow_zero":
            flow[a:b] = 0.0
            if jitter:
                flow[a:b] = rng.uniform(0.0, 0.02, b - a)
            truth = (flow_code, a, b)
        elif behaviour == "identical_trends":
            t = np.arange(b - a)
            wobble = np.zeros(b - a)  # mean-reverting, so a long signal stays positive like a real one
            for k, e in enumerate(rng.normal(0, 0.5, b - a)[1:], start=1):
                wobble[k] = 0.97 * wobble[k - 1] + e
            signal = 30 + 8 * np.sin(t / 90 * 2 * np.pi) + wobble
            series["a34013"][a:b] = signal * factors["a34013"] * 0.01  # one analog channel read into two inputs
            flow[a:b] = signal * 2.0
            if jitter:
                series["a34013"][a:b] *= rng.normal(1, 0.01, b - a)
            truth = ("a00000+a34013", a, b)
        elif behaviour == "shutdown":  # a real stop: everything falls and the device flags F
            for code in series:
                series[code][a:b] = 0.0
            flow[a:b] = 0.0
            flags[a:b] = "F"
        elif behaviour == "calibration":  # 15 minutes a day at normal levels, flagged C: legitimate
            for d in range(days):
                flags[d * 1440 + 120 : d * 1440 + 135] = "C"
        hour_flags = np.where(_hourly((flags != "N").astype(float)) > 0.5, "F", "N").astype(object)
        if behaviour == "calibration":
            hour_flags[:] = "N"
        channels = dict(series)
        channels[flow_code] = flow
        if o2 is not None:
            channels["a19001"] = o2
        for code, values in channels.items():
            if resolution == "minute":
                _append(minute_cols, mn, st, code, ms, values, flag=flags)
            _append(hour_cols, mn, st, code, hs, _hourly(values), flag=hour_flags)
        if truth is not None:
            code, a, b = truth
            sc.truth.append({"rule": behaviour, "mn": mn, "pollutant": code, "m_start": int(m0 + a),
                             "m_end": int(m0 + b), "h_start": int((m0 + a) // 60), "h_end": int(-(-(m0 + b) // 60)),
                             "minutes": b - a, "jitter": jitter})  # fmt: skip
        elif behaviour in LOOKALIKES:
            sc.lookalikes.append({"kind": behaviour, "mn": mn, "m_start": int(m0 + a), "m_end": int(m0 + b)})
    sc.columns = {"hour": hour_cols} if resolution == "hour" else {"minute": minute_cols, "hour": hour_cols}
    return sc

