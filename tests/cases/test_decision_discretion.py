"""The decision uses the discretion core: the fine is computed and explained, stored and printed; a fine outside
the statutory range is refused; a fine other than the computed one needs a written reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from ecoenforce.cases.documents import decision_document
from ecoenforce.cases.models import Case
from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import AuditEvent, DocumentSequence
from factories import DECISION_MATTER, publish_starter_catalogue

ON = dt.date(2026, 11, 2)
TEXT = "经查，你单位超标排放大气污染物，决定处以罚款。"


@pytest.fixture(autouse=True)
def current_catalogue(db):
    publish_starter_catalogue()


@pytest.fixture
def at_notice(case_wj, advance):
    return advance(case_wj, to=Stage.NOTICE)


def _decide(case, leader, **kwargs):
    return case_transition(case_id=case.pk, actor=leader, action="decide", decision_text=TEXT, effective_date=ON,
                           **{"matter_code": DECISION_MATTER, **kwargs})


def _unchanged(case) -> tuple:
    case.refresh_from_db()
    return (case.stage, case.fine_amount, case.fine_computed, case.discretion, case.decision_number,
            AuditEvent.objects.count(), DocumentSequence.objects.filter(kind="penalty").count())


def test_the_fine_is_computed_explained_and_stored_with_the_policy_version(at_notice, leader_wj):
    case = _decide(at_notice, leader_wj, discretion={
        "levels": {"exceedance": "100to200", "area": "sensitive"}, "situations": ["social"], "apology": True,
        "apology_percent": "40"})
    case.refresh_from_db()
    # (10 % + 20 % + 20 %) × 1,000,000 = 500,000; + 10 % of 900,000 = 590,000; − 40 % = 354,000
    assert (case.stage, case.fine_amount, case.fine_computed, case.fine_deviation_reason) == (
        "decision", Decimal("354000.00"), Decimal("354000.00"), "")
    assert (case.discretion["version"], case.discretion["benchmark"], case.discretion["fine"]) == (
        1, "exceed-discharge", "354000.00")
    assert case.discretion["facts"] == {"levels": {"area": "sensitive", "exceedance": "100to200"},
                                        "situations": ["social"], "no_penalty": "", "apology": True,
                                        "apology_percent": "40", "exclusions": []}
    event = AuditEvent.objects.filter(action="case.decide").get()
    assert event.after["discretion"]["fine"] == "354000.00" and event.after["fine_computed"] == "354000.00"


def test_below_the_minimum_is_refused_even_with_a_reason(at_notice, leader_wj):
    before = _unchanged(at_notice)
    with pytest.raises(ValidationFailed) as exc_info:
        _decide(at_notice, leader_wj, fine_amount="50000", deviation_reason="当事人困难。")
    assert list(exc_info.value.details) == ["fine_amount"]
    assert "100000" in str(exc_info.value.message) and "减轻" in str(exc_info.value.message)
    assert _unchanged(at_notice) == before


def test_below_the_minimum_only_through_a_recorded_reduced_ground(at_notice, leader_wj):
    case = _decide(at_notice, leader_wj, discretion={"situations": ["reduced", "confessed"]})
    case.refresh_from_db()
    assert (case.fine_amount, case.discretion["reduced"]) == (Decimal("50000.00"), True)
    assert [ln["kind"] for ln in case.discretion["lines"]][-2:] == ["reduced", "result"]


def test_a_different_fine_needs_a_written_reason(at_notice, leader_wj):
    before = _unchanged(at_notice)
    with pytest.raises(ValidationFailed) as exc_info:
        _decide(at_notice, leader_wj, fine_amount="150000", deviation_reason="  ")
    assert list(exc_info.value.details) == ["deviation_reason"]
    assert "100000.00" in str(exc_info.value.message)
    assert _unchanged(at_notice) == before
    case = _decide(at_notice, leader_wj, fine_amount="150000", deviation_reason="拒不配合调查，集体讨论决定。")
    case.refresh_from_db()
    assert (case.fine_amount, case.fine_computed, case.fine_deviation_reason) == (
        Decimal("150000.00"), Decimal("100000.00"), "拒不配合调查，集体讨论决定。")


def test_the_computed_fine_typed_again_needs_no_reason(at_notice, leader_wj):
    case = _decide(at_notice, leader_wj, fine_amount="100,000.00")
    assert case.fine_amount == case.fine_computed == Decimal("100000.00")


@pytest.mark.parametrize(("discretion", "field"), [
    ({"no_penalty": "minor"}, "discretion"),  # a no-penalty outcome is not a penalty decision
    ({"no_penalty": "first"}, "discretion"),
    ({"levels": {"exceedance": "huge"}}, "discretion"),
    ({"situations": ["bad_luck"]}, "discretion"),
    ({"apology": True, "apology_percent": "60"}, "discretion"),
    ({"apology": True, "apology_percent": "lots"}, "apology_percent"),
    ({"levels": ["exceedance"]}, "discretion"),
])
def test_facts_the_policy_does_not_know_are_refused(at_notice, leader_wj, discretion, field):
    before = _unchanged(at_notice)
    with pytest.raises(ValidationFailed) as exc_info:
        _decide(at_notice, leader_wj, discretion=discretion)
    assert list(exc_info.value.details) == [field]
    assert _unchanged(at_notice) == before


def test_a_matter_whose_fine_follows_a_rule_takes_a_typed_fine_not_below_its_minimum(at_notice, leader_wj):
    rule_matter = "CF-GF-112-B"  # 3–5 × the disposal cost, at least 600,000
    with pytest.raises(ValidationFailed) as exc_info:
        _decide(at_notice, leader_wj, matter_code=rule_matter)
    assert list(exc_info.value.details) == ["fine_amount"]
    with pytest.raises(ValidationFailed) as exc_info:
        _decide(at_notice, leader_wj, matter_code=rule_matter, fine_amount="500000")
    assert list(exc_info.value.details) == ["fine_amount"]
    # 1,800,000 is a heavy penalty: the heads discuss it together first (issue 10 item 3, procedure policy).
    case_transition(case_id=at_notice.pk, actor=leader_wj, action="record_discussion", effective_date=ON,
                    details={"participants": "局长、副局长、法制科长", "conclusion": "按处置费用三倍处罚。"})
    case = _decide(at_notice, leader_wj, matter_code=rule_matter, fine_amount="1800000")
    case.refresh_from_db()
    assert (case.fine_amount, case.fine_computed, case.discretion["lines"][0]["kind"]) == (
        Decimal("1800000.00"), None, "fine_rule")


def test_the_printed_decision_states_the_fine_the_article_the_explanation_and_payment(at_notice, leader_wj):
    case = _decide(at_notice, leader_wj, fine_amount="150000", deviation_reason="集体讨论决定。",
                   discretion={"levels": {"exceedance": "lt50"}})
    doc = decision_document(Case.objects.select_related("entity", "organization").get(pk=case.pk))
    assert doc.penalty == ["处罚依据：《中华人民共和国大气污染防治法》第九十九条", "罚款金额：人民币150000.00元"]
    assert doc.discretion[0] == "裁量说明（自由裁量基准第1版）："
    assert doc.discretion[1] == "1. 法定罚款幅度：100000.00元至1000000.00元。"
    assert "4. 超标倍数：超标50%以下（0）。" in doc.discretion
    assert doc.discretion[-2] == "10. 裁量计算罚款：100000.00元（按100.00元取整）。"
    assert doc.discretion[-1] == "未按裁量计算罚款（100000.00元）作出处罚的理由：集体讨论决定。"
    assert "十五日内" in doc.payment and "百分之三" in doc.payment


# --- the page --------------------------------------------------------------------------------------------------

@pytest.fixture
def leader_page(leader_wj) -> Client:
    client = Client()
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    return client


def _form(**extra) -> dict:
    return {"action": "decide", "expected_stage": "notice", "matter": DECISION_MATTER, "decision_text": TEXT,
            "reason": "", **extra}


def test_the_decide_form_offers_the_benchmarks_situations_and_apology(at_notice, leader_page):
    html = leader_page.get(f"/cases/{at_notice.pk}/").content.decode()
    for text in ("超标倍数", "超标200%以上", "环境违法行为引起不良社会反响", "主动消除或者减轻违法行为危害后果",
                 "违反饮用水水源保护区内禁止性规定", "Compute the fine", "not determined (lowest level)",
                 "weights not yet confirmed"):
        assert text in html, text


def test_computing_the_fine_shows_it_and_writes_nothing(at_notice, leader_page):
    before = _unchanged(at_notice)
    response = leader_page.post(f"/cases/{at_notice.pk}/", _form(**{
        "preview": "1", "level-exceed-discharge-exceedance": "50to100", "situations": ["social"]}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Computed fine: 290000.00 yuan" in html
    assert "Aggravating: 环境违法行为引起不良社会反响 (+10% of the range)." in html
    assert 'value="50to100" selected' in html and 'value="social" checked' in html
    assert _unchanged(at_notice) == before


def test_issuing_from_the_page_imposes_the_computed_fine_and_shows_how(at_notice, leader_page):
    response = leader_page.post(f"/cases/{at_notice.pk}/", _form(**{"level-exceed-discharge-exceedance": "ge200"}))
    assert response.status_code == 302
    at_notice.refresh_from_db()
    assert (at_notice.stage, at_notice.fine_amount) == ("decision", Decimal("400000.00"))
    html = leader_page.get(f"/cases/{at_notice.pk}/").content.decode()
    assert 'data-testid="case-discretion"' in html
    assert "Total weight 40% × maximum 1000000.00 yuan = 400000.00 yuan." in html


def test_the_page_refuses_the_issue_10_fine_and_keeps_the_form(at_notice, leader_page):
    response = leader_page.post(f"/cases/{at_notice.pk}/", _form(fine_amount="50000", deviation_reason="困难"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="form-error"' in html and "below the statutory minimum of 100000.00 yuan" in html
    assert 'value="50000"' in html
    at_notice.refresh_from_db()
    assert (at_notice.stage, at_notice.fine_amount) == ("notice", None)


# --- no penalty: a recorded ground closes the case (轻微不罚 mandatory, 首违不罚 optional) ------------------------

@pytest.mark.parametrize(("ground", "kind"), [("minor", "no_penalty_mandatory"), ("first", "no_penalty_optional")])
def test_after_the_notice_a_no_penalty_ground_closes_the_case_on_record(at_notice, leader_wj, ground, kind):
    case = case_transition(case_id=at_notice.pk, actor=leader_wj, action="close_without_penalty", effective_date=ON,
                           reason="当事人已当场改正，未造成危害后果。", discretion={"no_penalty": ground})
    case.refresh_from_db()
    assert (case.stage, case.outcome, case.fine_amount, case.decision_number) == ("closed", "no_penalty", None, "")
    assert ([ln["kind"] for ln in case.discretion["lines"]], case.discretion["facts"]) == ([kind], {"no_penalty": ground})
    assert AuditEvent.objects.filter(action="case.close_without_penalty").get().after["discretion"]["outcome"] == (
        "no_penalty")


def test_an_unknown_no_penalty_ground_is_refused(at_notice, leader_wj):
    before = _unchanged(at_notice)
    with pytest.raises(ValidationFailed) as exc_info:
        case_transition(case_id=at_notice.pk, actor=leader_wj, action="close_without_penalty", effective_date=ON,
                        reason="不予处罚。", discretion={"no_penalty": "sorry"})
    assert list(exc_info.value.details) == ["no_penalty"]
    assert _unchanged(at_notice) == before


def test_the_page_records_the_ground_when_closing_without_penalty(at_notice, leader_page):
    html = leader_page.get(f"/cases/{at_notice.pk}/").content.decode()
    assert 'data-action="close_without_penalty"' in html and "违法行为轻微并及时改正，没有造成危害后果" in html
    response = leader_page.post(f"/cases/{at_notice.pk}/", {"action": "close_without_penalty", "expected_stage": "notice",
                                                            "reason": "首次违法，已改正。", "no_penalty": "first"})
    assert response.status_code == 302
    at_notice.refresh_from_db()
    assert (at_notice.stage, at_notice.discretion["facts"]) == ("closed", {"no_penalty": "first"})
    html = leader_page.get(f"/cases/{at_notice.pk}/").content.decode()
    assert "No penalty (first violation, at the bureau&#x27;s discretion): 初次违法且危害后果轻微并及时改正（首违不罚）." in html
