"""Issue 9 item 3 over HTTP: the on-site record sent three times with one Idempotency-Key is stored once (the same
answer each time, no second lead); a record for a task the office changed meanwhile (its result recorded by the
co-inspector) is a translated 409 and overwrites nothing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.leads.models import Lead
from ecoenforce.onsite.models import OnSiteRecord
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.planning.tasks import task_record_result
from ecoenforce.registry.models import RegulatedEntity
from factories import make_entity

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "onsite"))
from onsite_helpers import all_compliant, signature_png  # noqa: E402

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def task(region_wj, admin_user, inspector_wj, inspector2_wj, leader_wj):
    for cls in ["special"] * 3:
        RegulatedEntity.objects.filter(pk=make_entity(region=region_wj, actor=admin_user).pk).update(risk_class=cls)
    round_ = round_commit(actor=leader_wj, title="离线回放测试", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=30),
                          ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")})
    round_draw(actor=leader_wj, round_id=round_.pk)
    return InspectionTask.objects.filter(inspectors=inspector_wj).order_by("pk").first()


def _payload(task, user, problem: bool = True) -> dict:
    other = task.inspectors.exclude(pk=user.pk).first()
    png = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    now = timezone.now()
    findings = all_compliant(task.entity)
    if problem:
        code = next(iter(findings))
        findings[code] = {"result": "problem", "note": "危废贮存间未设置识别标志"}
    return {"idempotency_key": uuid.uuid4().hex, "subject": "task", "subject_id": task.pk,
            "started_at": (now - dt.timedelta(minutes=40)).isoformat(), "ended_at": now.isoformat(),
            "device_now": now.isoformat(), "officers": [{"user_id": user.pk, "signature_png": png},
                                                        {"user_id": other.pk, "signature_png": png}],
            "party_name": "张卫东", "party_signature_png": png, "findings": findings}


def _client(user, lang="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def test_a_record_sent_three_times_is_stored_once(task, inspector_wj):
    phone = _client(inspector_wj)
    body = json.dumps(_payload(task, inspector_wj))
    key = "rec-" + uuid.uuid4().hex
    answers = [phone.post("/api/v1/onsite/records", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
               for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert OnSiteRecord.objects.count() == 1
    task.refresh_from_db()
    assert task.lead is not None and Lead.objects.filter(source=Lead.Source.INSPECTION).count() == 1


def test_a_task_the_office_changed_meanwhile_is_a_conflict_that_overwrites_nothing(task, inspector_wj):
    other = task.inspectors.exclude(pk=inspector_wj.pk).first()
    task_record_result(actor=other, task_id=task.pk, inspected_on=TODAY, violation_found=False,
                       findings="检查污染防治设施运行记录，未发现问题")
    phone = _client(inspector_wj, "zh-hans")
    refused = phone.post("/api/v1/onsite/records", json.dumps(_payload(task, inspector_wj)),
                         content_type="application/json", HTTP_IDEMPOTENCY_KEY="rec-" + uuid.uuid4().hex)
    assert refused.status_code == 409 and other.display_name in refused.json()["message"]
    assert "未作任何更改" in refused.json()["message"]  # says, in the inspector's language, that nothing changed
    assert not OnSiteRecord.objects.exists()
    task.refresh_from_db()
    assert task.inspection.violation_found is False and task.lead is None


def test_a_second_record_by_the_same_officer_says_it_was_theirs(task, inspector_wj):
    phone = _client(inspector_wj, "en")
    first = phone.post("/api/v1/onsite/records", json.dumps(_payload(task, inspector_wj)),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY="rec-" + uuid.uuid4().hex)
    assert first.status_code == 201
    again = phone.post("/api/v1/onsite/records", json.dumps(_payload(task, inspector_wj)),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY="rec-" + uuid.uuid4().hex)
    assert again.status_code == 409 and again.json()["message"].startswith("You already recorded this task's result")
    assert OnSiteRecord.objects.count() == 1
