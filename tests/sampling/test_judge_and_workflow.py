"""The pure cores: the exceedance multiple as Chinese rules state it, below-DL values, ranges, units; the
request's transition table and the custody road."""

from __future__ import annotations

from ecoenforce.sampling.judge import convert, judge
from ecoenforce.sampling.workflow import Status, custody_problem, next_step, transition_for


def test_the_multiple_is_value_minus_limit_over_limit():
    v = judge(value=23.5, below_dl=False, unit="mg/L", limit=10, limit_unit="mg/L")
    assert v.exceeded and v.ratio == 1.35  # "超标 1.35 倍"
    assert judge(value=10, below_dl=False, unit="mg/L", limit=10, limit_unit="mg/L").exceeded is False


def test_below_the_detection_limit_never_exceeds_and_has_no_number():
    v = judge(value=None, below_dl=True, unit="mg/L", limit=0, limit_unit="mg/L")
    assert (v.exceeded, v.ratio) == (False, None)


def test_a_detected_value_under_a_not_detectable_limit_exceeds_without_a_multiple():
    v = judge(value=0.01, below_dl=False, unit="mg/L", limit=0, limit_unit="mg/L")
    assert (v.exceeded, v.ratio) == (True, None)


def test_a_range_limit_has_no_multiple():
    v = judge(value=10.2, below_dl=False, unit="", limit=9, limit_unit="dimensionless", limit_min=6)
    assert (v.exceeded, v.ratio, v.limit_min_in_unit) == (True, None, 6)
    assert judge(value=7.1, below_dl=False, unit="", limit=9, limit_unit="无量纲", limit_min=6).exceeded is False


def test_units_are_converted_or_the_value_is_not_judged():
    assert convert(500, "µg/L", "mg/L") == 0.5
    assert convert(30, "mg/m3", "mg/m³") == 30
    v = judge(value=800, below_dl=False, unit="ug/L", limit=0.5, limit_unit="mg/L")
    assert v.exceeded and v.limit_in_unit == 500 and v.ratio == 0.6
    assert judge(value=1, below_dl=False, unit="mg/kg", limit=1, limit_unit="mg/L").problem == "units"


def test_the_request_moves_only_along_the_table():
    assert transition_for(Status.REQUESTED, "report") is None
    assert transition_for(Status.IN_LAB, "report").target == Status.REPORTED
    assert transition_for(Status.IN_LAB, "cancel") is None  # the lab has the samples: the result comes


def test_custody_runs_in_order_with_the_seal_checked_at_each_hand_over():
    assert next_step([]) == "sampled"
    assert custody_problem(done=["sampled"], step="handed_over") == "out_of_order"
    assert custody_problem(done=["sampled"], step="sealed", seal_seen="") == "seal_missing"
    done = ["sampled", "sealed"]
    assert custody_problem(done=done, step="handed_over", seal_recorded="F001", seal_seen="F001") == ""
    assert custody_problem(done=done, step="handed_over", seal_recorded="F001", seal_seen="F002") == "seal_mismatch"
    assert custody_problem(done=done, step="handed_over", seal_recorded="F001", seal_seen="F001",
                           seal_intact=False) == "seal_broken"
    assert custody_problem(done=[*done, "handed_over", "received"], step="received") == "complete"
