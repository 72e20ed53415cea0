"""The plan's two checks as pure arithmetic: every refusal comes with the figures a person can redo by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecoenforce.planning.capacity import LineFigure, PlanningRules, check_plan, suggest_routine

RULES = PlanningRules()
WORKING = dict.fromkeys(range(1, 13), 20)


def test_capacity_per_month_is_officers_times_working_days_times_share():
    check = check_plan(lines=[LineFigure(3, "key", 40)], inspectors=10, working_days=WORKING,
                       class_sizes={"key": 100}, rules=RULES)
    march = check.months[2]
    assert march.needed_days == Decimal("40")        # 40 inspections × 2 officers × 0.5 day
    assert march.available_days == Decimal("80.0")   # 10 officers × 20 days × 0.4
    assert march.ok and check.ok
    assert check.total_planned == 40


def test_a_month_beyond_capacity_is_refused_even_if_the_year_fits():
    check = check_plan(lines=[LineFigure(1, "general", 81)], inspectors=10, working_days=WORKING,
                       class_sizes={"general": 1000}, rules=RULES)
    assert not check.months[0].ok
    assert check.total_needed < check.total_available
    assert not check.ok


def test_frequency_cap_is_entities_times_cap_per_entity():
    check = check_plan(lines=[LineFigure(m, "general", 11) for m in range(1, 11)], inspectors=100,
                       working_days=WORKING, class_sizes={"general": 100, "key": 5, "special": 0}, rules=RULES)
    general = next(c for c in check.classes if c.risk_class == "general")
    assert (general.planned, general.cap_total, general.ok) == (110, 100, False)
    assert all(c.ok for c in check.classes if c.risk_class != "general")


def test_rules_read_from_policy_values_and_back():
    rules = PlanningRules.from_mapping({"onsite_share": "0.5", "cap_per_entity_year": {"general": "2"},
                                        "task_days": 20, "unknown": 1})
    assert rules.onsite_share == Decimal("0.5")
    assert rules.cap_per_entity_year == {"key": Decimal("4"), "general": Decimal("2"), "special": Decimal("4")}
    assert PlanningRules.from_mapping(rules.as_values()) == rules


def test_bad_lines_are_refused():
    with pytest.raises(ValueError):
        check_plan(lines=[LineFigure(13, "key", 1)], inspectors=1, working_days=WORKING, class_sizes={}, rules=RULES)
    with pytest.raises(ValueError):
        check_plan(lines=[LineFigure(1, "vip", 1)], inspectors=1, working_days=WORKING, class_sizes={}, rules=RULES)


def test_suggestion_spreads_each_quarter_over_its_months():
    figures = suggest_routine(class_sizes={"key": 40, "general": 200, "special": 7}, rules=RULES)
    assert sum(n for (m, c), n in figures.items() if c == "key" and m <= 3) == 10      # 25% of 40 a quarter
    assert sum(n for (m, c), n in figures.items() if c == "general") == 40              # 5% of 200 × 4 quarters
    assert [figures[(m, "special")] for m in (1, 2, 3)] == [3, 2, 2]                   # all 7 every quarter



def test_suggestion_for_a_small_class_stays_within_its_frequency_cap():
    # 5% of 2 general entities rounds up to 1 a quarter, 4 a year; the cap (1 a year each) allows only 2.
    sizes = {"key": 2, "general": 2, "special": 2}
    figures = suggest_routine(class_sizes=sizes, rules=RULES)
    assert sum(n for (_m, c), n in figures.items() if c == "general") == 2
    assert [figures[(m, "general")] for m in range(1, 13)] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    check = check_plan(lines=[LineFigure(m, c, n) for (m, c), n in figures.items()], inspectors=3,
                       working_days=WORKING, class_sizes=sizes, rules=RULES)
    assert check.ok
