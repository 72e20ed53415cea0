"""Credit repair (信用修复): a firm asks after rectifying; a veto that cannot be repaired is refused with why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.credit.models import CreditRepairRequest
from ecoenforce.credit.services import (
    credit_policy_add,
    credit_rate,
    credit_repair_decide,
    credit_repair_request,
)
from ecoenforce.registry.models import EnterpriseAccount

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 1)


def _rated(case, leader, admin, *, repairable: bool):
    credit_policy_add(actor=admin, values={"vetoes": [{"key": "no_eia", "grade": "red", "repairable": repairable,
                                                       "matter_contains": [case.matter.name]}]})
    return credit_rate(actor=leader, entity=case.entity, period_start=START, period_end=timezone.localdate())


def test_a_repairable_veto_is_lifted_on_approval_and_the_grade_follows(decided_case_wj, leader_wj, admin_user,
                                                                      enterprise_user, client):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=decided_case_wj.entity)
    rating = _rated(decided_case_wj, leader_wj, admin_user, repairable=True)
    assert rating.grade == "red" and rating.explanation["score_grade"] != "red"
    client.force_login(enterprise_user)
    assert 'data-testid="repair-request"' in client.get(reverse("compliance:credit")).content.decode()
    client.post(reverse("compliance:credit_repair", args=[rating.pk]), {"reason": "已补办环评手续并通过审批。"})
    request = CreditRepairRequest.objects.get(rating=rating)
    with pytest.raises(ValidationFailed):
        credit_repair_request(actor=enterprise_user, rating_id=rating.pk, reason="再次申请")
    credit_repair_decide(actor=leader_wj, request_id=request.pk, approve=True)
    rating.refresh_from_db()
    decided_case_wj.entity.refresh_from_db()
    assert rating.grade == rating.explanation["score_grade"] == decided_case_wj.entity.credit_grade
    assert rating.explanation["repair"]["from"] == "red"
    assert AuditEvent.objects.filter(action="credit_repair.approve", object_id=str(request.pk)).exists()


def test_a_veto_that_cannot_be_repaired_is_refused_with_why(decided_case_wj, leader_wj, admin_user, enterprise_user,
                                                           english):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=decided_case_wj.entity)
    rating = _rated(decided_case_wj, leader_wj, admin_user, repairable=False)
    with pytest.raises(ValidationFailed) as refused:
        credit_repair_request(actor=enterprise_user, rating_id=rating.pk, reason="已整改")
    assert "cannot be repaired" in str(refused.value.message)
    assert decided_case_wj.decision_number in str(refused.value.message)
    assert not CreditRepairRequest.objects.exists()


def test_nothing_to_repair_another_firms_rating_and_another_county_are_refused(entity_wj, entity_xb, leader_wj,
                                                                            enterprise_user, english):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=entity_wj)
    mine = credit_rate(actor=leader_wj, entity=entity_wj, period_start=START, period_end=timezone.localdate())
    other = credit_rate(actor=None, entity=entity_xb, period_start=START, period_end=timezone.localdate())
    with pytest.raises(ValidationFailed) as refused:
        credit_repair_request(actor=enterprise_user, rating_id=mine.pk, reason="已整改")
    assert "nothing to repair" in str(refused.value.message)
    with pytest.raises(NotFound):
        credit_repair_request(actor=enterprise_user, rating_id=other.pk, reason="已整改")


def test_only_a_leader_of_the_county_decides_and_a_refusal_needs_a_reason(decided_case_wj, leader_wj, admin_user,
                                                                         enterprise_user, inspector_xb):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=decided_case_wj.entity)
    rating = _rated(decided_case_wj, leader_wj, admin_user, repairable=True)
    request = credit_repair_request(actor=enterprise_user, rating_id=rating.pk, reason="已补办环评")
    with pytest.raises(Exception) as denied:
        credit_repair_decide(actor=inspector_xb, request_id=request.pk, approve=True)
    assert getattr(denied.value, "status", None) in (403, 404)
    with pytest.raises(ValidationFailed):
        credit_repair_decide(actor=leader_wj, request_id=request.pk, approve=False, note=" ")
    credit_repair_decide(actor=leader_wj, request_id=request.pk, approve=False, note="环评批复尚未取得。")
    rating.refresh_from_db()
    assert rating.grade == "red"
