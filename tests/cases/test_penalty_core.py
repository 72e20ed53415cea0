"""The discretion core: exact fines and explanations under the seeded Guangdong rules, and no input leaves the range."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoenforce.cases.penalty import (
    Facts,
    PenaltyRuleError,
    Rules,
    StatutoryRange,
    assess,
    within_range,
)

SEED = Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / "cases" / "seed" / "discretion_guangdong.json"
RULES = Rules.from_values(json.loads(SEED.read_text(encoding="utf-8")))
DQ099 = StatutoryRange(D(100_000), D(1_000_000))  # 大气法 art. 99
DQ100 = StatutoryRange(D(20_000), D(200_000))  # 大气法 art. 100
DQ117 = StatutoryRange(D(10_000), D(100_000))  # no benchmark in the seed
PW043 = StatutoryRange(D(0), D(50_000))  # only a maximum
MIN_ONLY = StatutoryRange(D(600_000), None)


def fine(matter: str, statutory: StatutoryRange, **facts) -> D:
    return assess(RULES, matter_code=matter, statutory=statutory, facts=Facts(**facts), version=1).fine


WEIGHTED = {"exceedance": "ge200", "area": "sensitive", "pollutant": "class_a", "repeat": "gt3", "correction": "refused"}


@pytest.mark.parametrize(("matter", "statutory", "facts", "expected"), [
    # weighted accumulation: (start 10 % + Σ weights) × 1,000,000
    ("CF-DQ-099", DQ099, {}, "100000.00"),  # every factor undetermined: its lowest level; 10 % × max = the minimum
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "50to100"}}, "200000.00"),
    ("CF-SW-083", DQ099, {"levels": {"exceedance": "100to200", "area": "restricted"}}, "400000.00"),
    ("CF-PW-034", DQ099, {"levels": WEIGHTED}, "950000.00"),
    # +10 % of the range (900,000) per aggravating situation; the result never passes the maximum
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "50to100"}, "situations": frozenset({"social"})}, "290000.00"),
    ("CF-DQ-099", DQ099, {"levels": WEIGHTED, "situations": frozenset({"social"})}, "1000000.00"),
    # a mitigating situation cannot go below the minimum; a 减轻 ground can (50 % of the minimum)
    ("CF-DQ-099", DQ099, {"situations": frozenset({"remedied"})}, "100000.00"),
    ("CF-DQ-099", DQ099, {"situations": frozenset({"reduced"})}, "50000.00"),
    # aggravating and mitigating cancel to the same move each way
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "100to200"}, "situations": frozenset({"social", "remedied"})},
     "300000.00"),
    # public apology: 30 % by default, up to 50 %, never below the minimum
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "100to200"}, "apology": True}, "210000.00"),
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "100to200"}, "apology": True, "apology_share": D("0.5")}, "150000.00"),
    ("CF-DQ-099", DQ099, {"apology": True, "apology_share": D("0.5")}, "100000.00"),
    # ... not with an exclusion, nor with an emergency-period aggravation (粤 art. 14 (四))
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "100to200"}, "apology": True,
                          "exclusions": frozenset({"water_source"})}, "300000.00"),
    ("CF-DQ-099", DQ099, {"levels": {"exceedance": "100to200"}, "apology": True,
                          "situations": frozenset({"emergency"})}, "390000.00"),
    # range mode: the score picks a band; art. 12's landing point inside it
    ("CF-DQ-100", DQ100, {}, "47000.00"),  # score 2 → 20,000–74,000, mean
    ("CF-DQ-100", DQ100, {"levels": {"behaviour": "abnormal", "duration": "1to3m"}}, "173000.00"),  # 146,000–200,000
    ("CF-DQ-100", DQ100, {"levels": {"behaviour": "abnormal", "duration": "1to3m"},
                          "situations": frozenset({"obstruct"})}, "186500.00"),
    ("CF-DQ-100", DQ100, {"levels": {"behaviour": "abnormal", "duration": "1to3m"},
                          "situations": frozenset({"confessed"})}, "159500.00"),
    ("CF-DQ-100", DQ100, {"levels": {"behaviour": "abnormal", "duration": "1to3m"},
                          "situations": frozenset({"confessed", "obstruct"})}, "173000.00"),
    # no benchmark: art. 12's default landing points
    ("CF-DQ-117", DQ117, {}, "55000.00"),
    ("CF-DQ-117", DQ117, {"situations": frozenset({"social"})}, "77500.00"),
    ("CF-DQ-117", DQ117, {"situations": frozenset({"coerced"})}, "32500.00"),
    ("CF-PW-043", PW043, {}, "25000.00"),  # only a maximum: 50 %
    ("CF-PW-043", PW043, {"situations": frozenset({"coerced"})}, "10000.00"),  # lighter: 20 %
    ("CF-X", MIN_ONLY, {}, "1200000.00"),  # only a minimum: 2×
    ("CF-X", MIN_ONLY, {"situations": frozenset({"social"})}, "3000000.00"),  # heavier: 5×
])
def test_exact_fines(matter, statutory, facts, expected):
    assert fine(matter, statutory, **facts) == D(expected)


def test_the_explanation_itemizes_every_step():
    result = assess(RULES, matter_code="CF-DQ-099", statutory=DQ099, version=3, facts=Facts(
        levels={"exceedance": "100to200"}, situations=frozenset({"social"}), apology=True))
    assert (result.outcome, result.fine, result.benchmark, result.version) == ("penalty", D("273000.00"),
                                                                               "exceed-discharge", 3)
    assert [(ln.kind, ln.label, dict(ln.figures)) for ln in result.lines] == [
        ("range", "", {"low": "100000.00", "high": "1000000.00"}),
        ("benchmark", "超标、超总量或以逃避监管方式排放污染物", {"formula": "weighted"}),
        ("start_weight", "", {"weight": "10"}),
        ("factor", "超标倍数", {"level": "超标100%以上200%以下", "weight": "20"}),
        ("factor_undetermined", "违法行为发生区域", {"level": "一般区域", "weight": "0"}),
        ("factor_undetermined", "污染物类别", {"level": "B类污染物", "weight": "0"}),
        ("factor_undetermined", "近二年同类违法行为次数（含本次）", {"level": "1次", "weight": "0"}),
        ("factor_undetermined", "改正态度及效果", {"level": "立即改正", "weight": "0"}),
        ("weighted_total", "", {"weight": "30", "max": "1000000.00", "amount": "300000.00"}),
        ("aggravating", "环境违法行为引起不良社会反响", {"share": "10", "amount": "90000.00"}),
        ("apology", "", {"share": "30", "amount": "273000.00"}),
        ("result", "", {"amount": "273000.00", "round_to": "100.00"}),
    ]
    assert result.as_record()["lines"][-1] == {"kind": "result", "label": "", "figures": {
        "amount": "273000.00", "round_to": "100.00"}}


@pytest.mark.parametrize(("ground", "kind"), [("minor", "no_penalty_mandatory"), ("no_fault", "no_penalty_mandatory"),
                                              ("first", "no_penalty_optional")])
def test_no_penalty_grounds(ground, kind):
    result = assess(RULES, matter_code="CF-DQ-099", statutory=DQ099, facts=Facts(no_penalty=ground))
    assert (result.outcome, result.fine, [ln.kind for ln in result.lines]) == ("no_penalty", D(0), [kind])


def test_the_matrix_slot_reads_a_cell():
    rules = Rules.from_values({"benchmarks": [{
        "code": "m", "title": "二维", "matters": ["CF-M"], "formula": "matrix", "matrix_factors": ["harm", "fault"],
        "factors": [{"code": "harm", "label": "危害", "levels": [{"code": "a", "label": "轻", "weight": "1"},
                                                                 {"code": "b", "label": "重", "weight": "2"}]},
                    {"code": "fault", "label": "过错", "levels": [{"code": "x", "label": "过失", "weight": "1"},
                                                                  {"code": "y", "label": "故意", "weight": "2"},
                                                                  {"code": "z", "label": "恶意", "weight": "3"}]}],
        "matrix": [["0", "0.2", "0.4"], ["0.5", "0.8", "1"]]}], "round_to": "1000"})
    statutory = StatutoryRange(D(20_000), D(200_000))
    assert assess(rules, matter_code="CF-M", statutory=statutory, facts=Facts()).fine == D("20000.00")
    assert assess(rules, matter_code="CF-M", statutory=statutory,
                  facts=Facts(levels={"harm": "b", "fault": "y"})).fine == D("164000.00")


def test_rounding_never_leaves_the_range():
    rules = Rules.from_values({"round_to": "1000", "landing": {"normal": "0.5"}})
    assert assess(rules, matter_code="X", statutory=StatutoryRange(D(1234), D(2001)), facts=Facts()).fine == D("2000.00")
    assert assess(rules, matter_code="X", statutory=StatutoryRange(D(1234), D(1400)), facts=Facts()).fine == D("1234.00")


@pytest.mark.parametrize(("values", "code"), [
    ([], "not_a_mapping"),
    ({"round_to": "0"}, "share_out_of_range"),
    ({"benchmarks": [{"code": "a", "title": "A", "formula": "cubic"}]}, "unknown_formula"),
    ({"benchmarks": [{"code": "a", "title": "A", "start_weight": "1.5"}]}, "share_out_of_range"),
    ({"benchmarks": [{"code": "a", "title": "A", "matters": ["X"]}, {"code": "b", "title": "B", "matters": ["X"]}]},
     "matter_in_two_benchmarks"),
    ({"benchmarks": [{"code": "a", "title": "A", "formula": "range", "bands": []}]}, "bands"),
    ({"benchmarks": [{"title": "A"}]}, "malformed"),
    ({"situations": [{"code": "s", "label": "S", "kind": "worse"}]}, "situation_kind"),
    ({"apology": {"low": "0.5", "high": "0.3"}}, "share_out_of_range"),
    ({"landing": {"normal": "abc"}}, "not_a_number"),
])
def test_unusable_policy_values_are_refused(values, code):
    with pytest.raises(PenaltyRuleError) as exc_info:
        Rules.from_values(values)
    assert exc_info.value.code == code


@pytest.mark.parametrize(("facts", "code"), [
    ({"levels": {"exceedance": "huge"}}, "unknown_level"),
    ({"levels": {"colour": "red"}}, "unknown_factor"),
    ({"situations": frozenset({"bad_luck"})}, "unknown_situation"),
    ({"no_penalty": "sorry"}, "unknown_ground"),
    ({"apology": True, "apology_share": D("0.6")}, "apology_share"),
    ({"apology": True, "exclusions": frozenset({"nope"})}, "unknown_exclusion"),
])
def test_unknown_facts_are_refused(facts, code):
    with pytest.raises(PenaltyRuleError) as exc_info:
        assess(RULES, matter_code="CF-DQ-099", statutory=DQ099, facts=Facts(**facts))
    assert exc_info.value.code == code


def test_within_range():
    assert within_range(D(50_000), DQ099, reduced=False) == "below"  # the accepted-but-unlawful fine
    assert within_range(D(50_000), DQ099, reduced=True) == ""
    assert within_range(D("1000000.01"), DQ099, reduced=True) == "above"
    assert within_range(D(100_000), DQ099, reduced=False) == within_range(D(1_000_000), DQ099, reduced=False) == ""
    assert within_range(D(10**9), MIN_ONLY, reduced=False) == ""


# --- properties: whatever the policy and the facts, the fine stays inside the statutory range -------------------

shares = st.decimals(min_value=0, max_value=1, places=2)
amounts = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def scenario(draw):
    formula = draw(st.sampled_from(["weighted", "range", "matrix"]))
    n_levels = draw(st.integers(1, 4))
    factors = [{"code": f"f{i}", "label": f"F{i}", "levels": [
        {"code": f"l{j}", "label": f"L{j}", "weight": str(draw(shares) if formula == "weighted"
                                                          else draw(st.integers(0, 5)))}
        for j in range(n_levels)]} for i in range(2)]
    bench = {"code": "b", "title": "B", "matters": ["M"], "formula": formula, "factors": factors,
             "start_weight": str(draw(shares))}
    if formula == "range":
        cuts = sorted(draw(st.lists(st.integers(0, 10), min_size=1, max_size=3)))
        bench["bands"] = [{"upto": str(c), "low": str(lo), "high": str(max(lo, hi))}
                          for c in cuts for lo, hi in [(draw(shares), draw(shares))]]
    if formula == "matrix":
        bench["matrix_factors"] = ["f0", "f1"]
        bench["matrix"] = [[str(draw(shares)) for _ in range(n_levels)] for _ in range(n_levels)]
    kinds = ["aggravating", "lighter", "reduced"]
    situations = [{"code": f"s{i}", "label": f"S{i}", "kind": k, "share": str(draw(shares)),
                   "excludes_apology": draw(st.booleans())} for i, k in enumerate(kinds * 2)]
    low_share = draw(shares)
    values = {"benchmarks": [bench] if draw(st.booleans()) else [], "situations": situations,
              "apology": {"low": str(low_share), "high": str(max(low_share, draw(shares))), "exclusions": []},
              "reduced_share": str(draw(shares)), "round_to": str(draw(st.sampled_from([1, 100, 1000, 10000])))}
    low = draw(st.one_of(st.none(), amounts))
    high = draw(st.one_of(st.none(), amounts))
    if low is None and high is None:
        high = 1000
    if low is not None and high is not None and low > high:
        low, high = high, low
    levels = {f["code"]: draw(st.sampled_from([lv["code"] for lv in f["levels"]])) for f in factors
              if draw(st.booleans())}
    facts = Facts(levels=levels, apology=draw(st.booleans()),
                  situations=frozenset(draw(st.lists(st.sampled_from([s["code"] for s in situations]), max_size=4))))
    return values, StatutoryRange(None if low is None else D(low), None if high is None else D(high)), facts


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_no_input_leaves_the_statutory_range(case):
    values, statutory, facts = case
    rules = Rules.from_values(values)
    result = assess(rules, matter_code="M", statutory=statutory, facts=facts)
    again = assess(rules, matter_code="M", statutory=statutory, facts=facts)
    assert result == again  # the same facts always give the same fine and the same explanation
    assert result.fine >= 0
    if statutory.high is not None:
        assert result.fine <= statutory.high
    if statutory.low is not None and not result.reduced:
        assert result.fine >= statutory.low
    assert within_range(result.fine, statutory, reduced=result.reduced) == ""
    assert result.lines[-1].kind == "result"
