"""A long DuckDB run judges its devices in groups, one after the other (runner.BATCH_READINGS): every rule judges
a device on its own rows, so the groups together must find exactly what one piece finds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoenforce.monitoring.rules import RulePolicyValues, runner
from ecoenforce.monitoring.rules.runner import connect, device_groups, read_inputs, run_lake
from ecoenforce.monitoring.scenario import generate, write_lake


def _key(e):
    return (e.id, e.rule, e.mn, e.pollutant, e.start, e.end, e.hits, round(e.value, 9), e.severity)


@pytest.fixture(scope="module")
def hourly_lake(tmp_path_factory):
    sc = generate(n_points=24, days=10, seed=5, inject_share=1.0, lookalike_share=0.3)
    lake = tmp_path_factory.mktemp("groups")
    write_lake(sc, lake)
    return sc, lake


def test_the_number_of_groups_follows_the_readings(hourly_lake, monkeypatch):
    sc, lake = hourly_lake
    end = sc.start + timedelta(hours=sc.hours)
    con = connect()
    inputs = read_inputs(con, lake, sc.start, end, list(runner.RULES))
    readings = int(con.execute(inputs.hour.count()))
    assert device_groups(con, inputs) == 1  # the default ceiling is far above a test lake
    monkeypatch.setattr(runner, "BATCH_READINGS", readings // 4 + 1)
    assert device_groups(con, inputs) == 4  # ⌈readings / (readings // 4 + 1)⌉


@pytest.mark.parametrize("grouped", ["identical trends (as shipped)", "every rule"])
@pytest.mark.parametrize("groups", [2, 5])
def test_device_groups_find_exactly_what_one_piece_finds(hourly_lake, monkeypatch, groups, grouped):
    sc, lake = hourly_lake
    end = sc.start + timedelta(hours=sc.hours)
    whole = run_lake(lake, sc.start, end, sc.limits, RulePolicyValues())
    assert len({e.rule for e in whole}) >= 8, "the scenario must exercise most rules for the comparison to mean much"
    assert "identical_trends" in {e.rule for e in whole}
    if grouped == "every rule":  # the split is exact for any rule: each judges a device on its own rows
        monkeypatch.setattr(runner, "GROUPED_RULES", tuple(runner.RULES))
    monkeypatch.setattr(runner, "device_groups", lambda con, inputs: groups)
    split = run_lake(lake, sc.start, end, sc.limits, RulePolicyValues())
    assert list(map(_key, split)) == list(map(_key, whole))


def test_device_groups_with_minute_data_find_what_one_piece_finds(offclock_lakes, monkeypatch):
    """Minute rows are split by the same hash as the hourly ones: a device judged on its minutes stays so."""
    sc, lake, start, end = offclock_lakes["minute"]
    whole = run_lake(lake, start, end, sc.limits, RulePolicyValues())
    assert whole
    monkeypatch.setattr(runner, "GROUPED_RULES", tuple(runner.RULES))
    monkeypatch.setattr(runner, "device_groups", lambda con, inputs: 3)
    split = run_lake(lake, start, end, sc.limits, RulePolicyValues())
    assert list(map(_key, split)) == list(map(_key, whole))
