"""Department coordination (issue 12 item 4): a referral's round trip with a policy deadline, partner users confined
to their own department, a referral to a department that does not exist refused in words, overdue referrals on the
dashboard and the work queue, joint inspections whose results count in the entity's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent, Organization, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.referrals import workflow
from ecoenforce.referrals.models import Referral, ReferralFile
from ecoenforce.referrals.selectors import referral_get_for_user, referrals_for_user
from ecoenforce.referrals.services import (
    joint_inspection_plan,
    joint_result_record,
    referral_answer,
    referral_close,
    referral_policy_add,
    referral_send,
)
from ecoenforce.registry.models import EntityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(region_city):
    return Organization.objects.create(name="常州市公安局环境食品药品和旅游安全保卫支队", short_name="公",
                                       kind=Organization.Kind.PARTNER, region=region_city)


@pytest.fixture
def housing(region_city):
    return Organization.objects.create(name="常州市住房和城乡建设局", short_name="建", kind=Organization.Kind.PARTNER,
                                       region=region_city)


@pytest.fixture
def police_user(police):
    return User.objects.create(username="police", role=Role.PARTNER, organization=police, full_name="彭振宇")


@pytest.fixture
def housing_user(housing):
    return User.objects.create(username="housing", role=Role.PARTNER, organization=housing, full_name="严明")


def test_workflow_is_a_pure_table():
    assert workflow.next_state("sent", "answer") == "answered"
    assert workflow.next_state("answered", "close") == "closed"
    assert workflow.next_state("sent", "close") is None and workflow.next_state("closed", "answer") is None
    assert workflow.is_overdue("sent", dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    assert not workflow.is_overdue("answered", dt.date(2026, 1, 1), dt.date(2026, 1, 2))


def test_a_referral_round_trip(inspector_wj, lead_wj, police, police_user, housing_user, admin_user, settings, tmp_path):
    settings.FILES_DIR = tmp_path
    referral_policy_add(actor=admin_user, values={"answer_working_days": 7})
    referral = referral_send(actor=inspector_wj, department_id=police.pk, lead_id=lead_wj.pk, title="涉嫌污染环境罪",
                             request="请审查是否立案侦查。")
    assert referral.direction == Referral.Direction.OUT and referral.lead == lead_wj and referral.policy_version == 1
    assert referral.deadline > timezone.localdate() and referral.region == lead_wj.region
    # Only the addressed department sees and answers it.
    with pytest.raises(NotFound):
        referral_get_for_user(user=housing_user, referral_id=referral.pk)
    with pytest.raises(NotFound):
        referral_answer(actor=housing_user, referral_id=referral.pk, answer="x")
    with pytest.raises(PermissionDenied):  # the sender does not answer its own referral
        referral_answer(actor=inspector_wj, referral_id=referral.pk, answer="x")
    with pytest.raises(ValidationFailed):  # an answer file that is not a photo or PDF: nothing is written
        referral_answer(actor=police_user, referral_id=referral.pk, answer="已立案", files=[b"MZ\x90 exe"])
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SENT and not ReferralFile.objects.exists()
    referral_answer(actor=police_user, referral_id=referral.pk, answer="已立案侦查。", files=[b"%PDF-1.4 decision"])
    with pytest.raises(PermissionDenied):  # the department does not close the bureau's referral
        referral_close(actor=police_user, referral_id=referral.pk)
    referral_close(actor=inspector_wj, referral_id=referral.pk)
    with pytest.raises(InvalidTransition):
        referral_answer(actor=police_user, referral_id=referral.pk, answer="again")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED and referral.files.count() == 1
    actions = list(AuditEvent.objects.filter(action__startswith="referral.").values_list("action", flat=True))
    assert actions == ["referral.send", "referral.answer", "referral.close"]
    # The round trip is visible on the page, to both sides.
    for user in (inspector_wj, police_user):
        client = Client()
        client.force_login(user)
        page = client.get(f"/referrals/{referral.pk}/").content.decode()
        assert "已立案侦查。" in page and "请审查是否立案侦查。" in page
        served = client.get(f"/referrals/files/{referral.files.get().pk}/")  # from the blob store
        assert b"".join(served.streaming_content) == b"%PDF-1.4 decision"
    assert not (tmp_path / "referrals").exists()


def test_a_referral_to_a_department_that_does_not_exist_is_refused_in_words(inspector_wj, entity_wj, org_xb, police):
    for department in (999_999, org_xb.pk, "公安"):
        with pytest.raises(ValidationFailed) as exc:
            referral_send(actor=inspector_wj, department_id=department, entity_id=entity_wj.pk, title="x", request="y")
        assert police.name in str(exc.value.message)
    client = Client()
    client.force_login(inspector_wj)
    response = client.post("/referrals/new/", {"department": "424242", "entity": entity_wj.pk, "title": "x", "request": "y"})
    assert response.status_code == 422 and "referral-error" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_department_refers_to_the_bureau_which_takes_it_as_a_lead(police_user, entity_wj, inspector_wj, leader_wj,
                                                                     inspector_xb):
    referral = referral_send(actor=police_user, department_id=None, entity_id=entity_wj.pk, title="巡逻发现偷排",
                             request="请核查。")
    assert referral.direction == Referral.Direction.IN and referral.department == police_user.organization
    with pytest.raises(NotFound):  # another county's officer does not see it
        referral_get_for_user(user=inspector_xb, referral_id=referral.pk)
    client = Client()
    client.force_login(leader_wj)
    assert "巡逻发现偷排" in client.get("/work/").content.decode()
    referral_answer(actor=inspector_wj, referral_id=referral.pk, answer="已转入线索核查。", make_lead=True)
    referral.refresh_from_db()
    assert referral.lead.source == Lead.Source.REFERRAL and referral.lead.entity == entity_wj
    referral_close(actor=police_user, referral_id=referral.pk)


def test_overdue_referrals_surface_on_the_dashboard_and_the_queue(inspector_wj, leader_wj, entity_wj, housing,
                                                                   housing_user):
    referral = referral_send(actor=inspector_wj, department_id=housing.pk, entity_id=entity_wj.pk, title="工地扬尘",
                             request="请核查施工许可。")
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    assert referrals_for_user(user=leader_wj, overdue=True).get() == referral
    client = Client()
    client.force_login(leader_wj)
    dashboard = client.get("/").content.decode()
    assert 'data-testid="overdue-referrals">1<' in dashboard
    assert "工地扬尘" in client.get("/work/").content.decode()
    partner = Client()
    partner.force_login(housing_user)
    assert partner.get("/accounts/home/")["Location"] == "/work/"
    assert "工地扬尘" in partner.get("/work/").content.decode()
    assert partner.get("/leads/").status_code == 403
    assert partner.get("/api/v1/referrals/").json()["count"] == 1


def test_joint_inspection_results_count_in_the_entity_history(inspector_wj, entity_wj, police, police_user,
                                                              housing_user, entity_xb):
    with pytest.raises(NotFound):  # an entity outside the jurisdiction
        joint_inspection_plan(actor=inspector_wj, entity_id=entity_xb.pk, title="x", planned_on=timezone.localdate(),
                              department_ids=[police.pk], officer_ids=[])
    joint = joint_inspection_plan(actor=inspector_wj, entity_id=entity_wj.pk, title="联合检查",
                                  planned_on=timezone.localdate(), department_ids=[police.pk],
                                  officer_ids=[police_user.pk])
    joint_result_record(actor=police_user, inspection_id=joint.pk, findings="发现暗管", violation=True)
    with pytest.raises(InvalidTransition):
        joint_result_record(actor=police_user, inspection_id=joint.pk, findings="again", violation=False)
    with pytest.raises(NotFound):  # a department not taking part does not see it
        joint_result_record(actor=housing_user, inspection_id=joint.pk, findings="x", violation=False)
    joint_result_record(actor=inspector_wj, inspection_id=joint.pk, findings="采样送检", violation=False)
    kinds = sorted(EntityEvent.objects.filter(entity=entity_wj, ref__startswith="joint:").values_list("kind", flat=True))
    assert kinds == [EntityEvent.Kind.INSPECTION_CLEAN, EntityEvent.Kind.INSPECTION_VIOLATION]


def _said(lang: str, call) -> str:
    """What the service says, in this language, to the input the page was sent."""
    from django.utils import translation

    with translation.override(lang), pytest.raises(ValidationFailed) as exc:
        call()
    return str(exc.value.message)


def _in_language(lang: str, text: str) -> bool:
    import re

    # the sentence's opening words (it may name a department or an entity in Chinese either way)
    return bool(re.search(r"[\u4e00-\u9fff]", text[:12])) == (lang == "zh-hans")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_refused_forms_keep_what_was_typed_and_say_why_in_the_page_language(inspector_wj, lead_wj, entity_wj, police,
                                                                            police_user, settings, tmp_path, lang):
    from html import escape

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    settings.FILES_DIR = tmp_path
    client = Client()
    client.force_login(inspector_wj)
    client.cookies["django_language"] = lang
    # a referral without a department
    typed = {"title": "涉嫌非法倾倒危险废物", "request": "请协查运输车辆去向。", "lead": str(lead_wj.pk)}
    page = client.post("/referrals/new/", {**typed, "department": "", "urgent": "1"})
    said = _said(lang, lambda: referral_send(actor=inspector_wj, department_id="", lead_id=lead_wj.pk, title="x",
                                             request="y"))
    body = page.content.decode()
    assert page.status_code == 422 and escape(said) in body and _in_language(lang, said)
    assert all(value in body for value in typed.values()) and 'name="urgent" value="1" checked' in body
    assert not Referral.objects.exists()
    # a joint inspection on a date the form cannot read
    typed = {"entity_uscc": entity_wj.uscc, "title": "雨季联合执法检查", "planned_on": "下周三"}
    page = client.post("/referrals/joint/new/", {**typed, "departments": [police.pk]})
    with translation.override(lang):
        said = translation.gettext("Give the date as year-month-day.")
    body = page.content.decode()
    assert page.status_code == 422 and escape(said) in body and _in_language(lang, said)
    assert all(value in body for value in typed.values()) and f'value="{police.pk}" checked' in body
    # the department's answer with a file that is not a photo or PDF
    referral = referral_send(actor=inspector_wj, department_id=police.pk, lead_id=lead_wj.pk, title="涉嫌污染环境罪",
                             request="请审查是否立案侦查。")
    client.force_login(police_user)
    page = client.post(f"/referrals/{referral.pk}/", {
        "action": "answer", "answer": "已调取运输车辆轨迹，正在核查。",
        "files": [SimpleUploadedFile("轨迹.pdf", b"MZ\x90 exe", content_type="application/pdf")]})
    said = _said(lang, lambda: referral_answer(actor=police_user, referral_id=referral.pk, answer="x",
                                               files=[b"MZ\x90 exe"]))
    body = page.content.decode()
    assert page.status_code == 422 and escape(said) in body and _in_language(lang, said)
    assert "已调取运输车辆轨迹，正在核查。" in body and not ReferralFile.objects.exists()
    # a department's result before the inspection's day: the findings and the answer chosen stay
    joint = joint_inspection_plan(actor=inspector_wj, entity_id=entity_wj.pk, title="联合检查",
                                  planned_on=timezone.localdate() + dt.timedelta(days=7), department_ids=[police.pk],
                                  officer_ids=[police_user.pk])
    page = client.post(f"/referrals/joint/{joint.pk}/", {"findings": "发现雨水管网有暗管接入", "violation": "yes"})
    said = _said(lang, lambda: joint_result_record(actor=police_user, inspection_id=joint.pk, findings="x",
                                                   violation=True))
    body = page.content.decode()
    assert page.status_code == 422 and escape(said) in body and _in_language(lang, said)
    assert "发现雨水管网有暗管接入" in body and 'name="violation" value="yes" checked' in body
