"""Issue 15 item 10: lists validate their paging (translated 422), lead actions answer 404 outside the role or the
jurisdiction, API external references are scoped to the caller, rule runs load scoped, readings are bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecoenforce.core.models import Organization, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.warnings.models import RuleRun

pytestmark = pytest.mark.django_db
LISTS = ["/api/v1/leads/", "/api/v1/cases/", "/api/v1/entities/", "/api/v1/warnings/", "/api/v1/monitoring/devices"]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_refuses_a_negative_offset_or_limit_with_a_translated_422(client, city_leader, path):
    client.cookies["django_language"] = "en"
    client.force_login(city_leader)
    en = client.get(path, {"offset": -1, "limit": 0})
    assert en.status_code == 422
    body = en.json()
    assert body["code"] == "ValidationFailed"
    assert body["message"].startswith("The paging is out of range: limit from 1 to ")
    assert sorted(body["details"]) == ["limit", "offset"]
    client.cookies["django_language"] = "zh-hans"
    zh = client.get(path, {"offset": -5})
    assert zh.status_code == 422 and zh.json()["message"].startswith("分页参数超出范围")
    huge = client.get(path, {"offset": 10**20})
    assert huge.status_code == 422
    assert client.get(path, {"offset": 0, "limit": 10**6}).status_code == 200  # a large limit is lowered


def test_a_value_of_the_wrong_type_gets_the_translated_message(client, city_leader):
    client.cookies["django_language"] = "en"
    client.force_login(city_leader)
    response = client.get("/api/v1/leads/", {"offset": "abc"})
    assert response.status_code == 422
    assert response.json()["message"] == ("Some values of the request are not valid: offset. Correct them and send "
                                          "it again.")


@pytest.mark.parametrize("who", ["grid_member", "enterprise_user", "inspector_xb"])
def test_lead_close_and_convert_answer_404_outside_the_role_or_jurisdiction(client, lead_wj, who, request):
    client.cookies["django_language"] = "en"
    client.force_login(request.getfixturevalue(who))
    missing = client.post("/api/v1/leads/999999/close", {"reason": "unfounded", "note": "x"},
                          content_type="application/json")
    close = client.post(f"/api/v1/leads/{lead_wj.pk}/close", {"reason": "unfounded", "note": "x"},
                        content_type="application/json")
    convert = client.post(f"/api/v1/leads/{lead_wj.pk}/convert", {"handler_ids": []}, content_type="application/json")
    assert (missing.status_code, close.status_code, convert.status_code) == (404, 404, 404)
    assert close.json() == missing.json()  # nothing tells an existing lead from a missing one
    assert Lead.objects.get(pk=lead_wj.pk).status == Lead.Status.NEW


def test_lead_services_refuse_another_jurisdiction_as_not_found(lead_wj, inspector_xb):
    from ecoenforce.core.errors import NotFound
    from ecoenforce.leads.services import lead_close

    with pytest.raises(NotFound):
        lead_close(lead_id=lead_wj.pk, actor=inspector_xb, reason="unfounded", note="x")


def test_external_references_are_the_callers_own(client, leader_wj, inspector_xb, entity_wj, entity_xb):
    client.cookies["django_language"] = "en"
    client.force_login(leader_wj)
    first = client.post("/api/v1/leads/", {"title": "12369 来电", "entity_id": entity_wj.pk, "external_ref": "12369-1"},
                        content_type="application/json")
    again = client.post("/api/v1/leads/", {"title": "12369 来电", "entity_id": entity_wj.pk, "external_ref": "12369-1"},
                        content_type="application/json")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    client.cookies["django_language"] = "en"
    client.force_login(inspector_xb)
    other = client.post("/api/v1/leads/", {"title": "另一县的来电", "entity_id": entity_xb.pk, "external_ref": "12369-1"},
                        content_type="application/json")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert other.json()["title"] == "另一县的来电"


def test_a_rule_run_of_another_county_is_not_found(client, org_wj, org_xb):
    xb_operator = User.objects.create(username="op_xb", role=Role.MONITORING_OPERATOR, organization=org_xb)
    wj_operator = User.objects.create(username="op_wj", role=Role.MONITORING_OPERATOR, organization=org_wj)
    now = timezone.now()
    run = RuleRun.objects.create(window_from=now - dt.timedelta(days=1), window_to=now, requested_by=xb_operator)
    system = RuleRun.objects.create(window_from=now - dt.timedelta(days=1), window_to=now)
    client.cookies["django_language"] = "en"
    client.force_login(wj_operator)
    assert client.get(f"/warnings/runs/{run.pk}/").status_code == 404
    assert client.get(f"/warnings/runs/{system.pk}/").status_code == 200
    client.cookies["django_language"] = "en"
    client.force_login(xb_operator)
    assert client.get(f"/warnings/runs/{run.pk}/").status_code == 200
    assert Organization.objects.count() >= 2


def test_readings_refuse_a_reversed_or_too_long_range(client, city_leader):
    client.cookies["django_language"] = "en"
    client.force_login(city_leader)
    base = {"mn": "NOPE", "pollutant": "a34013", "kind": "realtime"}
    long = client.get("/api/v1/monitoring/readings", {**base, "start": "2026-01-01T00:00:00+08:00",
                                                      "end": "2026-03-01T00:00:00+08:00"})
    assert (long.status_code, long.json()["message"]) == (
        422, "At most 7 days of realtime data per request; ask for a shorter range.")
    reversed_ = client.get("/api/v1/monitoring/readings", {**base, "start": "2026-03-01T00:00:00+08:00",
                                                           "end": "2026-01-01T00:00:00+08:00"})
    assert (reversed_.status_code, reversed_.json()["message"]) == (422, "The start must be before the end.")
    far = client.get("/api/v1/monitoring/readings", {**base, "end": "0001-01-01T00:00:00"})
    assert (far.status_code, far.json()["message"]) == (422, "The time range is outside the calendar.")


def test_found_by_the_contract_tests_an_absurd_year_and_an_unreadable_body_are_refused_in_words(client, city_leader):
    """Issue 9's contract tests found these: a year beyond any date answered 500, and a body that is not JSON
    answered Ninja's bare {"detail": ...}; both now answer in the API's one translated shape."""
    client.cookies["django_language"] = "zh-hans"
    client.force_login(city_leader)
    for path in ("/api/v1/planning/rounds", "/api/v1/planning/plans"):
        year = client.get(path, {"year": 12832078})
        assert year.status_code == 422 and year.json()["code"] == "ValidationFailed", path
    assert client.get("/planning/rounds/", {"year": 12832078}).status_code == 200  # the page ignores it
    garbled = client.post("/api/v1/sampling/", b"a\x0e\xffQ", content_type="application/json")
    assert garbled.status_code == 400
    assert garbled.json()["code"] == "BadRequest" and garbled.json()["message"].startswith("无法读取请求")
    anonymous = client.__class__().get("/api/v1/onsite/worklist")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "Unauthorized"
