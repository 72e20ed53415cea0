"""The loop over the JSON API: create a lead (idempotent), convert it, move the case, and the error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from ecoenforce.cases.models import Case
from ecoenforce.core.models import AuditEvent
from ecoenforce.leads.models import Lead
from factories import DECISION_MATTER, publish_starter_catalogue

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_lead_to_case_over_the_api(inspector_wj, inspector2_wj, leader_wj, entity_wj):
    client = api(inspector_wj)
    body = {"title": "在线监测小时均值超标", "source": "warning", "entity_id": entity_wj.pk, "external_ref": "warning:77"}
    first = post(client, "/api/v1/leads/", body)
    assert first.status_code == 201
    again = post(client, "/api/v1/leads/", body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    # stored under the caller's organisation: another unit's "warning:77" is another lead
    assert Lead.objects.filter(external_ref=f"api:o{inspector_wj.organization_id}:warning:77").count() == 1

    converted = post(client, f"/api/v1/leads/{first.json()['id']}/convert",
                     {"handler_ids": [inspector2_wj.pk], "title": "", "facts": ""})
    assert converted.status_code == 201
    case = Case.objects.get(pk=converted.json()["case_id"])
    assert converted.json()["number"] == case.number
    assert case.title == "在线监测小时均值超标"
    assert set(case.handlers.values_list("username", flat=True)) == {"inspector_wj", "inspector2_wj"}

    # The filing waits for the leader's approval (立案审批): the inspector cannot start alone.
    alone = post(client, f"/api/v1/cases/{case.pk}/transition", {"action": "start_investigation"})
    assert (alone.status_code, alone.json()["code"]) == (409, "InvalidTransition")
    approved = post(api(leader_wj), f"/api/v1/cases/{case.pk}/transition",
                    {"action": "approve_filing", "expected_stage": "proposed", "reason": "同意立案。"})
    assert (approved.status_code, approved.json()["stage"]) == (200, "filed")
    moved = post(client, f"/api/v1/cases/{case.pk}/transition", {"action": "start_investigation", "expected_stage": "filed"})
    assert moved.status_code == 200
    assert moved.json()["stage"] == "investigation"
    assert moved.json()["allowed_actions"] == ["propose_penalty", "submit_for_review"]
    # The handlers propose the penalty with their findings: the fine the benchmark gives, with its explanation.
    publish_starter_catalogue()
    proposed = post(client, f"/api/v1/cases/{case.pk}/transition",
                    {"action": "propose_penalty", "matter_code": DECISION_MATTER,
                     "discretion": {"levels": {"exceedance": "50to100"}}})
    assert proposed.status_code == 200, proposed.json()
    assert proposed.json()["proposal"]["fine"] == "200000.00" and float(proposed.json()["fine_computed"]) == 200000
    assert proposed.json()["discretion"]["lines"]


def test_convert_needs_two_certified_handlers_and_writes_nothing_otherwise(inspector_wj, lead_wj):
    before = AuditEvent.objects.count()
    response = post(api(inspector_wj), f"/api/v1/leads/{lead_wj.pk}/convert", {"handler_ids": []})  # alone: art. 42
    assert response.status_code == 422
    assert response.json()["code"] == "ValidationFailed"
    assert list(response.json()["details"]) == ["handlers"]
    lead_wj.refresh_from_db()
    assert lead_wj.status == Lead.Status.NEW
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("body,status,code", [
    ({"action": "decide"}, 409, "InvalidTransition"),
    ({"action": "start_investigation", "expected_stage": "review"}, 409, "stale_stage"),
    ({"action": "send_to_legal_review"}, 409, "InvalidTransition"),
])
def test_transition_errors_have_one_shape(case_wj, inspector_wj, body, status, code):
    response = post(api(inspector_wj), f"/api/v1/cases/{case_wj.pk}/transition", body)
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "details"}
    assert response.json()["code"] == code
    case_wj.refresh_from_db()
    assert case_wj.stage == "proposed"


def test_wrong_role_for_a_step_is_403_with_the_roles_named(case_wj, inspector_wj, advance):
    from ecoenforce.cases.workflow import Stage

    advance(case_wj, to=Stage.REVIEW)
    response = post(api(inspector_wj), f"/api/v1/cases/{case_wj.pk}/transition", {"action": "send_to_legal_review"})
    assert response.status_code == 403
    assert "Unit leader" in response.json()["message"] or "执法机构负责人" in response.json()["message"]


def test_list_filters(inspector_wj, city_leader, case_wj, case_xb, lead_wj, lead_xb):
    client = api(city_leader)
    assert client.get("/api/v1/cases/").json()["count"] == 2
    assert client.get("/api/v1/cases/?region=320411").json()["count"] == 1
    assert client.get("/api/v1/cases/?stage=review").json()["count"] == 0
    assert client.get("/api/v1/leads/?status=new").json()["count"] == 2
    assert client.get("/api/v1/leads/?status=converted").json()["count"] == 2
    assert client.get("/api/v1/entities/?region=320412").json()["count"] == 1


def test_a_decision_over_the_api_cites_a_current_matter(case_wj, leader_wj, advance):
    from ecoenforce.cases.workflow import Stage
    from factories import DECISION_MATTER, publish_starter_catalogue

    publish_starter_catalogue()
    advance(case_wj, to=Stage.NOTICE)
    client = api(leader_wj)
    url = f"/api/v1/cases/{case_wj.pk}/transition"
    body = {"action": "decide", "fine_amount": "80000", "decision_text": "决定处以罚款人民币80000元。"}
    refused = post(client, url, body)
    assert (refused.status_code, refused.json()["code"]) == (422, "ValidationFailed")
    assert list(refused.json()["details"]) == ["matter"]
    below = post(client, url, body | {"matter_code": DECISION_MATTER, "deviation_reason": "困难"})
    assert (below.status_code, list(below.json()["details"])) == (422, ["fine_amount"])  # under art. 99's 100,000
    decided = post(client, url, {"action": "decide", "decision_text": "决定处以罚款人民币300000元。",
                                 "matter_code": DECISION_MATTER,
                                 "discretion": {"levels": {"exceedance": "100to200"}, "situations": []}})
    assert decided.status_code == 200
    assert (decided.json()["matter_code"], decided.json()["legal_basis"]) == (
        DECISION_MATTER, "《中华人民共和国大气污染防治法》第九十九条")
    assert (decided.json()["fine_amount"], decided.json()["fine_computed"]) == ("300000.00", "300000.00")
    assert decided.json()["discretion"]["version"] == 1
