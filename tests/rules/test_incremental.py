"""Incremental runs: each hour judged with its rules' look-back only, merged with the events already open (a
flat-line spanning runs is one event), idempotent, and in agreement with one run over the whole period."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ecoenforce.monitoring.rules import RULES, RulePolicyValues
from ecoenforce.monitoring.rules.runner import lookback_hours, max_lookback_hours, run_lake, run_window
from ecoenforce.monitoring.scenario import generate, write_lake
from ecoenforce.monitoring.scenario.generator import to_arrow

H0 = 500_016  # an epoch hour at Beijing midnight (2027-01-15 16:00 UTC)
T0 = dt.datetime.fromtimestamp(H0 * 3600, tz=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _write(lake, series: dict[tuple[str, str], list], name="part-a"):
    """Hourly rows from {(mn, pollutant): [value per hour from H0]} (None = no row), partitioned by Beijing date."""
    cols = {"mn": [], "st": [], "pollutant": [], "h": [], "avg": [], "flag": []}
    for (mn, pollutant), values in series.items():
        for i, v in enumerate(values):
            if v is not None:
                for k, x in (("mn", mn), ("st", "31"), ("pollutant", pollutant), ("h", H0 + i), ("avg", float(v)),
                             ("flag", "N")):  # fmt: skip
                    cols[k].append(x)
    table = to_arrow(cols)
    days = pc.strftime(table["data_time"], format="%Y-%m-%d")
    for day in sorted(set(days.to_pylist())):
        folder = lake / "kind=hour" / f"date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.filter(pc.equal(days, day)), folder / f"{name}.parquet")


class Desk:
    """What the warnings desk keeps of events: upserted by id (new → created, known → end/hits/value updated)."""

    def __init__(self):
        self.events = {}
        self.changes = 0

    def run(self, lake, start, end, limits=(), rules=None, policy=None):
        policy = policy or RulePolicyValues()
        since = start - dt.timedelta(hours=max_lookback_hours(policy, rules) + policy.merge_gap_hours)
        open_events = [e for e in self.events.values() if e.end >= since]
        found = run_window(lake, start, end, list(limits), policy, open_events=open_events, rules=rules)
        for e in found:
            if self.events.get(e.id) != e:
                self.changes += 1
            self.events[e.id] = e
        return found

    def hourly(self, lake, start, hours, step=1, **kw):
        for i in range(0, hours, step):
            self.run(lake, start + HOUR * i, start + HOUR * min(i + step, hours), **kw)
        return sorted(self.events.values(), key=lambda e: (e.rule, e.mn, e.pollutant, e.start))


def test_lookback_follows_the_policy():
    p = RulePolicyValues()
    assert (
        lookback_hours("flatline", p) == 6 and lookback_hours("flatline", RulePolicyValues(flat_hours=9)) == 9
    )
    assert lookback_hours("abrupt_drop", p) == 168 + 12
    assert (
        lookback_hours("flatline", RulePolicyValues(flat_minutes=600)) == 10
    )  # minute data judged in minutes
    assert max_lookback_hours(p) == 180 and max_lookback_hours(p, ["flatline", "outage"]) == 6
    assert set(RULES) == {n for n in RULES if lookback_hours(n, p) >= 0}


def test_a_flatline_spanning_hourly_runs_is_one_event_with_its_true_start(tmp_path):
    values = [5.0 + (i % 3) for i in range(10)] + [7.77] * 20 + [5.0 + (i % 3) for i in range(10)]
    _write(tmp_path, {("M1", "a34013"): values})
    desk = Desk()
    events = desk.hourly(tmp_path, T0, len(values), rules=["flatline"])
    whole = run_lake(tmp_path, T0, T0 + HOUR * len(values), [], RulePolicyValues(), rules=["flatline"])
    assert [(e.start, e.end, e.hits) for e in whole] == [(T0 + HOUR * 10, T0 + HOUR * 30, 20)]
    assert [(e.id, e.start, e.end, e.hits, e.value) for e in events] == [
        (whole[0].id, whole[0].start, whole[0].end, whole[0].hits, whole[0].value)
    ]


def test_running_the_same_hour_twice_changes_nothing(tmp_path):
    values = [5.0 + (i % 3) for i in range(10)] + [7.77] * 20 + [0.0] * 5 + [None] * 5
    _write(tmp_path, {("M1", "a34013"): values, ("M1", "a00000"): [100.0 + i for i in range(35)]})
    desk = Desk()
    desk.hourly(tmp_path, T0, 40)
    before, changes = dict(desk.events), desk.changes
    for i in (12, 27, 33, 38, 39):  # a flat-line under way, zeros, an outage under way, the last hour
        desk.run(tmp_path, T0 + HOUR * i, T0 + HOUR * (i + 1))
        desk.run(tmp_path, T0 + HOUR * i, T0 + HOUR * (i + 1))
    assert (desk.events, desk.changes) == (before, changes)
    assert sorted(e.rule for e in before.values()) == ["flatline", "outage", "zero_negative"]


def test_an_outage_longer_than_the_lookback_keeps_growing(tmp_path):
    _write(tmp_path, {("M1", "a34013"): [5.0, 6.0, 7.0] + [None] * 30})
    desk = Desk()
    events = desk.hourly(tmp_path, T0, 33, rules=["outage"])
    assert [(e.rule, e.start, e.end, e.hits) for e in events] == [
        ("outage", T0 + HOUR * 3, T0 + HOUR * 33, 30)
    ]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    sc = generate(n_points=12, days=8, seed=21, inject_share=1.0, lookalike_share=0.0)
    lake = tmp_path_factory.mktemp("incremental")
    write_lake(sc, lake)
    return sc, lake


def test_twelve_hour_runs_find_what_one_run_over_the_period_finds(scenario):
    """Every behaviour of a labelled scenario, judged in 12-hour windows with look-back and open events, gives the
    same events as one run over the whole period — same ids (true starts), ends and hits."""
    sc, lake = scenario
    desk = Desk()
    events = desk.hourly(lake, sc.start, sc.hours, step=12, limits=sc.limits)
    whole = run_lake(lake, sc.start, sc.start + HOUR * sc.hours, sc.limits, RulePolicyValues())
    key = lambda e: (e.rule, e.mn, e.pollutant, e.start, e.end, e.hits)  # noqa: E731
    assert len(whole) > 10
    assert sorted(map(key, events)) == sorted(map(key, whole))
