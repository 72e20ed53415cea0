"""Third-party assistance (issue 12 item 3): a contractor's staff report findings on their assignment as leads; they
hold no enforcement power and reach nothing beyond the assignment; officers verify; the quality audit counts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.assist.models import Assignment, Finding
from ecoenforce.assist.selectors import finding_quality
from ecoenforce.assist.services import assignment_create, finding_report
from ecoenforce.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_close, lead_convert

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor(region_city):
    return Organization.objects.create(name="江苏常环环境技术服务有限公司", short_name="服",
                                       kind=Organization.Kind.CONTRACTOR, region=region_city)


@pytest.fixture
def assistant(contractor):
    return User.objects.create(username="assistant", role=Role.THIRD_PARTY, organization=contractor, full_name="潘立新")


@pytest.fixture
def assignment(leader_wj, contractor, assistant, region_wj, entity_wj):
    today = timezone.localdate()
    return assignment_create(actor=leader_wj, organization_id=contractor.pk, kind=Assignment.Kind.NIGHT_MONITORING,
                             title="夜间巡查", region=region_wj, starts_on=today - dt.timedelta(days=1),
                             ends_on=today + dt.timedelta(days=30), staff_ids=[assistant.pk],
                             entity_ids=[entity_wj.pk], devices=["32041200000001"])


def _report(assistant, assignment, **kw):
    return finding_report(actor=assistant, assignment_id=assignment.pk, token=uuid.uuid4().hex,
                          title=kw.pop("title", "夜间雨水排口排水"), **kw)


def test_assignments_take_only_contractors_and_their_own_staff(leader_wj, org_wj, contractor, assistant, region_wj,
                                                               inspector_wj):
    today = timezone.localdate()
    common = {"actor": leader_wj, "kind": Assignment.Kind.DATA_REVIEW, "title": "数据审核", "region": region_wj,
              "starts_on": today, "ends_on": today}
    with pytest.raises(ValidationFailed):  # a county brigade is not a contractor
        assignment_create(organization_id=org_wj.pk, staff_ids=[assistant.pk], **common)
    with pytest.raises(ValidationFailed):  # an inspector is not the contractor's staff
        assignment_create(organization_id=contractor.pk, staff_ids=[inspector_wj.pk], **common)
    with pytest.raises(PermissionDenied):
        assignment_create(**{**common, "actor": inspector_wj}, organization_id=contractor.pk, staff_ids=[assistant.pk])
    assert not Assignment.objects.exists()


def test_a_finding_is_a_lead_an_officer_verifies(assignment, assistant, entity_wj, inspector_wj, inspector2_wj,
                                                 city_leader, settings, tmp_path):
    settings.FILES_DIR = tmp_path
    finding = _report(assistant, assignment, entity_id=entity_wj.pk, device_mn="32041200000001",
                      files=[b"%PDF-1.4 report", b"\xff\xd8\xff\xe0photo"])
    lead = finding.lead
    assert lead.source == Lead.Source.THIRD_PARTY and lead.entity == entity_wj and finding.files.count() == 2
    client = Client()
    client.force_login(assistant)
    served = client.get(f"/assist/files/{finding.files.order_by('id').first().pk}/")  # from the blob store
    assert served["Content-Type"] == "application/pdf" and b"".join(served.streaming_content) == b"%PDF-1.4 report"
    assert not (tmp_path / "findings").exists()
    # The assistant holds no enforcement power: no case, no closing.
    with pytest.raises(NotFound):
        lead_convert(lead_id=lead.pk, actor=assistant, title="", facts="", handlers=[inspector_wj, inspector2_wj])
    with pytest.raises(NotFound):
        lead_close(lead_id=lead.pk, actor=assistant, reason=Lead.CloseReason.NO_VIOLATION, note="x")
    # An officer verifies: one confirmed (a case), one false.
    lead_convert(lead_id=lead.pk, actor=inspector_wj, title="", facts="", handlers=[inspector_wj, inspector2_wj])
    false = _report(assistant, assignment, entity_id=entity_wj.pk, title="夜间冒黑烟")
    lead_close(lead_id=false.lead_id, actor=inspector_wj, reason=Lead.CloseReason.NO_VIOLATION, note="锅炉点火，数据达标")
    _report(assistant, assignment, title="异味")  # still being verified
    org = finding_quality(user=city_leader)[0]
    assert (org.total, org.confirmed, org.false, org.pending) == (3, 1, 1, 1)
    assert org.confirmed_rate == 50 and org.false_rate == 50
    assert org.people[0].label == "潘立新" and org.people[0].total == 3


def test_a_third_party_beyond_its_assignment_gets_not_found(assignment, assistant, contractor, entity_xb, lead_xb,
                                                            leader_wj, region_wj, settings, tmp_path):
    settings.FILES_DIR = tmp_path
    with pytest.raises(NotFound):  # an entity the assignment does not cover
        _report(assistant, assignment, entity_id=entity_xb.pk)
    with pytest.raises(NotFound):  # a device it does not cover
        _report(assistant, assignment, device_mn="99999999999999")
    other_person = User.objects.create(username="assistant2", role=Role.THIRD_PARTY, organization=contractor)
    today = timezone.localdate()
    other = assignment_create(actor=leader_wj, organization_id=contractor.pk, kind=Assignment.Kind.ONSITE, title="现场辅助",
                              region=region_wj, starts_on=today, ends_on=today, staff_ids=[other_person.pk])
    with pytest.raises(NotFound):  # another person's assignment
        _report(assistant, other)
    with pytest.raises(ValidationFailed):  # evidence that is not a photo or PDF
        _report(assistant, assignment, files=[b"MZ\x90\x00 an executable"])
    assert not Finding.objects.exists() and not Lead.objects.filter(source=Lead.Source.THIRD_PARTY).exists()
    client = Client()
    client.force_login(assistant)
    assert client.get(f"/assist/{other.pk}/").status_code == 404
    assert client.get(f"/leads/{lead_xb.pk}/").status_code == 403
    assert client.get("/cases/").status_code == 403
    assert client.get("/accounts/home/")["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    page = client.get(f"/assist/{assignment.pk}/")
    assert page.status_code == 200 and 'data-testid="finding-form"' in page.content.decode()
    response = client.post(f"/assist/{assignment.pk}/", {"token": uuid.uuid4().hex, "title": "夜间排水"})
    assert response.status_code == 302 and Finding.objects.count() == 1
    assert client.get("/api/v1/assist/findings").json()["count"] == 1
    assert client.get("/api/v1/assist/assignments").json()["count"] == 1


def test_the_quality_page_drills_down_to_the_leads(assignment, assistant, leader_wj):
    finding = _report(assistant, assignment)
    client = Client()
    client.force_login(leader_wj)
    assert "江苏常环" in client.get("/assist/quality/").content.decode()
    listed = client.get(f"/assist/findings/?organization={assignment.organization_id}&outcome=pending").content.decode()
    assert finding.lead.number in listed
    assert finding.lead.number not in client.get("/assist/findings/?outcome=false").content.decode()


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
def test_refused_forms_keep_what_was_typed_and_say_why_in_the_page_language(assignment, assistant, leader_wj,
                                                                             contractor, region_wj, entity_wj,
                                                                             settings, tmp_path, lang):
    from html import escape

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    settings.FILES_DIR = tmp_path
    client = Client()
    client.force_login(assistant)
    client.cookies["django_language"] = lang
    typed = {"token": uuid.uuid4().hex, "title": "夜间雨水排口排出白色泡沫水", "description": "约二十二点四十分发现",
             "entity": str(entity_wj.pk), "observed_at": "2026-11-30T22:40"}
    page = client.post(f"/assist/{assignment.pk}/", {
        **typed, "files": [SimpleUploadedFile("现场.jpg", b"MZ\x90\x00 an executable", content_type="image/jpeg")]})
    said = _said(lang, lambda: _report(assistant, assignment, files=[b"MZ\x90\x00 an executable"]))
    body = page.content.decode()
    assert page.status_code == 422 and escape(said) in body and _in_language(lang, said)
    assert all(value in body for value in typed.values()) and f'value="{entity_wj.pk}" selected' in body
    assert not Finding.objects.exists()
    # the time observed in words the form cannot read
    page = client.post(f"/assist/{assignment.pk}/", {**typed, "observed_at": "昨晚十点"})
    with translation.override(lang):
        said = translation.gettext("Give the time observed as year-month-day hour:minute.")
    assert page.status_code == 422 and escape(said) in page.content.decode() and "昨晚十点" in page.content.decode()
    # the leader's assignment form: no staff chosen
    client.force_login(leader_wj)
    typed = {"title": "武进区夜间巡查（第二期）", "devices": "32041200000001, 32041200000002", "note": "不得进入厂区"}
    page = client.post("/assist/new/", {**typed, "organization": contractor.pk, "kind": "night_monitoring",
                                        "region": region_wj.pk, "starts_on": "2026-12-01", "ends_on": "2026-12-31"})
    said = _said(lang, lambda: assignment_create(
        actor=leader_wj, organization_id=contractor.pk, kind="night_monitoring", title="x", region=region_wj,
        starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 31), staff_ids=[]))
    body = page.content.decode()
    assert page.status_code == 400 and escape(said) in body and _in_language(lang, said)
    assert all(value in body for value in typed.values()) and 'value="2026-12-01"' in body
