"""The pure scorecard core: periods, indicator scores, dimensions without data, policy checks."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoenforce.duty.scorecard import (
    DEFAULT_VALUES,
    Measure,
    PolicyError,
    indicator_score,
    period_parse,
    period_recent,
    policy_check,
    scorecard,
)

KNOWN = {k for d in DEFAULT_VALUES["dimensions"].values() for k in d["indicators"]}


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ("2026q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ("2024-2", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
])
def test_periods(text, start, end):
    p = period_parse(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["", "26", "2026Q5", "2026-13", "2026-00", "last year", "2026/11"])
def test_a_period_we_do_not_read_is_refused(text):
    with pytest.raises(ValueError):
        period_parse(text)


def test_recent_periods_run_back_across_the_year():
    keys = [p.key for p in period_recent(dt.date(2026, 2, 10), quarters=3)]
    assert keys == ["2026Q1", "2025Q4", "2025Q3", "2026", "2025"]


@pytest.mark.parametrize(("measure", "target", "better", "score"), [
    (Measure(6, 1), 12, "higher", 50.0),
    (Measure(24, 1), 12, "higher", 100.0),  # beyond the target is still 100
    (Measure(3, 4), 1.0, "higher", 75.0),
    (Measure(1, 10), 0.2, "lower", 100.0),
    (Measure(3, 10), 0.2, "lower", 50.0),
    (Measure(9, 10), 0.2, "lower", 0.0),
    (Measure(0, 0), 1.0, "higher", None),  # no records: no score, not zero
    (None, 1.0, "higher", None),
])
def test_indicator_score(measure, target, better, score):
    got = indicator_score(measure, target=target, better=better)
    assert got == (None if score is None else pytest.approx(score))


def test_a_dimension_without_data_is_left_out_not_counted_as_zero():
    measures = {"inspections_per_inspector": Measure(12, 1), "cases_per_inspector": Measure(1, 1),
                "decided_in_time": Measure(1, 2), "passed_review_first_time": None}
    card = scorecard(DEFAULT_VALUES, measures)
    dims = {d.key: d for d in card.dimensions}
    assert dims["intensity"].score == 75.0  # (100 + 50) / 2
    assert dims["quality"].score == 50.0  # only decided_in_time has data
    assert dims["effectiveness"].score is None
    # total over intensity (20) and quality (20) only
    assert card.total == 62.5
    assert "passed_review_first_time" in card.missing and "public_satisfaction" in card.missing
    assert "decided_in_time" not in card.missing


def test_no_data_at_all_gives_no_total():
    card = scorecard(DEFAULT_VALUES, {})
    assert card.total is None and len(card.missing) == len(KNOWN)


@pytest.mark.parametrize(("values", "code"), [
    ({}, "no_dimensions"),
    ({"dimensions": {"speed": {"weight": 1, "indicators": {}}}}, "unknown_dimension"),
    ({"dimensions": {"quality": {"weight": 0, "indicators": {}}}}, "bad_dimension"),
    ({"dimensions": {"quality": {"weight": 1, "indicators": {"fines": {"weight": 1, "target": 1}}}}},
     "unknown_indicator"),
    ({"dimensions": {"quality": {"weight": 1, "indicators": {"decided_in_time": {"weight": 1, "target": 0}}}}},
     "bad_indicator"),
    ({"dimensions": {"quality": {"weight": 1, "indicators": {"decided_in_time": {"weight": 1, "target": 1,
                                                                                 "better": "more"}}}}},
     "bad_direction"),
])
def test_policy_check_names_the_problem(values, code):
    with pytest.raises(PolicyError) as exc:
        policy_check(values, KNOWN)
    assert exc.value.code == code


def test_the_default_policy_passes_its_own_check():
    policy_check(DEFAULT_VALUES, KNOWN)


def test_a_card_with_no_record_at_all_says_so_and_a_zero_per_inspector_stays_real():
    """Zero inspections per inspector is a real zero; the card also says when no measure has any record at all."""
    nothing = {"inspections_per_inspector": Measure(0, 3, records=0), "cases_per_inspector": Measure(0, 3, records=0)}
    card = scorecard(DEFAULT_VALUES, nothing)
    assert card.empty and {d.key: d for d in card.dimensions}["intensity"].score == 0.0
    assert scorecard(DEFAULT_VALUES, {}).empty
    some = scorecard(DEFAULT_VALUES, nothing | {"decided_in_time": Measure(1, 1, records=1)})
    assert not some.empty and some.total is not None
