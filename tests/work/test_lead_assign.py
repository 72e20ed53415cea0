"""Lead assignment: a leader gives a new lead to an officer whose jurisdiction covers it; audited; UI and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecoenforce.core.audit import audit_timeline
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.core.services import api_token_create
from ecoenforce.leads.services import lead_assign, lead_close
from work.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_xb(org_xb) -> User:
    return User.objects.create(username="leader_xb", role=Role.UNIT_LEADER, organization=org_xb, full_name="新北队长",
                               certificate_no="32041100009")


@pytest.fixture
def city_inspector(org_city) -> User:
    return User.objects.create(username="city_insp", role=Role.INSPECTOR, organization=org_city, full_name="支队检查员",
                               certificate_no="32040000009")


def test_assignment_is_audited_and_reassignment_moves_it(lead_wj, leader_wj, inspector_wj, inspector2_wj):
    due = timezone.localdate() + dt.timedelta(days=3)
    lead = lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk, due_on=due, note="带上快速检测仪")
    assert (lead.assigned_to, lead.assigned_by, lead.assignment_due) == (inspector_wj, leader_wj, due)
    same = lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk, due_on=due, note="带上快速检测仪")
    assert same.assigned_at == lead.assigned_at  # nothing changed, nothing recorded
    lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector2_wj.pk)
    events = [e for e in audit_timeline(obj=lead_wj) if e.action == "lead.assign"]
    assert [(e.before["assigned_to_id"], e.after["assigned_to_id"], e.reason) for e in events] == [
        (None, inspector_wj.pk, "带上快速检测仪"), (inspector_wj.pk, inspector2_wj.pk, "")]
    assert events[0].after["assignment_due"] == due.isoformat()


def test_jurisdiction_and_role_are_checked_inside_the_service(lead_wj, lead_xb, leader_wj, leader_xb, inspector_wj,
                                                              inspector_xb, city_leader, city_inspector, uncertified_wj):
    with pytest.raises(PermissionDenied):
        lead_assign(lead_id=lead_wj.pk, actor=inspector_wj, assignee_id=inspector_wj.pk)
    with pytest.raises(NotFound):  # another county's lead is not found, not forbidden
        lead_assign(lead_id=lead_xb.pk, actor=leader_wj, assignee_id=inspector_wj.pk)
    for outsider in (inspector_xb, uncertified_wj, city_inspector):
        # 新北's officer does not cover 武进; an uncertified one may not inspect; the county leader cannot reach
        # the city detachment's people.
        with pytest.raises(ValidationFailed) as refused:
            lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=outsider.pk)
        assert refused.value.details == {"assignee": ["不能将该线索交办给此人。"]}
    # The city leader may give a 武进 lead to the city's own officer or to 武进's, never to 新北's.
    assert lead_assign(lead_id=lead_wj.pk, actor=city_leader, assignee_id=city_inspector.pk).assigned_to == city_inspector
    with pytest.raises(ValidationFailed):
        lead_assign(lead_id=lead_wj.pk, actor=city_leader, assignee_id=inspector_xb.pk)
    with pytest.raises(ValidationFailed) as past:
        lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk,
                    due_on=timezone.localdate() - dt.timedelta(days=1))
    assert "due_on" in past.value.details


def test_only_a_new_lead_can_be_assigned(lead_wj, leader_wj, inspector_wj):
    lead_close(lead_id=lead_wj.pk, actor=inspector_wj, reason="no_violation", note="现场核查未发现问题")
    with pytest.raises(InvalidTransition):
        lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk)


def test_the_leader_assigns_on_the_lead_page_and_a_bad_date_keeps_the_form(lead_wj, leader_wj, inspector_wj,
                                                                          inspector_xb):
    client = client_for(leader_wj)
    page = client.get(f"/leads/{lead_wj.pk}/").content.decode()
    assert 'data-testid="assign-form"' in page and "周明（武进区生态环境综合行政执法大队）" in page
    assert "赵强" not in page  # 新北's officer is not offered
    bad = client.post(f"/leads/{lead_wj.pk}/", {"action": "assign", "assign-assignee": inspector_wj.pk,
                                                "assign-due_on": "2020-01-01", "assign-note": "今天去"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "核查期限不能早于今天。" in body and "今天去" in body
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    ok = client.post(f"/leads/{lead_wj.pk}/", {"action": "assign", "assign-assignee": inspector_wj.pk,
                                               "assign-due_on": due, "assign-note": "今天去"}, follow=True)
    assert "线索已交办给周明，已列入其待办。" in ok.content.decode()
    # The inspector sees who gave it and by when, but no assignment form.
    own = client_for(inspector_wj, "en").get(f"/leads/{lead_wj.pk}/").content.decode()
    assert f"verify by {due}" in own and "assigned by 陈建华" in own and 'data-testid="assign-form"' not in own
    mine = client_for(inspector_wj).get("/leads/?assignee=me").content.decode()
    assert lead_wj.number in mine


def test_assignment_over_the_api(lead_wj, leader_wj, inspector_wj, inspector_xb, client):
    _token, raw = api_token_create(user=leader_wj, name="移动端")
    headers = {"Authorization": f"Bearer {raw}"}
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = client.post(f"/api/v1/leads/{lead_wj.pk}/assign", {"assignee_id": inspector_wj.pk, "due_on": due},
                           content_type="application/json", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["assigned_to_id"], body["assigned_to_name"], body["assignment_due"]) == (inspector_wj.pk, "周明", due)
    refused = client.post(f"/api/v1/leads/{lead_wj.pk}/assign", {"assignee_id": inspector_xb.pk},
                          content_type="application/json", headers=headers)
    assert refused.status_code == 422 and refused.json()["details"] == {"assignee": ["不能将该线索交办给此人。"]}
    listed = client.get("/api/v1/leads/?assignee=me", headers={
        "Authorization": f"Bearer {api_token_create(user=inspector_wj, name='手机')[1]}"}).json()
    assert [x["number"] for x in listed["items"]] == [lead_wj.number]
    assert Organization.objects.count() == 3
