"""Off-the-clock scenarios: behaviours at any minute, 30 min–48 h long; the windowed rules find them across midnight."""

from __future__ import annotations

import numpy as np

from ecoenforce.monitoring.rules import RulePolicyValues
from ecoenforce.monitoring.rules.runner import run_lake
from ecoenforce.monitoring.scenario import generate_offclock
from ecoenforce.monitoring.scenario.evaluate import _overlaps, evaluate
from ecoenforce.monitoring.scenario.generator import to_arrow
from ecoenforce.monitoring.scenario.offclock import BEHAVIOURS

RULES = list(BEHAVIOURS)


def crosses_beijing_midnight(t: dict) -> bool:
    return (t["m_start"] + 480) // 1440 != (t["m_end"] - 1 + 480) // 1440


def test_the_generator_is_not_aligned_to_hours_or_days():
    sc = generate_offclock(n_points=60, days=4, seed=9, resolution="hour")
    assert set(sc.columns) == {"hour"}
    lengths = [t["minutes"] for t in sc.truth]
    assert min(lengths) >= 30 and max(lengths) <= 48 * 60
    assert min(lengths) < 120 and max(lengths) > 12 * 60  # short and long ones both drawn
    assert len({t["m_start"] % 60 for t in sc.truth}) > 10  # starts anywhere in the hour
    assert any(crosses_beijing_midnight(t) for t in sc.truth)
    assert {t["rule"] for t in sc.truth} == set(BEHAVIOURS)


def test_minute_resolution_sends_minutes_and_their_hourly_means():
    sc = generate_offclock(n_points=3, days=1, seed=2, resolution="minute")
    minutes, hours = to_arrow(sc.columns["minute"], "minute"), to_arrow(sc.columns["hour"], "hour")
    assert set(minutes["cn"].to_pylist()) == {"2051"} and set(hours["cn"].to_pylist()) == {"2061"}
    pick = minutes.filter(np.array([m == "OFF00000001" and p == "a34013" for m, p in
                                    zip(minutes["mn"].to_pylist(), minutes["pollutant"].to_pylist(), strict=True)]))  # fmt: skip
    hourly = hours.filter(np.array([m == "OFF00000001" and p == "a34013" for m, p in
                                    zip(hours["mn"].to_pylist(), hours["pollutant"].to_pylist(), strict=True)]))  # fmt: skip
    assert len(pick) == 1440 and len(hourly) == 24
    first = np.mean(pick["avg"].to_pylist()[:60])
    assert abs(hourly["avg"][0].as_py() - first) < 0.002  # the hour is the mean of its minutes (rounded to 3 places)


def test_rolling_rules_find_off_midnight_tampering_in_minutes(offclock_lakes):
    sc, lake, start, end = offclock_lakes["minute"]
    events = run_lake(lake, start, end, [], RulePolicyValues(), rules=RULES)
    across = [t for t in sc.truth if crosses_beijing_midnight(t) and not t["jitter"]]
    assert len(across) >= 3
    for t in across:
        assert any(_overlaps(e, t) for e in events), t
    report = evaluate(events, sc.truth, RULES)
    assert report["overall"]["precision"] == 1.0, report  # shutdowns and calibrations raise nothing
    assert report["overall"]["recall"] == 1.0, report
    # a found behaviour has its true start and end, to the minute
    for t in across:
        (e,) = [e for e in events if _overlaps(e, t)]
        assert (int(e.start.timestamp()) // 60, int(e.end.timestamp()) // 60) == (t["m_start"], t["m_end"]), t


def test_hourly_data_finds_the_long_ones_across_midnight(offclock_lakes):
    sc, lake, start, end = offclock_lakes["hour"]
    events = run_lake(lake, start, end, [], RulePolicyValues(), rules=RULES)
    long_across = [t for t in sc.truth if crosses_beijing_midnight(t) and t["minutes"] >= 13 * 60]
    assert long_across
    for t in long_across:
        assert any(_overlaps(e, t) for e in events), t
    assert evaluate(events, sc.truth, RULES)["overall"]["precision"] == 1.0
