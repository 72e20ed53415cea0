"""Rectification (整改): an officer issues a task, the firm submits evidence, the officer returns it with a reason
or accepts it; the firm's own self-inspection problems are tasks it closes itself. Both sides are notified, both
work queues flag the overdue, and a firm never reaches another firm's task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecoenforce.compliance.models import Rectification, RectificationFile
from ecoenforce.compliance.services import (
    rectification_decide,
    rectification_issue,
    rectification_submit,
    self_inspection_record,
)
from ecoenforce.compliance.workflow import FIRM, OFFICER, actions_available, transition_for
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.core.queue import queue_for_user
from ecoenforce.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _issue(officer, entity, days=10, **kw):
    return rectification_issue(actor=officer, entity_id=entity.pk, source=kw.pop("source", "inspection"),
                               title="危险废物贮存间标识不全", requirements="按 GB 18597 补齐危险废物贮存设施标识，并提供照片。",
                               deadline=timezone.localdate() + dt.timedelta(days=days), **kw)


def test_the_transition_table():
    assert transition_for("open", "submit", actor=FIRM, own=False).target == "submitted"
    assert transition_for("submitted", "return", actor=OFFICER, own=False).needs_reason
    assert transition_for("returned", "submit", actor=FIRM, own=False).target == "submitted"
    assert transition_for("open", "accept", actor=OFFICER, own=False) is None
    assert transition_for("open", "close", actor=FIRM, own=False) is None  # only its own tasks
    assert transition_for("open", "submit", actor=FIRM, own=True) is None
    assert actions_available("submitted", actor=OFFICER, own=False) == ["accept", "return"]
    assert actions_available("accepted", actor=FIRM, own=False) == []


def test_issue_submit_return_resubmit_accept(firm, entity_wj, inspector_wj, files, pdf, english, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = _issue(inspector_wj, entity_wj, source_ref="现场检查 2026-11-20")
    assert Notification.objects.filter(recipient=firm, ref=f"compliance.rectification:{task.pk}").exists()
    # the firm's queue has it
    firm_queue = {s.source.key: s for s in queue_for_user(firm)}
    assert firm_queue["compliance.rectifications"].count == 1

    with django_capture_on_commit_callbacks(execute=True):
        rectification_submit(actor=firm, rectification_id=task.pk, text="已补齐贮存间标识和危废标签，附照片。",
                             files=[("标识照片.pdf", pdf)])
    task.refresh_from_db()
    assert task.status == Rectification.Status.SUBMITTED
    f = RectificationFile.objects.get(step__rectification=task)
    assert f.content_type == "application/pdf" and f.stored == f.sha256
    assert (files / "blobs" / f.sha256[:2] / f.sha256).read_bytes() == pdf
    assert Notification.objects.filter(recipient=inspector_wj, kind="firm_answer").exists()
    officer_queue = {s.source.key: s for s in queue_for_user(inspector_wj)}
    assert officer_queue["compliance.review"].count == 1

    with pytest.raises(ValidationFailed):  # a return needs a reason
        rectification_decide(actor=inspector_wj, rectification_id=task.pk, accept=False, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        rectification_decide(actor=inspector_wj, rectification_id=task.pk, accept=False,
                             reason="照片看不清标签内容，请补充近景照片。")
    task.refresh_from_db()
    assert task.status == Rectification.Status.RETURNED
    assert Notification.objects.filter(recipient=firm, kind="return").exists()

    rectification_submit(actor=firm, rectification_id=task.pk, text="补充了标签近景照片，内容清晰可辨。",
                         files=[("近景.pdf", pdf)])
    with django_capture_on_commit_callbacks(execute=True):
        rectification_decide(actor=inspector_wj, rectification_id=task.pk, accept=True)
    task.refresh_from_db()
    assert task.status == Rectification.Status.ACCEPTED and task.closed_at is not None
    assert [s.kind for s in task.steps.all()] == ["submit", "return", "submit", "accept"]
    assert set(AuditEvent.objects.filter(object_id=str(task.pk), action__startswith="rectification.")
               .values_list("action", flat=True)) == {"rectification.issue", "rectification.submit",
                                                      "rectification.return", "rectification.accept"}
    with pytest.raises(InvalidTransition):  # closed: nothing more
        rectification_submit(actor=firm, rectification_id=task.pk, text="再补充一份材料说明情况。")


def test_bad_input_is_refused_and_nothing_half_written(firm, entity_wj, inspector_wj, files, english):
    with pytest.raises(ValidationFailed):
        rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="inspection", title="标识",
                            requirements="补齐标识并提供照片说明。", deadline=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        rectification_issue(actor=inspector_wj, entity_id=entity_wj.pk, source="self_inspection", title="标识问题",
                            requirements="补齐标识并提供照片说明。", deadline=timezone.localdate())
    task = _issue(inspector_wj, entity_wj)
    with pytest.raises(ValidationFailed) as refused:
        rectification_submit(actor=firm, rectification_id=task.pk, text="已整改完毕，见附件。",
                             files=[("evil.pdf", b"MZ\x90\x00 not a pdf")])
    assert "evil.pdf" in str(refused.value.message)
    task.refresh_from_db()
    assert task.status == "open" and not task.steps.exists()
    assert not RectificationFile.objects.exists()
    with pytest.raises(InvalidTransition):  # nothing to accept yet
        rectification_decide(actor=inspector_wj, rectification_id=task.pk, accept=True)


def test_another_firm_and_another_county_reach_nothing(firm, other_firm, entity_wj, other_entity, inspector_wj,
                                                       inspector_xb, client_for, files):
    task = _issue(inspector_wj, entity_wj)
    with pytest.raises(NotFound):
        rectification_submit(actor=other_firm, rectification_id=task.pk, text="不是我的任务但我试一下。")
    with pytest.raises(NotFound):
        rectification_decide(actor=inspector_xb, rectification_id=task.pk, accept=True)
    with pytest.raises(NotFound):
        _issue(inspector_xb, entity_wj)
    with pytest.raises(PermissionDenied):
        _issue(firm, entity_wj)
    c = client_for(other_firm)
    assert c.get(reverse("compliance:rectification_detail", args=[task.pk])).status_code == 404
    assert c.post(reverse("compliance:rectification_detail", args=[task.pk]), {"text": "试图提交别家的证据材料"}).status_code == 404
    assert c.get(reverse("compliance:rectifications")).content.decode().count("rectification-link") == 0
    assert client_for(inspector_xb).get(reverse("compliance_staff:rectification", args=[task.pk])).status_code == 404


def test_overdue_is_flagged_on_both_sides(firm, entity_wj, inspector_wj, files):
    task = _issue(inspector_wj, entity_wj, days=0)
    Rectification.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    firm_section = {s.source.key: s for s in queue_for_user(firm)}["compliance.rectifications"]
    assert firm_section.overdue == 1 and firm_section.items[0].overdue
    officer_section = {s.source.key: s for s in queue_for_user(inspector_wj)}["compliance.overdue"]
    assert officer_section.count == 1


def test_self_inspection_problems_become_the_firms_own_tasks(firm, entity_wj, inspector_wj, files, english):
    from ecoenforce.compliance.selfcheck import template_for

    items = template_for(entity_wj.industry.code).items
    answers = {i.key: {"answer": "ok"} for i in items}
    answers[items[0].key] = {"answer": "problem", "note": ""}
    with pytest.raises(ValidationFailed) as refused:  # a problem must say what was found
        self_inspection_record(actor=firm, entity_id=entity_wj.pk, answers=answers)
    assert items[0].key in refused.value.details
    answers[items[0].key] = {"answer": "problem", "note": "2号排放口标志牌褪色", "due": ""}
    record = self_inspection_record(actor=firm, entity_id=entity_wj.pk, answers=answers)
    assert record.problems == 1
    own = record.rectifications.get()
    assert own.own and own.status == "open" and own.issued_by == firm
    assert own.deadline == timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(InvalidTransition):  # no officer decides the firm's own task
        rectification_decide(actor=inspector_wj, rectification_id=own.pk, accept=True)
    rectification_submit(actor=firm, rectification_id=own.pk, text="已更换新的排放口标志牌。")
    own.refresh_from_db()
    assert own.status == "accepted"
    assert not any(s.source.key == "compliance.review" and s.count for s in queue_for_user(inspector_wj))


def test_the_pages_walk_the_round_trip(firm, entity_wj, inspector_wj, client_for, files, pdf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = client_for(inspector_wj)
    r = staff.post(reverse("compliance_staff:rectification_new"), {
        "entity": entity_wj.pk, "source": "warning", "source_ref": "超标预警 #12", "title": "修复脱硫塔循环泵",
        "requirements": "修复循环泵并加装备用泵联锁，提供维修记录。",
        "deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat()})
    task = Rectification.objects.get()
    assert r.status_code == 302
    c = client_for(firm)
    home = c.get(reverse("compliance:home")).content.decode()
    assert "修复脱硫塔循环泵" in home
    r = c.post(reverse("compliance:rectification_detail", args=[task.pk]), {
        "text": "循环泵已修复，备用泵联锁已加装并测试。", "attachments": [SimpleUploadedFile("维修记录.pdf", pdf)]})
    assert r.status_code == 302
    f = RectificationFile.objects.get()
    assert c.get(reverse("compliance:rectification_file", args=[f.pk])).status_code == 200
    assert staff.get(reverse("compliance:rectification_file", args=[f.pk])).status_code == 200
    page = staff.get(reverse("compliance_staff:rectification", args=[task.pk])).content.decode()
    assert 'data-testid="rectification-accept"' in page
    staff.post(reverse("compliance_staff:rectification", args=[task.pk]), {"decision": "accept"})
    task.refresh_from_db()
    assert task.status == "accepted"
