"""Each rule on hand-made readings (exact hits), the merge into events, and quality on a labelled scenario."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from ecoenforce.monitoring.rules import RULES, RulePolicyValues, rule_names
from ecoenforce.monitoring.rules.runner import connect, event_id, run, run_lake, severity
from ecoenforce.monitoring.scenario.evaluate import evaluate

H0 = 500_000  # an epoch hour: 2027-01-15 08:00 UTC
T0 = dt.datetime.fromtimestamp(H0 * 3600, tz=dt.UTC)
LIMITS = [{"mn": "M1", "pollutant": "a21026", "limit_value": 35.0, "averaging": "hour", "ref_o2": 6.0}]


def rows(series: dict[tuple[str, str], list], flags: dict | None = None, zs: dict | None = None, cou: dict | None = None,
         step: dt.timedelta = dt.timedelta(hours=1)):  # fmt: skip
    """Lake-shaped rows from {(mn, pollutant): [values per step]} (None = no row that step; hours by default)."""
    def at(given, key, i, default=None):
        return given[key][i] if given and key in given else default

    out = []
    for (mn, pollutant), values in series.items():
        for i, v in enumerate(values):
            if v is None:
                continue
            key = (mn, pollutant)
            out.append({"mn": mn, "pollutant": pollutant, "data_time": T0 + step * i, "avg": float(v), "rtd": None,
                        "zs_avg": at(zs, key, i), "zs_rtd": None, "cou": at(cou, key, i),
                        "flag": at(flags, key, i, "N")})  # fmt: skip
    schema = pa.schema([("mn", pa.string()), ("pollutant", pa.string()), ("data_time", pa.timestamp("ms", tz="UTC")),
                        ("avg", pa.float64()), ("rtd", pa.float64()), ("zs_avg", pa.float64()), ("zs_rtd", pa.float64()),
                        ("cou", pa.float64()), ("flag", pa.string())])  # fmt: skip
    return ibis.memtable(pa.Table.from_pylist(out, schema=schema))


def found(raw, rule, limits=LIMITS, **policy):
    """(rule, mn, pollutant, start offset h, end offset h, value, threshold, hits) of one rule's events."""
    events = run(connect(), raw, limits, RulePolicyValues(**policy), rules=[rule])
    return [(e.mn, e.pollutant, int((e.start - T0).total_seconds()) // 3600, int((e.end - T0).total_seconds()) // 3600,
             round(e.value, 4), round(e.threshold, 4), e.hits) for e in events]  # fmt: skip


def test_exceedance_uses_zs_and_valid_data_only():
    zs = {("M1", "a21026"): [20, 40, 50, 20, 60, 20]}
    raw = rows({("M1", "a21026"): [10, 20, 25, 10, 30, 10]}, zs=zs, flags={("M1", "a21026"): "NNNNMN"})
    # hours 1–2 exceed on the 折算 value; hour 4 also would, but it is flagged M (not valid data)
    assert found(raw, "exceedance") == [("M1", "a21026", 1, 3, 50.0, 35.0, 2)]


def test_exceedance_computes_corrected_value_from_o2_when_zs_is_missing():
    raw = rows({("M1", "a21026"): [30, 30], ("M1", "a19001"): [6.0, 11.0]})
    # hour 0: 30 × 15/15 = 30 ≤ 35; hour 1: 30 × 15/10 = 45 > 35
    assert found(raw, "exceedance") == [("M1", "a21026", 1, 2, 45.0, 35.0, 1)]


def test_daily_limit_judges_the_beijing_day_mean():
    limits = [{"mn": "W1", "pollutant": "w01018", "limit_value": 50.0, "averaging": "day", "ref_o2": None}]
    start = (H0 + 8) // 24 * 24 + 24 - 8  # next Beijing midnight, as an epoch hour
    pad = [None] * (start - H0)
    raw = rows({("W1", "w01018"): pad + [60.0] * 24 + [40.0] * 24})
    assert found(raw, "exceedance", limits=limits) == [("W1", "w01018", start - H0, start - H0 + 24, 60.0, 50.0, 24)]


