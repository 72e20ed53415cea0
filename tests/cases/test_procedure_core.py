"""The pure cores of the procedure: the late surcharge (property tests), the court-enforcement window, the
collective-discussion criterion, and the daily-penalty rounds (Order 28)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoenforce.cases.daily_penalty import (
    DailyPenaltyError,
    Finding,
    Round,
    check_new_order,
    penalty_days,
    reinspection_due,
    round_penalty,
    rounds_state,
)
from ecoenforce.cases.procedure import (
    DEFAULTS,
    ProcedureError,
    ProcedureRules,
    add_months,
    discussion_required,
    enforcement_blocks,
    enforcement_window,
    late_surcharge,
)

DUE = dt.date(2026, 6, 15)
fines = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2)
days = st.integers(min_value=-400, max_value=4000)


@pytest.mark.parametrize(("on", "expected"), [
    (DUE - dt.timedelta(days=3), "0.00"),  # paid early: nothing
    (DUE, "0.00"),  # the last day of the period still belongs to the party
    (DUE + dt.timedelta(days=1), "3000.00"),  # 3 % of 100,000 for one day
    (DUE + dt.timedelta(days=10), "30000.00"),
    (DUE + dt.timedelta(days=33), "99000.00"),
    (DUE + dt.timedelta(days=34), "100000.00"),  # 102 % → capped at the fine
    (DUE + dt.timedelta(days=400), "100000.00"),
])
def test_the_surcharge_is_three_percent_a_day_after_the_deadline_capped_at_the_fine(on, expected):
    assert late_surcharge(fine=Decimal("100000"), due=DUE, on=on) == Decimal(expected)


@given(fine=fines, offset=days)
def test_the_surcharge_never_exceeds_the_fine_nor_goes_negative(fine, offset):
    amount = late_surcharge(fine=fine, due=DUE, on=DUE + dt.timedelta(days=offset))
    assert Decimal("0") <= amount <= fine
    if offset <= 0:
        assert amount == 0


@given(fine=fines, a=st.integers(min_value=0, max_value=200), b=st.integers(min_value=0, max_value=200))
def test_the_surcharge_grows_with_the_days_late(fine, a, b):
    early, late = sorted((a, b))
    assert (late_surcharge(fine=fine, due=DUE, on=DUE + dt.timedelta(days=early))
            <= late_surcharge(fine=fine, due=DUE, on=DUE + dt.timedelta(days=late)))


def test_the_enforcement_window_opens_after_the_appeal_periods_and_lasts_three_months():
    window = enforcement_window(dt.date(2026, 3, 2))
    # Reconsideration: 60 days → 1 May; lawsuit: 6 months → 2 September (the later one counts).
    assert (window.appeals_end, window.opens, window.closes) == (
        dt.date(2026, 9, 2), dt.date(2026, 9, 3), dt.date(2026, 12, 2))
    args = {"served_on": dt.date(2026, 3, 2), "fine": Decimal("100000")}
    assert enforcement_blocks(**args, paid=Decimal("0"), today=dt.date(2026, 9, 2)) == "periods_running"
    assert enforcement_blocks(**args, paid=Decimal("0"), today=dt.date(2026, 9, 3)) == ""
    assert enforcement_blocks(**args, paid=Decimal("0"), today=dt.date(2026, 12, 3)) == "too_late"
    assert enforcement_blocks(**args, paid=Decimal("100000"), today=dt.date(2026, 10, 1)) == "paid"
    assert enforcement_blocks(served_on=None, fine=Decimal("1"), paid=Decimal("0"), today=DUE) == "not_served"


def test_months_end_on_the_shorter_months_last_day():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_the_rules_read_policy_values_and_name_bad_keys():
    assert ProcedureRules.from_values(DEFAULTS) == ProcedureRules()
    rules = ProcedureRules.from_values({"discussion_fine_threshold": "300000", "discussion_kinds": []})
    assert discussion_required(rules, fine=Decimal("300000"))
    assert not discussion_required(rules, fine=Decimal("299999.99"), kinds=["close"])
    assert discussion_required(ProcedureRules(), fine=Decimal("1"), kinds=["revoke"])
    for bad, key in [({"payment_days": "15"}, "payment_days"), ({"discussion_kinds": "close"}, "discussion_kinds"),
                     ({"surcharge_percent_per_day": "x"}, "surcharge_percent_per_day")]:
        with pytest.raises(ProcedureError) as exc_info:
            ProcedureRules.from_values(bad)
        assert exc_info.value.subject == key


SERVED = dt.date(2026, 5, 4)


def test_a_round_counts_from_the_day_after_service_to_the_reinspection_at_the_original_fine():
    assert reinspection_due(SERVED) == dt.date(2026, 6, 3)
    assert penalty_days(SERVED, dt.date(2026, 5, 24)) == 20
    assert round_penalty(original_fine=Decimal("100000"), served_on=SERVED, reinspected_on=dt.date(2026, 5, 24),
                         finding=Finding.NOT_CORRECTED) == (20, Decimal("2000000.00"))
    assert round_penalty(original_fine=Decimal("100000"), served_on=SERVED, reinspected_on=dt.date(2026, 5, 24),
                         finding=Finding.REFUSED) == (20, Decimal("2000000.00"))  # refusing counts (art. 13)
    assert round_penalty(original_fine=Decimal("100000"), served_on=SERVED, reinspected_on=dt.date(2026, 5, 24),
                         finding=Finding.CORRECTED) == (0, Decimal("0"))
    with pytest.raises(DailyPenaltyError):
        penalty_days(SERVED, SERVED)


def test_rounds_repeat_until_a_stop_and_the_open_round_is_flagged_overdue():
    fine = Decimal("50000")
    assert rounds_state(original_fine=fine, rounds=[], today=SERVED).next == "order"
    one = [Round(SERVED)]
    state = rounds_state(original_fine=fine, rounds=one, today=dt.date(2026, 6, 3))
    assert (state.next, state.due, state.overdue) == ("reinspect", dt.date(2026, 6, 3), False)
    assert rounds_state(original_fine=fine, rounds=one, today=dt.date(2026, 6, 4)).overdue
    two = [Round(SERVED, dt.date(2026, 5, 14), Finding.NOT_CORRECTED), Round(dt.date(2026, 5, 15))]
    with pytest.raises(DailyPenaltyError) as exc_info:
        check_new_order(two, dt.date(2026, 5, 20))
    assert exc_info.value.code == "round_open"
    done = [Round(SERVED, dt.date(2026, 5, 14), Finding.NOT_CORRECTED),
            Round(dt.date(2026, 5, 15), dt.date(2026, 6, 1), Finding.NOT_CORRECTED)]
    state = rounds_state(original_fine=fine, rounds=done, today=dt.date(2026, 6, 2))
    assert (state.next, state.total_days, state.total_amount) == ("order", 10 + 17, Decimal("1350000.00"))
    check_new_order(done, dt.date(2026, 6, 2))  # no limit on the rounds (art. 18)
    stopped = [*done, Round(dt.date(2026, 6, 2), dt.date(2026, 6, 20), Finding.PRODUCTION_STOPPED)]
    assert rounds_state(original_fine=fine, rounds=stopped, today=dt.date(2026, 7, 1)).next == "stopped"
    with pytest.raises(DailyPenaltyError) as exc_info:
        check_new_order(stopped, dt.date(2026, 7, 1))
    assert exc_info.value.code == "stopped"


@given(fine=fines, served=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
       gap=st.integers(min_value=1, max_value=400))
def test_a_daily_penalty_is_always_the_fine_times_the_days(fine, served, gap):
    days_, amount = round_penalty(original_fine=fine, served_on=served, reinspected_on=served + dt.timedelta(days=gap),
                                  finding=Finding.NOT_CORRECTED)
    assert days_ == gap and amount == fine * gap
