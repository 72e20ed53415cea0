"""The same Ibis rules on DuckDB and on Spark (local mode) give exactly the same events."""

from __future__ import annotations

import ibis

from ecoenforce.monitoring.rules import RulePolicyValues
from ecoenforce.monitoring.rules.runner import run_lake


def _key(e):
    return (e.id, e.rule, e.mn, e.pollutant, e.start, e.end, round(e.value, 9), round(e.threshold, 9), e.hits, e.severity)


def test_duckdb_and_spark_agree(scenario_lake, spark):
    sc, lake, start, end = scenario_lake
    duck = run_lake(lake, start, end, sc.limits, RulePolicyValues())
    sparked = run_lake(lake, start, end, sc.limits, RulePolicyValues(), con=ibis.pyspark.connect(spark))
    assert len(duck) > 30
    assert [_key(e) for e in sparked] == [_key(e) for e in duck]