def test_flag_abuse_catches_hidden_exceedance_but_not_routine_calibration():
    zs = {("M1", "a21026"): [20, 80, 90, 20, 21]}
    raw = rows({("M1", "a21026"): [20, 80, 90, 20, 21]}, zs=zs, flags={("M1", "a21026"): "NMMNC"})
    assert found(raw, "flag_abuse") == [("M1", "a21026", 1, 3, 90.0, 35.0, 2)]


def test_flatline_needs_the_policy_hours():
    values = [5.1, 7.77, 7.77, 7.77, 7.77, 7.77, 7.77, 6.0]
    assert found(rows({("M1", "a34013"): values}), "flatline") == [("M1", "a34013", 1, 7, 7.77, 6.0, 6)]
    assert found(rows({("M1", "a34013"): values}), "flatline", flat_hours=7) == []


def test_zero_negative():
    values = [5, 0, 0, 0, 5, -1, 5]
    # one hour apart, the two runs merge into one event under the default gap
    assert found(rows({("M1", "a34013"): values}), "zero_negative") == [("M1", "a34013", 1, 6, 0.0, 0.0, 4)]
    assert found(rows({("M1", "a34013"): values}), "zero_negative", merge_gap_hours=0) == [
        ("M1", "a34013", 1, 4, 0.0, 0.0, 3), ("M1", "a34013", 5, 6, -1.0, 0.0, 1)]


def test_abrupt_drop_with_flow_continuing_but_not_a_shutdown():
    conc = [20, 21, 19, 20, 22, 20, 2, 2.1, 1.9, 2, 2.2, 2]
    flow_on, flow_off = [50] * 12, [50] * 6 + [1] * 6
    assert found(rows({("M1", "a34013"): conc, ("M1", "a00000"): flow_on}), "abrupt_drop") == [
        ("M1", "a34013", 6, 7, 2.0333, 20.3333, 1)]
    assert found(rows({("M1", "a34013"): conc, ("M1", "a00000"): flow_off}), "abrupt_drop") == []


