"""Annual plans: figures in, refused with the numbers when capacity or a cap is exceeded, approved otherwise."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.inspections.models import Inspection
from ecoenforce.planning.models import InspectionPlan, PlanLine
from ecoenforce.planning.selectors import plan_actuals
from ecoenforce.planning.services import (
    plan_add_campaign,
    plan_approve,
    plan_check,
    plan_create,
    plan_reopen,
    plan_set_routine,
)

YEAR = timezone.localdate().year


@pytest.fixture
def plan(leader_wj, wj_pool):
    return plan_create(actor=leader_wj, year=YEAR)


def test_one_plan_per_bureau_and_year(leader_wj, plan):
    assert plan_create(actor=leader_wj, year=YEAR).pk == plan.pk
    with pytest.raises(ValidationFailed):
        plan_create(actor=leader_wj, year=YEAR + 5)


def test_only_unit_leaders_plan(inspector_wj, plan):
    with pytest.raises(PermissionDenied):
        plan_create(actor=inspector_wj, year=YEAR)
    with pytest.raises(PermissionDenied):
        plan_approve(actor=inspector_wj, plan_id=plan.pk)


def test_a_plan_within_capacity_and_caps_is_approved(leader_wj, plan):
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "special"): 2, (1, "key"): 1, (2, "general"): 2})
    plan_add_campaign(actor=leader_wj, plan_id=plan.pk, campaign="夏季臭氧专项", risk_class="key", month=6, planned=2)
    approved = plan_approve(actor=leader_wj, plan_id=plan.pk, note="支队审定")
    assert approved.status == InspectionPlan.Status.APPROVED and approved.approved_by == leader_wj
    assert approved.last_check["ok"] is True and approved.last_check["total_planned"] == 7
    with pytest.raises(InvalidTransition):
        plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "key"): 3})


def test_too_many_inspector_days_is_refused_with_the_numbers(leader_wj, plan):
    # 3 officers × ~20 working days × 40% ≈ 24 inspector-days in March; 30 inspections need 30.
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(3, "general"): 6, (3, "key"): 16, (3, "special"): 8})
    with pytest.raises(ValidationFailed) as refused:
        plan_approve(actor=leader_wj, plan_id=plan.pk)
    message = str(refused.value.message)
    check = plan_check(plan)
    march = check.months[2]
    assert not march.ok and march.needed_days == 30
    assert "30" in message and f"{march.working_days}" in message and "3" in message
    assert InspectionPlan.objects.get(pk=plan.pk).status == InspectionPlan.Status.DRAFT


def test_a_frequency_cap_is_refused_with_the_numbers(leader_wj, plan):
    # 6 general entities × 1 a year = 6; 7 planned breaks the cap (spread so capacity is not the problem).
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(m, "general"): 1 for m in range(1, 8)})
    with pytest.raises(ValidationFailed) as refused:
        plan_approve(actor=leader_wj, plan_id=plan.pk)
    assert "7" in str(refused.value.message) and "6" in str(refused.value.message)
    assert refused.value.code == "plan.refused"


def test_bad_figures_change_nothing(leader_wj, plan):
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "key"): 2})
    with pytest.raises(ValidationFailed) as refused:
        plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "key"): 5, (2, "key"): "two"})
    assert "r_2_key" in refused.value.details
    assert list(plan.lines.values_list("month", "risk_class", "planned")) == [(1, "key", 2)]


def test_campaign_needs_a_name_and_a_figure(leader_wj, plan):
    with pytest.raises(ValidationFailed) as refused:
        plan_add_campaign(actor=leader_wj, plan_id=plan.pk, campaign=" ", risk_class="vip", month=13, planned="x")
    assert {"campaign", "risk_class", "month", "planned"} <= set(refused.value.details)
    assert not plan.lines.filter(kind=PlanLine.Kind.SPECIAL).exists()


def test_case_triggered_checks_are_tracked_but_not_counted(leader_wj, plan, wj_pool, inspector_wj):
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "general"): 6})
    before = plan_check(plan)
    general = next(e for e in wj_pool if e.risk_class == "general")
    for _ in range(10):
        Inspection.objects.create(entity=general, region=general.region, kind=Inspection.Kind.CASE,
                                  inspected_on=timezone.localdate())
    after = plan_check(plan)
    assert after.as_dict() == before.as_dict()
    assert plan_actuals(plan)["general"] == {"routine": 0, "special": 0, "case": 10}
    assert plan_approve(actor=leader_wj, plan_id=plan.pk).status == InspectionPlan.Status.APPROVED


def test_reopening_needs_a_reason(leader_wj, plan):
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "key"): 1})
    plan_approve(actor=leader_wj, plan_id=plan.pk)
    with pytest.raises(ValidationFailed):
        plan_reopen(actor=leader_wj, plan_id=plan.pk, reason="")
    assert plan_reopen(actor=leader_wj, plan_id=plan.pk, reason="省里新增专项").status == InspectionPlan.Status.DRAFT


def test_another_countys_leader_cannot_touch_the_plan(plan, org_xb):
    from ecoenforce.core.errors import NotFound
    from ecoenforce.core.models import Role, User

    other = User.objects.create(username="leader_xb", role=Role.UNIT_LEADER, organization=org_xb,
                                certificate_no="32041100009")
    with pytest.raises(NotFound):
        plan_set_routine(actor=other, plan_id=plan.pk, figures={(1, "key"): 1})
