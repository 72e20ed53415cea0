"""立案审批: an officer proposes a case, a unit leader approves the filing (which dates it) or refuses it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.cases.queue import cases_waiting_for
from ecoenforce.cases.services import case_open, case_transition
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.notifications.models import Notification
from ecoenforce.registry.models import EntityEvent

APPROVED_ON = dt.date(2026, 11, 4)


def _opened(case):
    return EntityEvent.objects.filter(kind=EntityEvent.Kind.CASE_OPENED, ref=case.number).count()


def test_an_inspector_cannot_file_a_case_alone(case_wj, inspector_wj):
    assert (case_wj.stage, case_wj.outcome) == ("proposed", "pending")
    assert _opened(case_wj) == 0  # not a filed case yet: the entity's record does not count it
    with pytest.raises(PermissionDenied):
        case_transition(case_id=case_wj.pk, actor=inspector_wj, action="approve_filing", reason="同意。")
    with pytest.raises(InvalidTransition):
        case_transition(case_id=case_wj.pk, actor=inspector_wj, action="start_investigation")
    case_wj.refresh_from_db()
    assert case_wj.stage == "proposed"


def test_the_leaders_approval_files_the_case_and_starts_the_90_days(case_wj, leader_wj):
    with pytest.raises(ValidationFailed):
        case_transition(case_id=case_wj.pk, actor=leader_wj, action="approve_filing", reason=" ")
    case = case_transition(case_id=case_wj.pk, actor=leader_wj, action="approve_filing", effective_date=APPROVED_ON,
                           reason="涉嫌违法事实清楚，属本局管辖，同意立案。")
    assert (case.stage, case.filed_on, case.decision_due) == ("filed", APPROVED_ON, dt.date(2027, 2, 2))
    assert case.stage_due == dt.date(2026, 11, 13)  # investigation starts within 7 working days
    assert _opened(case) == 1
    event = AuditEvent.objects.filter(action="case.approve_filing").get()
    assert (event.actor_id, event.reason, event.after["filed_on"]) == (
        leader_wj.pk, "涉嫌违法事实清楚，属本局管辖，同意立案。", "2026-11-04")


def test_a_refused_filing_closes_the_proposal_without_a_case_record(case_wj, leader_wj):
    case = case_transition(case_id=case_wj.pk, actor=leader_wj, action="reject_filing", effective_date=APPROVED_ON,
                           reason="不属于本局管辖，移送有管辖权的机关。")
    assert (case.stage, case.outcome, case.closed_on) == ("closed", "not_filed", APPROVED_ON)
    assert _opened(case) == 0


def test_the_leader_is_told_and_finds_the_proposal_in_his_queue(entity_wj, inspector_wj, inspector2_wj, leader_wj,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = case_open(entity=entity_wj, opened_by=inspector_wj, title="涉嫌超标排放案",
                         handlers=[inspector_wj, inspector2_wj], filed_on=timezone.localdate())
    note = Notification.objects.get(recipient=leader_wj)
    assert note.params["number"] == case.number and note.params["stage"] == {"t": "Awaiting filing approval"}
    assert list(cases_waiting_for(leader_wj)) == [case]
    assert case not in cases_waiting_for(inspector_wj)


def test_the_case_page_offers_the_approval_to_the_leader_only(case_wj, leader_wj, inspector_wj):
    leader, inspector = Client(), Client()
    leader.force_login(leader_wj)
    inspector.force_login(inspector_wj)
    for client in (leader, inspector):
        client.cookies["django_language"] = "en"
    html = leader.get(f"/cases/{case_wj.pk}/").content.decode()
    assert 'data-action="approve_filing"' in html and 'data-action="reject_filing"' in html
    assert "Awaiting filing approval" in html and "Case proposed for filing" in html  # the timeline's first step
    html = inspector.get(f"/cases/{case_wj.pk}/").content.decode()
    assert 'data-action="approve_filing"' not in html
    response = leader.post(f"/cases/{case_wj.pk}/", {"action": "approve_filing", "expected_stage": "proposed",
                                                     "reason": "同意立案。"})
    assert response.status_code == 302
    case_wj.refresh_from_db()
    assert case_wj.stage == "filed"
