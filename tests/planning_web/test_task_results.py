"""Issue 14: an inspection result is not one click. Nothing is pre-chosen, findings say what was checked, the page
asks for a confirmation, a drawn officer corrects it with a reason until publication (the original kept), and only
the task's drawn officers record — a leader cannot record in their place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.audit import audit_verify
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.planning.models import InspectionTask, TaskResultCorrection
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_mark_not_inspected, task_record_result, task_result_correct
from ecoenforce.registry.models import EntityEvent

TODAY = timezone.localdate()
CHECKED = "检查废气治理设施运行记录及排放口，未发现问题"


def _client(user, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


@pytest.fixture
def task(leader_wj, inspector_wj, wj_pool):
    round_ = round_commit(actor=leader_wj, title="2026年第四季度双随机抽查", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=60),
                          ratios={"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0.5")})
    round_draw(actor=leader_wj, round_id=round_.pk)
    task = InspectionTask.objects.filter(inspectors=inspector_wj).exclude(inspectors=leader_wj).order_by("pk").first()
    assert task is not None, "the load-balanced draw gives 周明 a task without the leader"
    return task


def test_the_outcome_must_be_chosen_and_a_clean_result_says_what_was_checked(task, inspector_wj):
    with pytest.raises(ValidationFailed) as refused:
        task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=None,
                           findings=CHECKED)
    assert "violation_found" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False, findings="")
    assert "findings" in refused.value.details
    done = task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False,
                              findings=CHECKED)
    assert done.inspection.findings == CHECKED and done.completed_by == inspector_wj


def test_a_leader_cannot_record_or_correct_results_on_other_officers_tasks(task, leader_wj, inspector_wj):
    assert not task.inspectors.filter(pk=leader_wj.pk).exists()
    with pytest.raises(PermissionDenied):
        task_record_result(actor=leader_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False,
                           findings=CHECKED)
    with pytest.raises(PermissionDenied):
        task_mark_not_inspected(actor=leader_wj, task_id=task.pk, reason="企业已关停")
    task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False, findings=CHECKED)
    with pytest.raises(PermissionDenied):
        task_result_correct(actor=leader_wj, task_id=task.pk, inspected_on=TODAY, violation_found=True,
                            findings="危废台账缺失", reason="复核")
    page = _client(leader_wj, "en").post(f"/planning/tasks/{task.pk}/", {
        "action": "correct", "inspected_on": TODAY, "violation_found": "yes", "findings": "危废台账缺失",
        "correction_reason": "复核", "confirm": "yes"})
    assert page.status_code == 403
    assert InspectionTask.objects.get(pk=task.pk).inspection.violation_found is False


def test_a_correction_keeps_the_original_and_opens_the_lead_until_publication(task, leader_wj, inspector_wj):
    task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False, findings=CHECKED)
    with pytest.raises(ValidationFailed) as refused:
        task_result_correct(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=True,
                            findings="危废贮存间未设置防渗漏措施", reason="")
    assert "correction_reason" in refused.value.details
    correction = task_result_correct(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=True,
                                     findings="危废贮存间未设置防渗漏措施", reason="整理笔录时发现漏记违法事实")
    task.refresh_from_db()
    assert correction.before["violation_found"] is False and correction.before["findings"] == CHECKED
    assert correction.after["violation_found"] is True and task.lead is not None
    assert task.inspection.violation_found and task.inspection.findings == "危废贮存间未设置防渗漏措施"
    ref = f"inspection:{task.inspection_id}"
    assert list(EntityEvent.objects.filter(ref=ref).values_list("kind", flat=True)) == [
        EntityEvent.Kind.INSPECTION_VIOLATION]
    event = AuditEvent.objects.get(action="task.result_correct")
    assert event.reason == "整理笔录时发现漏记违法事实" and event.before["findings"] == CHECKED
    assert audit_verify().ok
    with pytest.raises(InvalidTransition):  # the lead is triaged in the inbox, not corrected away here
        task_result_correct(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False,
                            findings=CHECKED, reason="再次复核")
    for other in InspectionTask.objects.filter(round=task.round, status=InspectionTask.Status.ASSIGNED):
        task_record_result(actor=other.inspectors.first(), task_id=other.pk, inspected_on=TODAY,
                           violation_found=False, findings=CHECKED)
    round_publish(actor=leader_wj, round_id=task.round_id)
    with pytest.raises(InvalidTransition):
        task_result_correct(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=True,
                            findings="危废贮存间未设置防渗漏措施，另有台账缺失", reason="补充")
    assert TaskResultCorrection.objects.filter(task=task).count() == 1


def test_the_page_prefills_nothing_and_asks_for_a_confirmation(task, inspector_wj, leader_wj):
    officer = _client(inspector_wj, "en")
    form = officer.get(f"/planning/tasks/{task.pk}/").content.decode()
    assert 'name="inspected_on" value=""' in form and " checked>" not in form
    assert "Only the officers drawn" in _client(leader_wj, "en").get(f"/planning/tasks/{task.pk}/").content.decode()
    unchosen = officer.post(f"/planning/tasks/{task.pk}/", {"action": "result", "inspected_on": TODAY, "findings": CHECKED})
    assert unchosen.status_code == 422 and "Choose the outcome" in unchosen.content.decode()
    data = {"action": "result", "inspected_on": TODAY, "violation_found": "no", "findings": CHECKED}
    check = officer.post(f"/planning/tasks/{task.pk}/", data)
    assert check.status_code == 200 and 'data-testid="task-confirm"' in check.content.decode()
    assert InspectionTask.objects.get(pk=task.pk).status == InspectionTask.Status.ASSIGNED  # not final yet
    saved = officer.post(f"/planning/tasks/{task.pk}/", {**data, "confirm": "yes"})
    assert saved.status_code == 302
    assert InspectionTask.objects.get(pk=task.pk).status == InspectionTask.Status.DONE
    fix = {"action": "correct", "inspected_on": TODAY, "violation_found": "no",
           "findings": CHECKED + "，另查阅了自行监测报告", "correction_reason": "补记检查内容"}
    assert 'data-testid="task-confirm"' in officer.post(f"/planning/tasks/{task.pk}/", fix).content.decode()
    assert officer.post(f"/planning/tasks/{task.pk}/", {**fix, "confirm": "yes"}).status_code == 302
    page = _client(inspector_wj).get(f"/planning/tasks/{task.pk}/").content.decode()
    assert "补记检查内容" in page and CHECKED in page and 'data-testid="task-corrections"' in page
