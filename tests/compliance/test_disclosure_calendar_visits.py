"""Disclosure reports (企业环境信息依法披露), the compliance calendar with its reminders, help visits (帮扶), the
pages and the API — a firm reaches only its own facilities."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ecoenforce.compliance import sections
from ecoenforce.compliance.models import DisclosureReport, HelpVisit
from ecoenforce.compliance.obligations import obligations_for_firm
from ecoenforce.compliance.services import (
    disclosure_publish,
    disclosure_save,
    help_visit_record,
    rectification_issue,
)
from ecoenforce.compliance.tasks import reminders_send
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.notifications.models import Notification

pytestmark = pytest.mark.django_db
FULL = {s.key: f"{s.key}：本年度情况如下，详见附表及说明文字。" for s in sections.SECTIONS if not s.carbon}


def test_a_report_missing_a_required_section_is_refused_naming_it(firm, entity_wj, english):
    year = timezone.localdate().year - 1
    texts = dict(FULL, pollutants="", violations="None")
    report = disclosure_save(actor=firm, entity_id=entity_wj.pk, year=year, sections=texts)
    assert report.status == "draft"
    with pytest.raises(ValidationFailed) as refused:
        disclosure_publish(actor=firm, report_id=report.pk)
    assert "Pollutant generation, treatment and discharge" in str(refused.value.message)
    assert set(refused.value.details) == {"pollutants"}
    report.refresh_from_db()
    assert report.status == "draft" and report.published_at is None
    # a carbon-market emitter must also disclose its carbon emissions
    report = disclosure_save(actor=firm, entity_id=entity_wj.pk, year=year, sections=FULL, carbon_market=True)
    with pytest.raises(ValidationFailed) as refused:
        disclosure_publish(actor=firm, report_id=report.pk)
    assert set(refused.value.details) == {"carbon"}
    report = disclosure_save(actor=firm, entity_id=entity_wj.pk, year=year, sections=FULL, carbon_market=False)
    disclosure_publish(actor=firm, report_id=report.pk)
    with pytest.raises(InvalidTransition):
        disclosure_save(actor=firm, entity_id=entity_wj.pk, year=year, sections=FULL)
    with pytest.raises(ValidationFailed):
        disclosure_save(actor=firm, entity_id=entity_wj.pk, year=timezone.localdate().year + 1, sections=FULL)


def test_published_reports_are_on_the_public_portal_by_year(firm, other_firm, entity_wj, other_entity, client):
    year = timezone.localdate().year - 1
    published = disclosure_save(actor=firm, entity_id=entity_wj.pk, year=year, sections=FULL)
    disclosure_publish(actor=firm, report_id=published.pk)
    draft = disclosure_save(actor=other_firm, entity_id=other_entity.pk, year=year, sections=FULL)
    page = client.get(reverse("disclosure:reports"), {"year": year}).content.decode()
    assert entity_wj.name in page and other_entity.name not in page
    assert client.get(reverse("disclosure:report_detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("disclosure:report_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("disclosure:reports"), {"year": year - 1}).content.decode().count(entity_wj.name) == 0


def test_another_firm_cannot_touch_a_report(firm, other_firm, entity_wj, client_for):
    report = disclosure_save(actor=firm, entity_id=entity_wj.pk, year=2025, sections=FULL)
    with pytest.raises(NotFound):
        disclosure_publish(actor=other_firm, report_id=report.pk)
    with pytest.raises(NotFound):
        disclosure_save(actor=other_firm, entity_id=entity_wj.pk, year=2025, sections=FULL)
    c = client_for(other_firm)
    assert c.get(reverse("compliance:disclosure_edit", args=[entity_wj.pk, 2025])).status_code == 404
    assert c.get(reverse("compliance:self_inspection_new", args=[entity_wj.pk])).status_code == 404


def test_the_disclosure_page_publishes(firm, entity_wj, client_for):
    c = client_for(firm)
    year = timezone.localdate().year - 1
    url = reverse("compliance:disclosure_edit", args=[entity_wj.pk, year])
    assert entity_wj.uscc in c.get(url).content.decode()  # basic information started from the registry
    r = c.post(url, {**FULL, "pollutants": "", "publish": "1"})
    assert r.status_code == 422 and "Pollutant generation" in r.content.decode()
    assert DisclosureReport.objects.get().status == "draft"  # the draft was kept
    r = c.post(url, {**FULL, "publish": "1"})
    assert r.status_code == 302 and DisclosureReport.objects.get().status == "published"


def test_the_calendar_and_its_reminders(firm, entity_wj, inspector_wj, english):
    entity_wj.is_key_unit = True
    entity_wj.save()
    today = dt.date(2027, 3, 1)
    rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="inspection", title="补齐危废标识",
                        requirements="补齐标识并提供照片说明。", deadline=timezone.localdate() + dt.timedelta(days=5))
    found = obligations_for_firm(user=firm, today=today)
    kinds = {o.kind for o in found}
    assert {"disclosure", "self_inspection", "rectification"} <= kinds
    disclosure = [o for o in found if o.kind == "disclosure"]
    assert dt.date(2027, 3, 15) in {o.due for o in disclosure}
    first = reminders_send(today=today)
    assert first["sent"] >= 2
    assert reminders_send(today=today)["sent"] == 0  # idempotent
    assert Notification.objects.filter(recipient=firm, ref__startswith="disclosure:").exists()


def test_help_visits_are_recorded_by_officers_and_seen_by_the_firm(firm, other_firm, entity_wj, inspector_wj,
                                                                   inspector2_wj, inspector_xb, client_for, english):
    with pytest.raises(ValidationFailed):
        help_visit_record(actor=inspector_wj, entity_id=entity_wj.pk, date=timezone.localdate() + dt.timedelta(days=1),
                          topic="排污许可", notes="讲解排污许可执行报告的填报要求。")
    with pytest.raises(NotFound):
        help_visit_record(actor=inspector_xb, entity_id=entity_wj.pk, date=timezone.localdate(), topic="排污许可",
                          notes="讲解排污许可执行报告的填报要求。")
    visit = help_visit_record(actor=inspector_wj, entity_id=entity_wj.pk, date=timezone.localdate(),
                              topic="排污许可执行报告填报", notes="讲解排污许可执行报告的填报要求。",
                              officer_ids=[inspector2_wj.pk], follow_ups="下月回访")
    assert set(visit.officers.all()) == {inspector_wj, inspector2_wj}
    assert "排污许可执行报告填报" in client_for(firm).get(reverse("compliance:help_visits")).content.decode()
    assert "排污许可执行报告填报" not in client_for(other_firm).get(reverse("compliance:help_visits")).content.decode()
    assert HelpVisit.objects.filter(officers=inspector2_wj).count() == 1


def test_every_firm_page_opens_and_staff_pages_refuse_firms(firm, entity_wj, client_for):
    c = client_for(firm)
    for name in ("home", "rectifications", "self_inspections", "disclosures", "calendar", "help_visits", "notices",
                 "credit", "monitoring"):
        assert c.get(reverse(f"compliance:{name}")).status_code == 200, name
    assert c.get(reverse("compliance:self_inspection_new", args=[entity_wj.pk])).status_code == 200
    assert c.get(reverse("compliance_staff:rectifications")).status_code == 403
    assert c.get(reverse("core:home")).url == reverse("compliance:home")


def test_the_api(firm, other_firm, entity_wj, inspector_wj, client_for, files, pdf):
    task = rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="inspection", title="补齐危废标识",
                               requirements="补齐标识并提供照片说明。",
                               deadline=timezone.localdate() + dt.timedelta(days=5))
    c = client_for(firm)
    body = c.get("/api/v1/enterprise/rectifications").json()
    assert body["count"] == 1 and body["items"][0]["id"] == task.pk
    assert client_for(other_firm).get("/api/v1/enterprise/rectifications").json()["count"] == 0
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(f"/api/v1/enterprise/rectifications/{task.pk}/submit",
               {"text": "已补齐标识，附照片。", "files": [SimpleUploadedFile("照片.pdf", pdf)]})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = client_for(other_firm).post(f"/api/v1/enterprise/rectifications/{task.pk}/submit", {"text": "试图提交别家"})
    assert r.status_code == 404
    year = timezone.localdate().year - 1
    r = c.put(f"/api/v1/enterprise/facilities/{entity_wj.pk}/disclosures/{year}",
              data=json.dumps({"sections": {**FULL, "emergency": ""}}), content_type="application/json")
    assert r.status_code == 200
    r = c.post(f"/api/v1/enterprise/disclosures/{r.json()['id']}/publish")
    assert r.status_code == 422 and "emergency" in r.json()["details"]
    assert c.get("/api/v1/enterprise/calendar").status_code == 200
    assert c.get("/api/v1/enterprise/help-visits").json()["count"] == 0
    assert c.get("/api/v1/enterprise/rectifications?limit=0").status_code == 422


def test_another_firms_records_are_not_found_on_every_page_and_api(firm, other_firm, entity_wj, inspector_wj,
                                                                   client_for, files, pdf):
    from ecoenforce.compliance.models import RectificationFile
    from ecoenforce.compliance.selfcheck import template_for
    from ecoenforce.compliance.services import rectification_submit, self_inspection_record

    answers = {i.key: {"answer": "ok"} for i in template_for(entity_wj.industry.code).items}
    record = self_inspection_record(actor=firm, entity_id=entity_wj.pk, answers=answers)
    task = rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="inspection", title="补齐危废标识",
                               requirements="补齐标识并提供照片说明。",
                               deadline=timezone.localdate() + dt.timedelta(days=5))
    rectification_submit(actor=firm, rectification_id=task.pk, text="已补齐标识，附照片。", files=[("a.pdf", pdf)])
    report = disclosure_save(actor=firm, entity_id=entity_wj.pk, year=2025, sections=FULL)
    help_visit_record(actor=inspector_wj, entity_id=entity_wj.pk, date=timezone.localdate(), topic="自行监测指导",
                      notes="讲解自行监测方案的编制要求。")
    c = client_for(other_firm)
    for url in (reverse("compliance:self_inspection_detail", args=[record.pk]),
                reverse("compliance:rectification_file", args=[RectificationFile.objects.get().pk]),
                reverse("compliance:rectification_detail", args=[task.pk]),
                reverse("compliance:disclosure_edit", args=[entity_wj.pk, 2025]),
                reverse("compliance:self_inspection_new", args=[entity_wj.pk])):
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("compliance:disclosure_start"), {"entity": entity_wj.pk, "year": 2025}).status_code == 404
    assert c.post(f"/api/v1/enterprise/disclosures/{report.pk}/publish").status_code == 404
    r = c.put(f"/api/v1/enterprise/facilities/{entity_wj.pk}/disclosures/2025", data=json.dumps({"sections": FULL}),
              content_type="application/json")
    assert r.status_code == 404
    for path in ("rectifications", "disclosures", "self-inspections", "help-visits"):
        assert c.get(f"/api/v1/enterprise/{path}").json()["count"] == 0, path
    assert entity_wj.name not in {o["entity"] for o in c.get("/api/v1/enterprise/calendar").json()["items"]}
    for name in ("home", "calendar", "self_inspections", "disclosures", "help_visits"):
        assert entity_wj.name not in c.get(reverse(f"compliance:{name}")).content.decode(), name


def test_the_daily_slot_of_the_scheduler_sends_the_reminders(firm, entity_wj, inspector_wj, settings, tmp_path):
    from datetime import datetime, timedelta
    from datetime import timezone as tz

    from ecoenforce.ops.schedule import DAILY, Slot
    from ecoenforce.ops.services import slot_start

    settings.LAKE_DIR = tmp_path / "lake"
    assert "ecoenforce.compliance.tasks.compliance_reminders_task" in settings.DAILY_TASKS
    assert "ecoenforce.notifications.tasks.deadline_sweep_task" in settings.DAILY_TASKS
    rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="inspection", title="补齐危废标识",
                        requirements="补齐标识并提供照片说明。", deadline=timezone.localdate() + dt.timedelta(days=5))
    rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="inspection", title="清理雨水排口",
                        requirements="清理雨水排口淤泥并提供清理前后照片说明。", deadline=timezone.localdate() + dt.timedelta(days=1))
    cst = tz(timedelta(hours=8))
    end = datetime.combine(timezone.localdate(), datetime.min.time(), cst)
    assert slot_start(slot=Slot(DAILY, end - timedelta(days=1), end)) is not None
    # the immediate task backend ran the reminders: this quarter's self-inspection and the 7-day mark of the task
    assert Notification.objects.filter(recipient=firm, key__startswith="compliance.remind:").exists()
    # and the deadline sweep: the firm's task due tomorrow is near, so the firm is told by the queue's own words
    near = Notification.objects.filter(recipient=firm, kind="deadline_near")
    assert [n.params["what"] for n in near if "清理雨水排口" in n.params["what"]]
    assert slot_start(slot=Slot(DAILY, end - timedelta(days=1), end)) is None  # claimed once


def test_the_firm_reads_its_own_monitoring_devices_and_warnings_and_no_one_elses(
        firm, entity_wj, other_firm, other_entity, operator_wj, client_for, settings, tmp_path,
        django_capture_on_commit_callbacks):
    """Item 1: the firm's monitoring data and warnings: its devices (no data received yet said so), the warnings on
    its data with what the bureau did (a notice to answer linked), and nothing of another firm's."""
    from ecoenforce.monitoring.models import MonitoringDevice
    from ecoenforce.warnings.models import Warning
    from ecoenforce.warnings.services import warning_notify

    settings.LAKE_DIR, settings.SPOOL_DIR = tmp_path / "lake", tmp_path / "spool"
    MonitoringDevice.objects.create(mn="CZ3204120000077", entity=entity_wj, label="1号锅炉烟气排放口")
    MonitoringDevice.objects.create(mn="CZ3204120000088", entity=other_entity, label="另一家排放口")
    start = timezone.now() - dt.timedelta(days=1)

    def warn(entity, n):
        return Warning.objects.create(event_id=f"firm-mon-{n}", rule="exceedance", mn="CZ3204120000077",
                                      pollutant="a21026", entity=entity, region=entity.region, start=start,
                                      end=start + dt.timedelta(hours=3), severity="high", value=152.5,
                                      threshold=35.0, hits=3)

    mine, open_one, theirs = warn(entity_wj, 1), warn(entity_wj, 2), warn(other_entity, 3)
    with django_capture_on_commit_callbacks(execute=True):
        notice = warning_notify(actor=operator_wj, warning_id=mine.pk,
                                deadline=timezone.localdate() + dt.timedelta(days=3), message="请说明超标原因。")
    page = client_for(firm).get(reverse("compliance:monitoring"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1号锅炉烟气排放口" in html and "另一家排放口" not in html
    assert "no data received in the last 2 days" in html and "No hourly data received" in html
    assert reverse("compliance:notice_detail", args=[notice.pk]) in html and "Being reviewed by the bureau" in html
    assert html.count("152.5 / 35.0") == 2 and other_entity.name not in html  # theirs is not listed
    assert theirs.pk and open_one.pk
    assert client_for(operator_wj).get(reverse("compliance:monitoring")).status_code == 403
    assert reverse("compliance:monitoring") in client_for(firm).get(reverse("compliance:home")).content.decode()
