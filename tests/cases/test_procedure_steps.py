"""The procedure steps through the one transition service: suspension and termination of the investigation, the
extension of the decision limit, hearings, collective discussion, service, payment, court enforcement, and the
daily-penalty rounds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecoenforce.cases.daily_penalty_services import (
    correction_order_serve,
    daily_penalty_state,
    reinspection_record,
)
from ecoenforce.cases.models import Case, CorrectionOrder, Hearing, Payment
from ecoenforce.cases.procedure_services import payment_owed
from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.audit_labels import action_label
from ecoenforce.core.errors import InvalidTransition, ValidationFailed
from ecoenforce.core.models import AuditEvent
from factories import DECISION_MATTER, publish_starter_catalogue

ON = dt.date(2026, 11, 2)  # a Monday; the notice period then ends on Monday 9 November
TEXT = "经查，你单位超标排放大气污染物，决定处以罚款人民币150000元。"


@pytest.fixture(autouse=True)
def current_catalogue(db):
    publish_starter_catalogue()


def _step(case, actor, action, on, **kwargs):
    return case_transition(case_id=case.pk, actor=actor, action=action, effective_date=on, **kwargs)


@pytest.fixture
def notified(case_wj, advance, leader_wj, inspector_wj):
    """Taken from case review to the notice (not major), the advance notice served on ON."""
    case = advance(case_wj, to=Stage.REVIEW)
    _step(case, leader_wj, "propose_penalty", ON, matter_code=DECISION_MATTER)  # minor: 100,000 yuan
    _step(case, leader_wj, "proceed_to_notice", ON)
    return _step(case, inspector_wj, "serve_notice", ON)


def _decide(case, leader, on, **kwargs):
    return _step(case, leader, "decide", on, decision_text=TEXT, matter_code=DECISION_MATTER, fine_amount="150000",
                 deviation_reason="情节较重。", **kwargs)


def test_a_suspension_stops_the_limit_and_the_resumption_gives_back_the_working_days_left(
        case_wj, advance, leader_wj, inspector_wj):
    case = advance(case_wj, to=Stage.INVESTIGATION)
    due = case.decision_due  # 90 days from the filing (2026-11-02) → 2027-01-31, a Sunday → 2027-02-01
    case = _step(case, leader_wj, "suspend_investigation", dt.date(2026, 11, 16), reason="需等待司法鉴定结论。")
    assert (case.stage, case.suspended_on, case.stage_due) == (Stage.SUSPENDED, dt.date(2026, 11, 16), None)
    left = case.suspended_days_left
    assert left > 40
    with pytest.raises(InvalidTransition):  # nothing moves while suspended but the head's resumption or termination
        _step(case, inspector_wj, "submit_for_review", dt.date(2026, 11, 20))
    case = _step(case, leader_wj, "resume_investigation", dt.date(2027, 3, 1), reason="鉴定结论已出具。")
    assert case.stage == Stage.INVESTIGATION and case.suspended_on is None
    assert case.decision_due > due
    from ecoenforce.core.calendar import calendar_current
    assert calendar_current().working_days_between(dt.date(2027, 3, 1), case.decision_due) == left
    event = AuditEvent.objects.filter(action="case.resume_investigation").get()
    assert event.after["working_days_left"] == left
    assert action_label("case.suspend_investigation") != "case.suspend_investigation"


def test_a_termination_closes_the_case_with_its_reason(case_wj, advance, leader_wj):
    case = advance(case_wj, to=Stage.INVESTIGATION)
    case = _step(case, leader_wj, "suspend_investigation", ON, reason="当事人下落不明。")
    with pytest.raises(ValidationFailed):
        _step(case, leader_wj, "terminate_investigation", ON)
    case = _step(case, leader_wj, "terminate_investigation", ON, reason="违法主体已注销，无承受权利义务者。")
    assert (case.stage, case.outcome, case.closed_on) == (Stage.CLOSED, Case.Outcome.TERMINATED, ON)


def test_the_decision_limit_is_extended_once_by_thirty_days(case_wj, advance, leader_wj):
    case = advance(case_wj, to=Stage.INVESTIGATION)
    due = case.decision_due
    case = _step(case, leader_wj, "extend_decision_limit", ON, reason="案情复杂，经负责人批准延长30日。")
    assert case.decision_extended_on == ON and (case.decision_due - due).days >= 30
    with pytest.raises(InvalidTransition) as exc_info:
        _step(case, leader_wj, "extend_decision_limit", ON, reason="再次延长。")
    assert exc_info.value.code == "already_extended"


def test_a_hearing_request_is_taken_only_within_the_notice_period(notified, inspector_wj):
    with pytest.raises(InvalidTransition) as exc_info:
        _step(notified, inspector_wj, "request_hearing", dt.date(2026, 11, 10))
    assert exc_info.value.code == "hearing_request_late"
    assert "2026-11-09" in str(exc_info.value.message)
    _step(notified, inspector_wj, "request_hearing", dt.date(2026, 11, 9), details={"request_text": "要求听证。"})
    assert Hearing.objects.get(case=notified).requested_on == dt.date(2026, 11, 9)


def test_the_hearing_path_notice_seven_working_days_before_a_host_who_did_not_investigate_then_review(
        notified, inspector_wj, inspector2_wj, leader_wj, legal_wj):
    _step(notified, inspector_wj, "request_hearing", dt.date(2026, 11, 4), details={"request_text": "对罚款数额有异议。"})
    with pytest.raises(InvalidTransition) as exc_info:  # no decision while the requested hearing is pending
        _decide(notified, leader_wj, dt.date(2026, 11, 20))
    assert exc_info.value.code == "hearing_pending"
    with pytest.raises(ValidationFailed) as exc_info:  # 7 working days from Thu 5 Nov → Mon 16 Nov
        _step(notified, inspector_wj, "schedule_hearing", dt.date(2026, 11, 5),
              details={"hearing_on": "2026-11-13", "place": "武进分局三楼听证室"})
    message = str(exc_info.value.message)
    assert "2026-11-13" in message and "2026-11-05" in message and "2026-11-16" in message
    case = _step(notified, inspector_wj, "schedule_hearing", dt.date(2026, 11, 5),
                 details={"hearing_on": "2026-11-16", "place": "武进分局三楼听证室"})
    hearing = Hearing.objects.get(case=case)
    assert (hearing.hearing_on, hearing.notice_number, case.stage_due) == (
        dt.date(2026, 11, 16), "武环听通〔2026〕1号", dt.date(2026, 11, 16))
    record = {"host": inspector2_wj.pk, "attendees": "当事人委托代理人王律师；承办人周明、吴静",
              "arguments": "当事人称超标系设备故障所致，已及时维修。", "outcome": "当事人陈述申辩理由不成立，维持拟处罚意见。"}
    with pytest.raises(InvalidTransition) as exc_info:
        _step(case, leader_wj, "record_hearing", dt.date(2026, 11, 13), details=record)
    assert exc_info.value.code == "hearing_not_yet"
    with pytest.raises(ValidationFailed) as exc_info:  # a handler of the case cannot host its hearing
        _step(case, leader_wj, "record_hearing", dt.date(2026, 11, 16), details=record)
    assert "host" in exc_info.value.details
    case = _step(case, leader_wj, "record_hearing", dt.date(2026, 11, 16), details={**record, "host": legal_wj.pk})
    assert Hearing.objects.get(case=case).held_on == dt.date(2026, 11, 16)
    # The hearing makes the decision major: no decision without a legal review after it.
    with pytest.raises(InvalidTransition) as exc_info:
        _decide(case, leader_wj, dt.date(2026, 11, 17))
    assert exc_info.value.code == "legal_review_required" and "听证" in str(exc_info.value.message)
    _step(case, leader_wj, "send_to_legal_review", dt.date(2026, 11, 17))
    _step(case, legal_wj, "legal_review_pass", dt.date(2026, 11, 18), reason="经听证，事实清楚，同意。")
    case = _decide(case, leader_wj, dt.date(2026, 11, 19))
    assert case.stage == Stage.DECISION
    gate = AuditEvent.objects.filter(action="case.decide").get().after["legal_review"]
    assert gate["hearing_held"] is True and {"code": "hearing_held", "subject": ""} in gate["major"]


def test_a_review_given_before_the_hearing_does_not_cover_the_decision(case_wj, advance, inspector_wj, leader_wj,
                                                                        legal_wj):
    case = advance(case_wj, to=Stage.LEGAL_REVIEW)
    _step(case, legal_wj, "legal_review_pass", ON, reason="同意。")
    _step(case, inspector_wj, "serve_notice", ON)
    _step(case, inspector_wj, "request_hearing", ON)
    _step(case, inspector_wj, "schedule_hearing", ON, details={"hearing_on": "2026-11-20", "place": "听证室"})
    _step(case, inspector_wj, "record_hearing", dt.date(2026, 11, 20),
          details={"host": legal_wj.pk, "attendees": "当事人", "arguments": "无异议。", "outcome": "维持。"})
    with pytest.raises(InvalidTransition) as exc_info:
        _decide(case, leader_wj, dt.date(2026, 11, 23))
    assert exc_info.value.code == "legal_review_required"


def test_a_heavy_penalty_needs_a_recorded_collective_discussion(notified, leader_wj):
    kwargs = {"penalty_kinds": []}
    later = dt.date(2026, 11, 10)
    with pytest.raises(InvalidTransition) as exc_info:
        _step(notified, leader_wj, "decide", later, decision_text=TEXT, matter_code=DECISION_MATTER,
              fine_amount="1000000", deviation_reason="情节特别严重。", **kwargs)
    assert exc_info.value.code in ("discussion_required", "legal_review_required")
    with pytest.raises(ValidationFailed) as exc_info:
        _step(notified, leader_wj, "record_discussion", later, details={"participants": "局长"})
    assert "conclusion" in exc_info.value.details
    _step(notified, leader_wj, "record_discussion", later,
          details={"participants": "局长、副局长、法制科长", "conclusion": "顶格处罚。"})
    assert notified.discussions.count() == 1


@pytest.fixture
def decided(notified, leader_wj):
    return _decide(notified, leader_wj, dt.date(2026, 11, 10))


def test_service_starts_the_payment_period_and_lateness_adds_the_surcharge(decided, inspector_wj):
    with pytest.raises(ValidationFailed) as exc_info:  # electronic service needs the party's consent
        _step(decided, inspector_wj, "serve", dt.date(2026, 11, 12),
              details={"method": "electronic", "recipient": "hbzx@hengtai.cn"})
    assert "consent" in exc_info.value.details
    case = _step(decided, inspector_wj, "serve", dt.date(2026, 11, 12),
                 details={"method": "direct", "recipient": "张卫东（法定代表人）"})
    assert (case.decision_served_on, case.payment_due, case.service_method) == (
        dt.date(2026, 11, 12), dt.date(2026, 11, 27), "direct")
    owed = payment_owed(case, dt.date(2026, 11, 30))
    assert (owed.fine_left, owed.surcharge, owed.overdue) == (Decimal("150000.00"), Decimal("13500.00"), True)
    with pytest.raises(ValidationFailed):
        _step(case, inspector_wj, "record_payment", dt.date(2026, 11, 30), details={"amount": "-5", "receipt_no": "1"})
    _step(case, inspector_wj, "record_payment", dt.date(2026, 11, 30),
          details={"amount": "150000", "receipt_no": "JS2026113000123"})
    payment = Payment.objects.get(case=case)
    assert (payment.surcharge_due, payment.receipt_no) == (Decimal("13500.00"), "JS2026113000123")
    assert payment_owed(case, dt.date(2026, 12, 30)).fine_left == 0


def test_court_enforcement_only_after_the_appeal_periods_without_payment(decided, inspector_wj, leader_wj):
    _step(decided, inspector_wj, "serve", dt.date(2026, 11, 12), details={"method": "post", "recipient": "张卫东"})
    case = _step(decided, inspector_wj, "start_execution", dt.date(2026, 11, 30))
    with pytest.raises(InvalidTransition) as exc_info:
        _step(case, leader_wj, "apply_enforcement", dt.date(2027, 5, 12), reason="逾期未缴纳。",
              details={"court": "常州市武进区人民法院"})
    assert exc_info.value.code == "enforcement_periods_running" and "2027-05-13" in str(exc_info.value.message)
    case = _step(case, leader_wj, "apply_enforcement", dt.date(2027, 5, 13), reason="逾期未缴纳，经催告仍未履行。",
                 details={"court": "常州市武进区人民法院"})
    assert (case.enforcement_applied_on, case.enforcement_court) == (dt.date(2027, 5, 13), "常州市武进区人民法院")


def test_daily_penalty_rounds_from_the_order_to_the_stop(decided, inspector_wj):
    with pytest.raises(InvalidTransition):
        reinspection_record(case_id=decided.pk, actor=inspector_wj, finding="not_corrected", notes="x")
    order = correction_order_serve(case_id=decided.pk, actor=inspector_wj, served_on=dt.date(2026, 11, 11),
                                   notes="责令立即停止超标排放。")
    assert (order.round_no, order.number, order.reinspection_due) == (1, "武环责改〔2026〕1号", dt.date(2026, 12, 11))
    with pytest.raises(InvalidTransition) as exc_info:
        correction_order_serve(case_id=decided.pk, actor=inspector_wj, served_on=dt.date(2026, 11, 12))
    assert exc_info.value.code == "daily_round_open"
    state = daily_penalty_state(decided, today=dt.date(2026, 12, 12))
    assert (state.next, state.overdue) == ("reinspect", True)
    order = reinspection_record(case_id=decided.pk, actor=inspector_wj, finding="not_corrected",
                                reinspected_on=dt.date(2026, 11, 25), notes="暗查发现仍在超标排放。")
    assert (order.days, order.amount) == (14, Decimal("2100000.00"))  # 150,000 × 14
    correction_order_serve(case_id=decided.pk, actor=inspector_wj, served_on=dt.date(2026, 11, 26))
    order = reinspection_record(case_id=decided.pk, actor=inspector_wj, finding="production_stopped",
                                reinspected_on=dt.date(2026, 12, 10), notes="已停产。")
    assert (order.days, order.amount) == (None, None)
    state = daily_penalty_state(decided, today=dt.date(2026, 12, 12))
    assert (state.next, state.total_days, state.total_amount) == ("stopped", 14, Decimal("2100000.00"))
    with pytest.raises(InvalidTransition) as exc_info:
        correction_order_serve(case_id=decided.pk, actor=inspector_wj, served_on=dt.date(2026, 12, 11))
    assert exc_info.value.code == "daily_stopped"
    assert CorrectionOrder.objects.filter(case=decided).count() == 2
    assert AuditEvent.objects.filter(action="case.reinspection").count() == 2


def test_the_handlers_queue_shows_the_hearing_the_reinspection_and_the_overdue_fine(notified, inspector_wj,
                                                                                       leader_wj):
    from ecoenforce.core.queue import queue_for_user

    def items(today):
        return {s.source.key: [(i.due, i.overdue) for i in s.items] for s in queue_for_user(inspector_wj, today=today)
                if s.source.key in ("cases.hearings", "cases.reinspections", "cases.payments")}

    _step(notified, inspector_wj, "request_hearing", dt.date(2026, 11, 3))
    _step(notified, inspector_wj, "schedule_hearing", dt.date(2026, 11, 3),
          details={"hearing_on": "2026-11-13", "place": "听证室"})
    assert items(dt.date(2026, 11, 14))["cases.hearings"] == [(dt.date(2026, 11, 13), True)]
    _step(notified, leader_wj, "record_hearing", dt.date(2026, 11, 13),
          details={"host": leader_wj.pk, "attendees": "当事人", "arguments": "无。", "outcome": "维持。"})
    assert items(dt.date(2026, 11, 14))["cases.hearings"] == []
    Case.objects.filter(pk=notified.pk).update(legal_reviewed_on=dt.date(2026, 11, 13))
    _decide(notified, leader_wj, dt.date(2026, 11, 16))
    _step(notified, inspector_wj, "serve", dt.date(2026, 11, 16), details={"method": "direct", "recipient": "张卫东"})
    correction_order_serve(case_id=notified.pk, actor=inspector_wj, served_on=dt.date(2026, 11, 16))
    queued = items(dt.date(2026, 12, 20))
    assert queued["cases.reinspections"] == [(dt.date(2026, 12, 16), True)]
    assert [due for due, _overdue in queued["cases.payments"]] == [dt.date(2026, 12, 1)]


def test_the_case_page_takes_the_hearing_steps_and_refuses_a_hearing_too_soon(notified, inspector_wj, leader_wj):
    from django.test import Client
    from django.utils import timezone

    _step(notified, inspector_wj, "serve_notice", timezone.localdate())  # served again today: the page acts today
    client = Client()
    client.force_login(inspector_wj)
    url = f"/cases/{notified.pk}/"
    page = client.get(url).content.decode()
    assert 'data-action="request_hearing"' in page and "登记当事人听证申请" in page
    client.post(url, {"action": "request_hearing", "expected_stage": "notice", "request_text": "要求听证。"})
    assert Hearing.objects.filter(case=notified).exists()
    response = client.post(url, {"action": "schedule_hearing", "expected_stage": "notice", "hearing_on": "2000-01-03",
                                 "place": "听证室"})
    page = response.content.decode()
    assert "听证过早" in page and "2000-01-03" in page  # refused, with the dates, the form kept
    client.cookies["django_language"] = "en"
    assert "Serve the hearing notice" in client.get(url).content.decode()


def test_over_the_api_a_step_takes_its_details(decided, inspector_wj):
    from django.test import Client

    client = Client()
    client.force_login(inspector_wj)
    url = f"/api/v1/cases/{decided.pk}/transition"
    refused = client.post(url, {"action": "serve", "details": {"method": "pigeon", "recipient": "张卫东"}},
                          content_type="application/json")
    assert refused.status_code == 422
    served = client.post(url, {"action": "serve", "details": {"method": "post", "recipient": "张卫东"}},
                         content_type="application/json")
    assert served.status_code == 200, served.content
    decided.refresh_from_db()
    assert (decided.service_method, decided.service_recipient) == ("post", "张卫东")