def test_outage_between_transmissions_and_to_the_end_of_the_run():
    values = [1, 1, None, None, None, 1, None, None]
    raw = rows({("M1", "a34013"): values})
    events = run(connect(), raw, [], RulePolicyValues(window_end_hour=H0 + 8, merge_gap_hours=0), rules=["outage"])
    assert [(int((e.start - T0).total_seconds()) // 3600, e.hits) for e in events] == [(2, 3)]
    events = run(connect(), raw, [], RulePolicyValues(window_end_hour=H0 + 9, merge_gap_hours=0), rules=["outage"])
    assert [(int((e.start - T0).total_seconds()) // 3600, e.hits) for e in events] == [(2, 3), (6, 3)]


def test_flow_zero_while_concentration_moves():
    raw = rows({("M1", "a34013"): [5, 6, 9, 4, 5], ("M1", "a00000"): [50, 0, 0, 0, 50]})
    assert found(raw, "flow_zero") == [("M1", "a00000", 1, 4, 0.3244, 0.02, 3)]  # std 2.0548 / mean 6.3333


def test_cou_inconsistent():
    # expected load = 100 mg/m³ × 36,000 m³ × 1e-6 = 3.6 kg; 3.7 is within 20 %, 1.0 is not
    raw = rows({("M1", "a21026"): [100, 100], ("M1", "a00000"): [10, 10]},
               cou={("M1", "a21026"): [3.7, 1.0], ("M1", "a00000"): [36000, 36000]})  # fmt: skip
    assert found(raw, "cou_inconsistent") == [("M1", "a21026", 1, 2, 1.0, 3.6, 1)]


def test_zs_inconsistent():
    raw = rows({("M1", "a21026"): [20, 20], ("M1", "a19001"): [11, 11]}, zs={("M1", "a21026"): [30, 15]})
    assert found(raw, "zs_inconsistent") == [("M1", "a21026", 1, 2, 15.0, 30.0, 1)]


def test_identical_trends_over_a_beijing_day():
    day0 = (H0 + 8) // 24 * 24 + 24 - 8
    pad = [None] * (day0 - H0)
    signal = [10 + (i % 7) * 3 + (i % 3) for i in range(24)]
    raw = rows({("M1", "a34013"): pad + [s * 0.5 for s in signal], ("M1", "a00000"): pad + [s * 4 for s in signal],
                ("M1", "a21026"): pad + [30 + (i * 7 % 5) for i in range(24)]})  # fmt: skip
    assert [(m, p, a, b, h) for m, p, a, b, _v, _t, h in found(raw, "identical_trends")] == [
        ("M1", "a00000+a34013", day0 - H0, day0 - H0 + 24, 24)]


def test_identical_trends_straddling_beijing_midnight():
    # 24 identical hours from Beijing noon to noon: two half-days, neither a whole day of identical data
    noon = (H0 + 8) // 24 * 24 + 24 - 8 + 12
    pad = [None] * (noon - H0)
    signal = [10 + (i % 7) * 3 + (i % 3) for i in range(24)]
    before = [20 + (i * 5 % 7) for i in range(12)]
    after = [25 + (i * 3 % 5) for i in range(12)]
    raw = rows({("M1", "a34013"): pad[:-12] + [b * 0.5 for b in before] + [s * 0.5 for s in signal] + [a * 0.5 for a in after],
                ("M1", "a00000"): pad[:-12] + [40 + (i * 11 % 13) for i in range(12)] + [s * 4 for s in signal]
                + [60 + (i * 7 % 11) for i in range(12)]})  # fmt: skip
    assert [(m, p, a, b) for m, p, a, b, _v, _t, _h in found(raw, "identical_trends")] == [
        ("M1", "a00000+a34013", noon - H0, noon - H0 + 24)]


def test_flatline_and_flow_zero_straddling_beijing_midnight_are_one_event_each():
    # runs of consecutive hours, not calendar days: 20:00 → 04:00 Beijing is one event with its true start and end
    evening = (H0 + 8) // 24 * 24 + 24 - 8 - 4
    pad = [None] * (evening - H0)
    moving = [5, 6, 9, 4, 5, 7, 8, 6, 5, 9]
    conc = pad + [5.5] + [7.77] * 8 + [6.0]
    assert found(rows({("M1", "a34013"): conc}), "flatline") == [("M1", "a34013", evening - H0 + 1, evening - H0 + 9,
                                                                 7.77, 6.0, 8)]  # fmt: skip
    raw = rows({("M1", "a34013"): pad + moving, ("M1", "a00000"): pad + [50] + [0] * 8 + [50]})
    assert [(m, p, a, b) for m, p, a, b, _v, _t, _h in found(raw, "flow_zero")] == [
        ("M1", "a00000", evening - H0 + 1, evening - H0 + 9)]


MINUTE = dt.timedelta(minutes=1)


def minute_events(hourly, minutes, rule, limits=LIMITS):
    """(mn, pollutant, start, end in minutes from T0, hits) of one rule's events over hourly and minute rows."""
    events = run(connect(), hourly, limits, RulePolicyValues(), rules=[rule], minutes=minutes)
    return [(e.mn, e.pollutant, int((e.start - T0).total_seconds()) // 60, int((e.end - T0).total_seconds()) // 60,
             e.hits) for e in events]  # fmt: skip


def test_minute_data_judges_a_flatline_no_hourly_mean_shows():
    # 45 minutes stuck at 7.77 from 08:17 to 09:02: two hourly means that still move, but a flat-line in minutes
    moving = [5 + (i * 7 % 11) * 0.1 for i in range(180)]
    stuck = moving[:17] + [7.77] * 45 + moving[62:]
    hourly = rows({("M1", "a34013"): [sum(stuck[k * 60:(k + 1) * 60]) / 60 for k in range(3)],
                   ("M2", "a34013"): [5.5] + [7.77] * 8 + [6.0]})  # fmt: skip
    minutes = rows({("M1", "a34013"): stuck}, step=MINUTE)
    # M1 sends minute data: judged in minutes, with the true start and end; M2 only hourly: judged in hours
    assert minute_events(hourly, minutes, "flatline") == [("M1", "a34013", 17, 62, 45), ("M2", "a34013", 60, 540, 8)]
    assert minute_events(hourly, None, "flatline") == [("M2", "a34013", 60, 540, 8)]


def test_minute_flow_zero_and_identical_trends_across_midnight_in_minutes():
    midnight = ((H0 + 8) // 24 * 24 + 24 - 8 - H0) * 60  # minutes from T0 to the next Beijing midnight
    n = midnight + 60
    conc = [5 + (i * 7 % 11) * 0.3 for i in range(n)]
    flow = [50 + (i * 5 % 13) for i in range(n)]
    for i in range(midnight - 20, midnight + 20):
        flow[i] = 0  # 40 minutes of zero flow around midnight
    signal = [30 + 10 * ((i * 7 % 17) / 17) for i in range(n)]
    dust = [3 + (i * 3 % 7) * 0.2 for i in range(n)]
    for i in range(midnight - 25, midnight + 25):
        dust[i] = signal[i] * 0.1  # the flow channel's signal read into the dust input for 50 minutes
    minutes = rows({("M1", "a21026"): conc, ("M1", "a00000"): flow, ("M1", "a34013"): dust}, step=MINUTE)
    assert minute_events(None, minutes, "flow_zero") == [("M1", "a00000", midnight - 20, midnight + 20, 40)]
    flow_signal = [signal[i] * 2 if midnight - 25 <= i < midnight + 25 else flow[i] for i in range(n)]
    minutes = rows({("M1", "a00000"): flow_signal, ("M1", "a34013"): dust}, step=MINUTE)
    assert minute_events(None, minutes, "identical_trends") == [
        ("M1", "a00000+a34013", midnight - 25, midnight + 25, 50)]


def test_treatment_off_and_idling():
    prod = [400] * 12
    treat = [120, 118, 0.2, 0.1, 0.3, 121, 119, 10, 9, 11, 10, 120]
    raw = rows({("E1", "production"): prod, ("E1", "treatment"): treat})
    assert found(raw, "treatment_off") == [("E1", "treatment", 2, 5, 0.3, 1.0, 3)]
    assert [(a, b, h) for _m, _p, a, b, _v, _t, h in found(raw, "treatment_idling")] == [(7, 11, 4)]
    shutdown = rows({("E1", "production"): [0.5] * 12, ("E1", "treatment"): [0.1] * 12})
    assert found(shutdown, "treatment_off") == []


def test_every_rule_is_documented_and_named():
    assert rule_names() == list(RULES)
    assert len(RULES) == 12
    for fn in RULES.values():
        assert fn.__doc__ and len(fn.__doc__) > 60


def test_event_ids_are_deterministic_and_severity_scales():
    assert event_id("exceedance", "M1", "a21026", T0) == event_id("exceedance", "M1", "a21026", T0)
    assert event_id("exceedance", "M1", "a21026", T0) != event_id("exceedance", "M2", "a21026", T0)
    assert severity("exceedance", 40, 35, 2) == "medium"
    assert severity("exceedance", 60, 35, 2) == "high"
    assert severity("outage", 5, 3, 5) == "low"
    assert severity("outage", 30, 3, 30) == "medium"


def test_policy_round_trips_and_ignores_unknown_keys():
    p = RulePolicyValues(flat_hours=9, flag_codes=("M",))
    assert RulePolicyValues.from_dict({**p.as_dict(), "retired_threshold": 1}) == p


def test_scenario_precision_and_recall_each_rule(scenario_lake):
    sc, lake, start, end = scenario_lake
    events = run_lake(lake, start, end, sc.limits, RulePolicyValues())
    report = evaluate(events, sc.truth, rule_names())
    for rule in rule_names():
        assert report[rule]["truths"] > 0, rule
        assert report[rule]["precision"] >= 0.9, (rule, report[rule])
        assert report[rule]["recall"] >= 0.9, (rule, report[rule])
    # re-running gives the same events (ids included)
    assert [e.id for e in run_lake(lake, start, end, sc.limits, RulePolicyValues())] == [e.id for e in events]


@pytest.mark.parametrize("look", ["shutdown", "calibration"])
def test_lookalikes_raise_nothing(scenario_lake, look):
    sc, lake, start, end = scenario_lake
    mns = {x["mn"] for x in sc.lookalikes if x["kind"] == look}
    assert mns
    events = run_lake(lake, start, end, sc.limits, RulePolicyValues())
    elec = {f"E{m[1:]}" for m in mns}
    assert [e for e in events if e.mn in mns | elec] == []
