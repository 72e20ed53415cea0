"""The reward rules (social.rewards, a pure core): eligibility with every failing reason, the share of the fine,
the cap and the minimum, and policy values an administrator may change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecoenforce.social.rewards import (
    ANONYMOUS,
    CAPPED,
    NO_FINE,
    NOT_FIRST,
    NOT_VERIFIED,
    RAISED_TO_MINIMUM,
    SHARE,
    RewardRules,
    assess,
)

RULES = RewardRules.from_values({})
OK = {"verified": True, "fine": Decimal("200000"), "first_reporter": True, "real_name": True}


def test_five_percent_of_the_fine():
    result = assess(rules=RULES, **OK)
    assert (result.eligible, result.amount, result.reasons) == (True, Decimal("10000.00"), [SHARE])


def test_the_cap_and_the_minimum():
    big = assess(rules=RULES, **{**OK, "fine": Decimal("5000000")})
    assert (big.amount, big.reasons) == (Decimal("100000.00"), [SHARE, CAPPED])
    small = assess(rules=RULES, **{**OK, "fine": Decimal("3000")})
    assert (small.amount, small.reasons) == (Decimal("500.00"), [SHARE, RAISED_TO_MINIMUM])


def test_every_failing_condition_is_a_reason():
    result = assess(rules=RULES, verified=False, fine=None, first_reporter=False, real_name=False)
    assert (result.eligible, result.amount) == (False, Decimal("0.00"))
    assert result.reasons == [NOT_VERIFIED, NO_FINE, NOT_FIRST, ANONYMOUS]
    assert assess(rules=RULES, **{**OK, "fine": Decimal("0")}).reasons == [NO_FINE]
    assert assess(rules=RULES, **{**OK, "first_reporter": False}).reasons == [NOT_FIRST]


def test_policy_values_change_the_rules():
    rules = RewardRules.from_values({"share_of_fine": "0.1", "cap": "5000", "minimum": "0",
                                     "first_reporter_only": False, "real_name_only": False})
    result = assess(rules=rules, verified=True, fine=Decimal("30000"), first_reporter=False, real_name=False)
    assert (result.eligible, result.amount) == (True, Decimal("3000.00"))


@pytest.mark.parametrize("values", [{"share_of_fine": "0"}, {"share_of_fine": "1.5"}, {"minimum": "200000"},
                                    {"cap": "-1"}, {"share_of_fine": "abc"}])
def test_bad_policy_values_are_refused(values):
    with pytest.raises((ValueError, ArithmeticError)):
        RewardRules.from_values(values)
