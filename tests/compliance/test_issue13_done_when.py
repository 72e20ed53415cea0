"""Issue 13's "Done when", walked once as each role would, through the pages (Django client):

a firm user answers a notice, closes a rectification and publishes its disclosure; its credit explains itself and
changes its draw probability; a leader reads unit and inspector scorecards down to records; a citizen finds the
facility's compliance history on the portal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ecoenforce.compliance import sections
from ecoenforce.compliance.models import DisclosureReport, Rectification
from ecoenforce.credit.models import CreditRating
from ecoenforce.duty.scorecard import period_current_quarter
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.risk_services import CREDIT_DRAW_MULTIPLIERS, draw_weights
from ecoenforce.warnings.models import ElectronicNotice, Warning
from ecoenforce.warnings.services import warning_notify

pytestmark = pytest.mark.django_db
FULL = {s.key: f"{s.key}：本年度情况如下，详见附表及说明文字。" for s in sections.SECTIONS if not s.carbon}
EXPLANATION = "11月28日凌晨脱硫塔循环泵故障，当日已启用备用泵并完成维修，附维修记录。"


def test_done_when_firm_leader_and_citizen(firm, entity_wj, decided_case_wj, inspector_wj, leader_wj, operator_wj,
                                           client_for, files, pdf, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    one = RegulatedEntity.objects.filter(pk=entity_wj.pk)
    weight_before = draw_weights(entities=one, as_of=today)[entity_wj.pk]
    staff, me = client_for(inspector_wj), client_for(firm)

    # 1. The operator sends an electronic notice on a monitoring warning; the firm answers it on its own pages.
    start = timezone.now() - dt.timedelta(days=2)
    warning = Warning.objects.create(event_id="done-when-0001", rule="exceedance", mn="CZ3204120000001",
                                     pollutant="a21026", entity=entity_wj, region=entity_wj.region, start=start,
                                     end=start + dt.timedelta(hours=3), severity="high", value=152.5, threshold=35.0,
                                     hits=3)
    with django_capture_on_commit_callbacks(execute=True):
        notice = warning_notify(actor=operator_wj, warning_id=warning.pk, deadline=today + dt.timedelta(days=3),
                                message="二氧化硫小时均值连续3小时超标，请说明原因。")
    home = me.get(reverse("compliance:home")).content.decode()
    assert reverse("compliance:notice_detail", args=[notice.pk]) in home  # the notice waits on the firm's home
    r = me.post(reverse("compliance:notice_detail", args=[notice.pk]),
                {"response": EXPLANATION, "attachments": [SimpleUploadedFile("维修记录.pdf", pdf)]})
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == ElectronicNotice.Status.ANSWERED and notice.response == EXPLANATION

    # 2. A rectification: the inspector issues it, the firm sends evidence, the inspector accepts: closed.
    staff.post(reverse("compliance_staff:rectification_new"), {
        "entity": entity_wj.pk, "source": "warning", "source_ref": f"超标预警 #{warning.pk}", "title": "修复脱硫塔循环泵",
        "requirements": "修复循环泵并加装备用泵联锁，提供维修记录。",
        "deadline": (today + dt.timedelta(days=7)).isoformat()})
    task = Rectification.objects.get()
    assert "修复脱硫塔循环泵" in me.get(reverse("compliance:home")).content.decode()
    me.post(reverse("compliance:rectification_detail", args=[task.pk]),
            {"text": "循环泵已修复，备用泵联锁已加装。", "attachments": [SimpleUploadedFile("验收照片.pdf", pdf)]})
    staff.post(reverse("compliance_staff:rectification", args=[task.pk]), {"decision": "accept"})
    task.refresh_from_db()
    assert task.status == Rectification.Status.ACCEPTED

    # 3. The disclosure: refused while a required section is empty (named), then published and public.
    year = today.year - 1
    url = reverse("compliance:disclosure_edit", args=[entity_wj.pk, year])
    refused = me.post(url, {**FULL, "pollutants": "", "publish": "1"})
    assert refused.status_code == 422 and "Pollutant generation" in refused.content.decode()
    assert me.post(url, {**FULL, "publish": "1"}).status_code == 302
    assert DisclosureReport.objects.get(entity=entity_wj, year=year).status == "published"

    # 4. The leader rates the period; the firm reads why, record by record, and what it does to its draw chance.
    leader = client_for(leader_wj)
    assert leader.post(reverse("credit:compute"), {"period_start": f"{today.year}-01-01",
                                                   "period_end": today.isoformat()}).status_code == 302
    rating = CreditRating.objects.get(entity=entity_wj)
    penalties = next(i for i in rating.explanation["items"] if i["indicator"] == "penalties")
    assert penalties["refs"] == [decided_case_wj.decision_number]
    credit = me.get(reverse("compliance:credit")).content.decode()
    assert 'data-testid="credit-explanation"' in credit and decided_case_wj.decision_number in credit
    weight_after = draw_weights(entities=one, as_of=today)[entity_wj.pk]
    assert weight_before.multiplier == 1 and weight_after.multiplier == CREDIT_DRAW_MULTIPLIERS[rating.grade]
    assert weight_after.weight != weight_before.weight
    assert 'data-testid="firm-draw-effect"' in credit and f"× {weight_after.multiplier}" in credit

    # 5. The leader reads the unit's and an inspector's scorecards down to the records behind a number.
    q = f"?period={period_current_quarter(today).key}"
    units = leader.get(reverse("duty:list") + q).content.decode()
    org = leader_wj.organization
    assert reverse("duty:unit", args=[org.pk]) in units
    unit = leader.get(reverse("duty:unit", args=[org.pk]) + q).content.decode()
    person_url = reverse("duty:person", args=[org.pk, inspector_wj.pk])
    assert person_url in unit and unit.count('data-testid="duty-drill"') >= 7
    rows = leader.get(reverse("duty:records", args=[org.pk, "cases_per_inspector"]) + q).content.decode()
    assert decided_case_wj.number in rows and reverse("cases:detail", args=[decided_case_wj.pk]) in rows
    person = leader.get(person_url + q).content.decode()
    drill = f"{reverse('duty:records', args=[org.pk, 'cases_per_inspector'])}{q}&inspector={inspector_wj.pk}"
    assert drill in person
    mine = leader.get(reverse("duty:records", args=[org.pk, "cases_per_inspector"]) + q,
                      {"inspector": inspector_wj.pk}).content.decode()
    assert decided_case_wj.number in mine

    # 6. A citizen, signed out, finds the facility and its compliance history on the portal.
    citizen = Client()
    citizen.cookies["django_language"] = "en"
    found = citizen.get(reverse("disclosure:facilities"), {"q": entity_wj.name}).content.decode()
    facility_url = reverse("disclosure:facility_detail", args=[entity_wj.pk])
    assert facility_url in found
    history = citizen.get(facility_url).content.decode()
    assert decided_case_wj.decision_number in history  # the published decision, in its quarter
    assert 'data-testid="data-lag"' in history and 'data-testid="no-records"' not in history
    assert f'{reverse("disclosure:reports")}?q={entity_wj.uscc}' in history  # its disclosure reports, one click
    reports = citizen.get(reverse("disclosure:reports"), {"q": entity_wj.uscc}).content.decode()
    assert entity_wj.name in reports and str(year) in reports
