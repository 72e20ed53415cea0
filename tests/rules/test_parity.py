"""The same Ibis rules on DuckDB and on Spark (local mode) give exactly the same events."""

from __future__ import annotations

import datetime as dt

import ibis

from ecoenforce.monitoring.rules import RulePolicyValues
from ecoenforce.monitoring.rules.runner import run_lake
from ecoenforce.monitoring.scenario import generate_offclock, write_lake


def _key(e):
    return (e.id, e.rule, e.mn, e.pollutant, e.start, e.end, round(e.value, 9), round(e.threshold, 9), e.hits, e.severity)


def test_duckdb_and_spark_agree(scenario_lake, spark):
    sc, lake, start, end = scenario_lake
    duck = run_lake(lake, start, end, sc.limits, RulePolicyValues())
    sparked = run_lake(lake, start, end, sc.limits, RulePolicyValues(), con=ibis.pyspark.connect(spark))
    assert len(duck) > 30
    assert [_key(e) for e in sparked] == [_key(e) for e in duck]


def test_duckdb_and_spark_agree_on_minute_data(tmp_path, spark):
    # the minute-resolution path (2051 rows, thresholds in minutes, rolling range windows) on both engines
    sc = generate_offclock(n_points=8, days=2, seed=2, resolution="minute")  # all four behaviours
    write_lake(sc, tmp_path)
    start, end = sc.start, sc.start + dt.timedelta(hours=sc.hours)
    duck = run_lake(tmp_path, start, end, [], RulePolicyValues())
    sparked = run_lake(tmp_path, start, end, [], RulePolicyValues(), con=ibis.pyspark.connect(spark))
    assert {e.rule for e in duck} >= {"flatline", "zero_negative", "flow_zero", "identical_trends"}
    assert [_key(e) for e in sparked] == [_key(e) for e in duck]
