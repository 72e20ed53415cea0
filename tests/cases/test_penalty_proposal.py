"""The proposed penalty (拟处罚) of case review: legal review examines it, the advance notice states it, and the
decision starts from it (行政处罚法 arts. 44, 57, 58)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from ecoenforce.cases.case_documents import advance_notice_document
from ecoenforce.cases.models import Case
from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import InvalidTransition, ValidationFailed
from ecoenforce.core.models import AuditEvent
from factories import DECISION_MATTER, publish_starter_catalogue

ON = dt.date(2026, 11, 2)
MAJOR = {"levels": {"exceedance": "50to100"}}  # (10 % + 10 %) × 1,000,000 = 200,000 yuan: at the review threshold


@pytest.fixture(autouse=True)
def current_catalogue(db):
    publish_starter_catalogue()


@pytest.fixture
def in_review(case_wj, advance, inspector_wj):
    """A case just submitted for case review: no penalty proposed yet."""
    case = advance(case_wj, to=Stage.INVESTIGATION)
    case = case_transition(case_id=case.pk, actor=inspector_wj, action="submit_for_review", effective_date=ON)
    assert case.stage == Stage.REVIEW and case.proposal == {}
    return case


def _snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return case.stage, case.proposal, case.fine_computed, case.matter_id, AuditEvent.objects.count()


@pytest.mark.parametrize("action", ["send_to_legal_review", "proceed_to_notice"])
def test_nothing_leaves_case_review_without_a_proposed_penalty(in_review, leader_wj, action):
    before = _snapshot(in_review)
    with pytest.raises(InvalidTransition) as exc:
        case_transition(case_id=in_review.pk, actor=leader_wj, action=action, effective_date=ON)
    assert exc.value.code == "proposal_required"
    assert "请先提出拟处罚意见" in str(exc.value.message)
    assert _snapshot(in_review) == before


def test_the_handlers_propose_with_their_findings_and_case_review_sees_it(case_wj, advance, inspector_wj):
    case = advance(case_wj, to=Stage.INVESTIGATION)
    case_transition(case_id=case.pk, actor=inspector_wj, action="propose_penalty", matter_code=DECISION_MATTER,
                    effective_date=ON)
    case = case_transition(case_id=case.pk, actor=inspector_wj, action="submit_for_review", effective_date=ON)
    assert case.stage == Stage.REVIEW and case.proposal["fine"] == "100000.00"
    assert case.proposal["by"] == inspector_wj.pk


def test_the_proposal_records_the_matter_the_computed_fine_and_its_explanation(in_review, leader_wj):
    case = case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty",
                           matter_code=DECISION_MATTER, discretion=MAJOR, penalty_kinds=["correction"],
                           effective_date=ON)
    assert case.stage == Stage.REVIEW
    assert case.proposal == {"matter": DECISION_MATTER, "fine": "200000.00", "kinds": ["correction"],
                             "on": "2026-11-02", "by": leader_wj.pk}
    assert case.fine_computed == Decimal("200000") and case.matter.code == DECISION_MATTER
    assert case.discretion["facts"]["levels"] == {"exceedance": "50to100"} and case.discretion["lines"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "case.propose_penalty" and event.after["proposal"]["fine"] == "200000.00"


def test_a_major_proposal_cannot_skip_legal_review(in_review, leader_wj, legal_wj):
    case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty", matter_code=DECISION_MATTER,
                    discretion=MAJOR, effective_date=ON)
    before = _snapshot(in_review)
    with pytest.raises(InvalidTransition) as exc:
        case_transition(case_id=in_review.pk, actor=leader_wj, action="proceed_to_notice", effective_date=ON)
    assert exc.value.code == "legal_review_required" and "200000" in str(exc.value.message)
    assert _snapshot(in_review) == before
    case = case_transition(case_id=in_review.pk, actor=leader_wj, action="send_to_legal_review", effective_date=ON)
    case = case_transition(case_id=case.pk, actor=legal_wj, action="legal_review_pass", reason="事实清楚，裁量适当。",
                           effective_date=ON)
    assert case.stage == Stage.NOTICE


def test_a_production_stop_makes_the_proposal_major_and_a_minor_one_goes_to_the_notice(in_review, leader_wj):
    case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty", matter_code=DECISION_MATTER,
                    penalty_kinds=["restrict"], effective_date=ON)
    with pytest.raises(InvalidTransition):
        case_transition(case_id=in_review.pk, actor=leader_wj, action="proceed_to_notice", effective_date=ON)
    # Proposed again without the production stop: 100,000 yuan (nothing determined), not major.
    case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty", matter_code=DECISION_MATTER,
                    effective_date=ON)
    case = case_transition(case_id=in_review.pk, actor=leader_wj, action="proceed_to_notice", effective_date=ON)
    assert case.stage == Stage.NOTICE and case.proposal["fine"] == "100000.00"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"matter_code": ""}, "matter"),
    ({"matter_code": DECISION_MATTER, "fine_amount": "1000001", "deviation_reason": "情节特别严重。"}, "fine_amount"),
    ({"matter_code": DECISION_MATTER, "fine_amount": "150000"}, "deviation_reason"),
    ({"matter_code": DECISION_MATTER, "fine_amount": "十万"}, "fine_amount"),
])
def test_a_bad_proposal_is_refused_naming_the_field_and_writes_nothing(in_review, leader_wj, kwargs, field):
    before = _snapshot(in_review)
    with pytest.raises(ValidationFailed) as exc:
        case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty", effective_date=ON, **kwargs)
    assert field in exc.value.details
    assert _snapshot(in_review) == before


def test_the_advance_notice_states_the_proposed_penalty(in_review, leader_wj, inspector_wj):
    case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty", matter_code=DECISION_MATTER,
                    fine_amount="150000", deviation_reason="超标时间较长，情节较重。", penalty_kinds=["correction"],
                    effective_date=ON)
    case_transition(case_id=in_review.pk, actor=leader_wj, action="proceed_to_notice", effective_date=ON)
    case = case_transition(case_id=in_review.pk, actor=inspector_wj, action="serve_notice", effective_date=ON)
    text = "".join(advance_notice_document(case).paragraphs)
    assert "拟对你单位作出如下行政处罚：罚款人民币150000.00元；责令改正。" in text


@pytest.mark.parametrize(("lang", "words"), [("en", ("Proposed penalty", "fine of 200000.00 yuan")),
                                             ("zh-hans", ("拟处罚", "罚款200000.00元"))])
def test_the_reviewer_sees_the_proposal_and_the_decision_form_opens_with_it(in_review, leader_wj, legal_wj, lang,
                                                                             words, inspector_wj):
    case_transition(case_id=in_review.pk, actor=leader_wj, action="propose_penalty", matter_code=DECISION_MATTER,
                    discretion=MAJOR, effective_date=ON)
    case_transition(case_id=in_review.pk, actor=leader_wj, action="send_to_legal_review", effective_date=ON)
    reviewer = Client()
    reviewer.force_login(legal_wj)
    reviewer.cookies["django_language"] = lang
    page = reviewer.get(f"/cases/{in_review.pk}/").content.decode()
    assert all(w in page for w in words), words
    assert 'data-testid="proposal"' in page
    case_transition(case_id=in_review.pk, actor=legal_wj, action="legal_review_pass", reason="同意。", effective_date=ON)
    case_transition(case_id=in_review.pk, actor=inspector_wj, action="serve_notice", effective_date=ON)
    case_transition(case_id=in_review.pk, actor=inspector_wj, action="record_waiver", reason="书面放弃。",
                    effective_date=ON)
    leader = Client()
    leader.force_login(leader_wj)
    leader.cookies["django_language"] = lang
    form = leader.get(f"/cases/{in_review.pk}/").content.decode()
    assert f'<option value="{DECISION_MATTER}" selected>' in form
    assert '<option value="50to100" selected>' in form
    assert 'data-testid="form-error"' not in form  # filled in, nothing went wrong
