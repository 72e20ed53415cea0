"""告知: the advance notice is served, the party's 5-working-day period runs (across holidays), and the decision is
refused before it ends unless the party waived its rights in writing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage, notice_blocks_decision
from ecoenforce.core.audit_labels import action_label
from ecoenforce.core.errors import InvalidTransition
from ecoenforce.core.models import AuditEvent
from factories import DECISION_MATTER, publish_starter_catalogue

TEXT = "经查，你单位超标排放大气污染物，决定处以罚款人民币100000元。"


@pytest.fixture(autouse=True)
def current_catalogue(db):
    publish_starter_catalogue()


@pytest.fixture
def notified_not(case_wj, advance, legal_wj):
    """A case just past legal review: at NOTICE, no notice served yet."""
    case = advance(case_wj, to=Stage.LEGAL_REVIEW)
    return case_transition(case_id=case.pk, actor=legal_wj, action="legal_review_pass", reason="同意。",
                           effective_date=dt.date(2026, 9, 28))


def _decide(case, leader, on):
    return case_transition(case_id=case.pk, actor=leader, action="decide", decision_text=TEXT,
                           matter_code=DECISION_MATTER, effective_date=on)


def _state(case):
    case.refresh_from_db()
    return (case.stage, case.decision_number, case.notice_served_on, case.notice_waived_on, AuditEvent.objects.count())


def test_no_decision_before_the_notice_is_served(notified_not, leader_wj):
    before = _state(notified_not)
    with pytest.raises(InvalidTransition) as exc_info:
        _decide(notified_not, leader_wj, dt.date(2026, 12, 1))
    assert exc_info.value.code == "notice_not_served"
    assert _state(notified_not) == before


@pytest.mark.parametrize(("served", "ends"), [
    (dt.date(2026, 11, 2), dt.date(2026, 11, 9)),  # Monday → the Monday after (a weekend between)
    (dt.date(2026, 11, 6), dt.date(2026, 11, 13)),  # Friday → Friday
    (dt.date(2026, 9, 30), dt.date(2026, 10, 13)),  # National Day 1–7 Oct off, Saturday 10 Oct worked
])
def test_the_period_is_five_working_days_and_the_decision_waits_for_it(notified_not, inspector_wj, leader_wj,
                                                                      served, ends):
    case = case_transition(case_id=notified_not.pk, actor=inspector_wj, action="serve_notice", effective_date=served)
    assert (case.notice_served_on, case.notice_period_ends, case.stage_due, case.stage) == (served, ends, ends, "notice")
    before = _state(case)
    with pytest.raises(InvalidTransition) as exc_info:
        _decide(case, leader_wj, ends)  # the last day of the period still belongs to the party
    assert exc_info.value.code == "notice_period_running"
    assert str(ends) in str(exc_info.value.message)
    assert _state(case) == before
    decided = _decide(case, leader_wj, ends + dt.timedelta(days=1))
    assert decided.stage == "decision"


def test_a_written_waiver_allows_the_decision_at_once_and_is_recorded(notified_not, inspector_wj, leader_wj):
    served = dt.date(2026, 11, 2)
    with pytest.raises(InvalidTransition) as exc_info:  # nothing to waive before the party is told
        case_transition(case_id=notified_not.pk, actor=inspector_wj, action="record_waiver", reason="放弃。",
                        effective_date=served)
    assert exc_info.value.code == "notice_not_served"
    case_transition(case_id=notified_not.pk, actor=inspector_wj, action="serve_notice", effective_date=served)
    case = case_transition(case_id=notified_not.pk, actor=inspector_wj, action="record_waiver", effective_date=served,
                           reason="当事人于2026年11月2日书面声明放弃陈述、申辩和听证权利。")
    assert (case.notice_waived_on, case.stage_due) == (served, dt.date(2026, 11, 9))
    assert _decide(case, leader_wj, served).stage == "decision"
    actions = list(AuditEvent.objects.filter(object_id=str(case.pk)).order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["case.serve_notice", "case.record_waiver", "case.decide"]
    waiver = AuditEvent.objects.get(action="case.record_waiver")
    assert (waiver.reason, waiver.after["notice_waived_on"]) == (
        "当事人于2026年11月2日书面声明放弃陈述、申辩和听证权利。", "2026-11-02")


def test_serving_again_restarts_the_period_and_drops_an_earlier_waiver(notified_not, inspector_wj, leader_wj):
    case_transition(case_id=notified_not.pk, actor=inspector_wj, action="serve_notice", effective_date=dt.date(2026, 11, 2))
    case_transition(case_id=notified_not.pk, actor=inspector_wj, action="record_waiver", reason="放弃。",
                    effective_date=dt.date(2026, 11, 2))
    case = case_transition(case_id=notified_not.pk, actor=inspector_wj, action="serve_notice",
                           effective_date=dt.date(2026, 11, 4))  # a changed proposal is notified anew
    assert (case.notice_waived_on, case.notice_period_ends) == (None, dt.date(2026, 11, 11))
    with pytest.raises(InvalidTransition):
        _decide(case, leader_wj, dt.date(2026, 11, 5))


@pytest.mark.parametrize(("served", "ends", "waived", "today", "expected"), [
    (None, None, None, dt.date(2026, 1, 1), "not_served"),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 9), None, dt.date(2026, 11, 9), "period_running"),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 9), None, dt.date(2026, 11, 10), ""),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 3), dt.date(2026, 11, 3), ""),
    (dt.date(2026, 11, 4), dt.date(2026, 11, 11), dt.date(2026, 11, 3), dt.date(2026, 11, 5), "period_running"),
])
def test_notice_blocks_decision(served, ends, waived, today, expected):
    assert notice_blocks_decision(served_on=served, period_ends=ends, waived_on=waived, today=today) == expected


def test_the_steps_have_names_in_both_languages():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert action_label("case.serve_notice") == "已送达行政处罚事先告知书"
        assert action_label("case.record_waiver") == "已记录当事人书面放弃陈述、申辩和听证权利"


def test_the_case_page_shows_the_notice_and_offers_its_steps(notified_not, inspector_wj):
    client = Client()
    client.force_login(inspector_wj)
    client.cookies["django_language"] = "en"
    html = client.get(f"/cases/{notified_not.pk}/").content.decode()
    assert 'data-action="serve_notice"' in html and "Record service of the advance notice" in html
    assert 'data-testid="notice"' not in html
    response = client.post(f"/cases/{notified_not.pk}/", {"action": "serve_notice", "expected_stage": "notice"})
    assert response.status_code == 302
    notified_not.refresh_from_db()
    html = client.get(f"/cases/{notified_not.pk}/").content.decode()
    assert 'data-testid="notice"' in html
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("en"):
        assert date_format(notified_not.notice_period_ends) in html
