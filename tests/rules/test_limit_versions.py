"""A point's limit history: each hour is judged against the limit in force when it began (issue 16 item 2)."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa

from ecoenforce.monitoring.rules import RulePolicyValues
from ecoenforce.monitoring.rules.runner import connect, run

H0 = 500_000  # an epoch hour
T0 = dt.datetime.fromtimestamp(H0 * 3600, tz=dt.UTC)
SCHEMA = pa.schema([("mn", pa.string()), ("pollutant", pa.string()), ("data_time", pa.timestamp("ms", tz="UTC")),
                    ("avg", pa.float64()), ("rtd", pa.float64()), ("zs_avg", pa.float64()), ("zs_rtd", pa.float64()),
                    ("cou", pa.float64()), ("flag", pa.string())])  # fmt: skip


def _so2(values: list[float]):
    out = [{"mn": "M1", "pollutant": "a21026", "data_time": T0 + dt.timedelta(hours=i), "avg": v, "rtd": None,
            "zs_avg": None, "zs_rtd": None, "cou": None, "flag": "N"} for i, v in enumerate(values)]  # fmt: skip
    return ibis.memtable(pa.Table.from_pylist(out, schema=SCHEMA))


def _events(raw, limits):
    events = run(connect(), raw, limits, RulePolicyValues(), rules=["exceedance"])
    return [(int((e.start - T0).total_seconds()) // 3600, int((e.end - T0).total_seconds()) // 3600, e.value,
             e.threshold) for e in events]  # fmt: skip


def _limit(value: float, since: int | None, until: int | None) -> dict:
    return {
        "mn": "M1",
        "pollutant": "a21026",
        "limit_value": value,
        "averaging": "hour",
        "ref_o2": None,
        "valid_from_h": None if since is None else H0 + since,
        "valid_to_h": None if until is None else H0 + until,
    }


def test_each_hour_is_judged_against_the_version_in_force_then():
    raw = _so2([60, 60, 60, 60, 30, 30])
    # 100 until hour 2, then 50: hours 0–1 (60 ≤ 100) pass, hours 2–3 (60 > 50) exceed, 4–5 (30) pass
    assert _events(raw, [_limit(100, None, 2), _limit(50, 2, None)]) == [(2, 4, 60.0, 50.0)]


def test_a_tightened_limit_does_not_rejudge_the_hours_before_it():
    raw = _so2([40, 40, 40])
    assert _events(raw, [_limit(50, None, None)]) == []
    # the limit falls to 35 from hour 2 on: only hour 2 is judged against it
    assert _events(raw, [_limit(50, None, 2), _limit(35, 2, None)]) == [(2, 3, 40.0, 35.0)]


def test_rows_without_a_period_apply_at_every_hour():
    raw = _so2([40, 40])
    assert _events(raw, [{"mn": "M1", "pollutant": "a21026", "limit_value": 35.0, "averaging": "hour",
                          "ref_o2": None}]) == [(0, 2, 40.0, 35.0)]  # fmt: skip
