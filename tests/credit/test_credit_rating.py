"""The pure credit rating: scale, indicators, caps, vetoes, incidents, and indicators without data."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoenforce.credit.rating import JIANGSU_DEFAULTS, CreditRecords, Record, policy_check, rate

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DAY = dt.date(2025, 6, 1)


def records(**kw) -> CreditRecords:
    base = dict(period_start=START, period_end=END, penalties=[], cases_open=[], warnings=[], notices_late=[],
                inspection_violations=[], inspections_clean=[Record(DAY, "inspection:1")], positive_list=False,
                incidents=[])
    return CreditRecords(**{**base, **kw})


def item(result, key):
    return next(i for i in result.items if i.indicator == key)


def test_a_clean_record_is_green_with_every_indicator_explained():
    result = rate(records(), policy={})
    assert result.grade == "green" and result.score == 102.0
    assert {i.indicator for i in result.items} == set(JIANGSU_DEFAULTS["indicators"])
    assert item(result, "inspections_clean").refs == ("inspection:1",) and result.missing == ()


def test_penalties_deduct_with_their_references_and_large_fines_deduct_more():
    result = rate(records(penalties=[Record(DAY, "常环罚〔2025〕1号", 80000.0), Record(DAY, "常环罚〔2025〕2号", 10000.0)]),
                  policy={})
    assert item(result, "penalties").points == -30 and item(result, "penalties").count == 2
    assert item(result, "large_fines").refs == ("常环罚〔2025〕1号",) and item(result, "large_fines").points == -10
    assert result.score == 62.0 and result.grade == "yellow"


def test_an_indicator_is_capped():
    many = [Record(DAY, f"w{i}") for i in range(30)]
    assert item(rate(records(warnings=many), policy={}), "warnings").points == -10


def test_an_indicator_without_data_is_said_so_and_never_counted_as_clean():
    result = rate(records(inspections_clean=None, inspection_violations=None, warnings=None, notices_late=None),
                  policy={})
    assert set(result.missing) == {"inspections_clean", "inspection_violations", "warnings", "notices_late"}
    assert not item(result, "inspections_clean").has_data and item(result, "inspections_clean").points == 0
    assert result.score == 100.0  # no clean-inspection bonus without an inspection


def test_a_veto_sets_the_grade_whatever_the_score_and_says_whether_it_can_be_repaired():
    result = rate(records(penalties=[Record(DAY, "常环罚〔2025〕3号", 5000.0, "通过暗管排放水污染物")]), policy={})
    assert result.score_grade == "blue" and result.grade == "red"
    assert [(v.key, v.repairable, v.refs) for v in result.vetoes] == [("hidden_pipe", False, ("常环罚〔2025〕3号",))]


def test_the_worse_veto_wins():
    result = rate(records(penalties=[Record(DAY, "a", None, "未批先建"), Record(DAY, "b", None, "涉嫌环境污染犯罪移送公安")]),
                  policy={})
    assert result.grade == "black"


def test_an_incident_drops_one_grade():
    result = rate(records(incidents=[Record(DAY, "incident:1")]), policy={})
    assert result.score_grade == "green" and result.grade == "blue" and result.incident_refs == ("incident:1",)


def test_the_national_four_colour_scale_is_policy():
    national = {"scale": [{"key": "green", "min_score": 90}, {"key": "blue", "min_score": 70},
                          {"key": "yellow", "min_score": 50}, {"key": "red", "min_score": 0}],
                "vetoes": [{"key": "crime", "grade": "red", "repairable": False, "matter_contains": ["犯罪"]}]}
    assert rate(records(penalties=[Record(DAY, "a", None, "环境污染犯罪")]), policy=national).grade == "red"
    worst = rate(records(penalties=[Record(DAY, str(i)) for i in range(5)], cases_open=[Record(DAY, "c")] * 3,
                         inspection_violations=[Record(DAY, "v")] * 4), policy=national)
    assert worst.grade == "red" and worst.score == 22.0  # 100 − 45 − 15 − 20 + 2 (the clean inspection)


@pytest.mark.parametrize("bad", [
    {"scale": [{"key": "green", "min_score": 10}]},
    {"scale": [{"key": "green", "min_score": 10}, {"key": "blue", "min_score": 20}]},
    {"indicators": {"karma": {"points": 1, "cap": 1}}},
    {"indicators": {"warnings": {"points": -1}}},
    {"vetoes": [{"key": "x", "grade": "purple", "matter_contains": []}]},
    {"colour": 1},
])
def test_a_policy_the_rating_cannot_use_is_refused(bad):
    with pytest.raises(ValueError):
        policy_check(bad)
