"""The case's documents (立案审批表, 行政处罚事先告知书, 听证通知书, 送达回证) and the decision render as PDF with their
Chinese titles as real text and their glyphs drawn (checked on a PNG rendering with pypdfium2)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from ecoenforce.cases.case_documents import case_document, render_pdf
from ecoenforce.cases.documents import decision_pdf
from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage
from factories import DECISION_MATTER, publish_starter_catalogue

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not Path(settings.PDF_CJK_FONT).exists(), reason="fonts-noto-cjk not installed")]
ON = dt.date(2026, 11, 2)


@pytest.fixture
def heard_and_served(case_wj, advance, inspector_wj, leader_wj, legal_wj):
    """A case through the notice, a hearing, legal review, the decision and its service."""
    publish_starter_catalogue()
    case = advance(case_wj, to=Stage.REVIEW)

    def step(actor, action, on, **kw):
        return case_transition(case_id=case.pk, actor=actor, action=action, effective_date=on, **kw)

    step(leader_wj, "propose_penalty", ON, matter_code=DECISION_MATTER)  # minor: 100,000 yuan
    step(leader_wj, "proceed_to_notice", ON)
    step(inspector_wj, "serve_notice", ON)
    step(inspector_wj, "request_hearing", dt.date(2026, 11, 3), details={"request_text": "要求听证。"})
    step(inspector_wj, "schedule_hearing", dt.date(2026, 11, 3),
         details={"hearing_on": "2026-11-13", "place": "武进分局三楼听证室"})
    step(leader_wj, "record_hearing", dt.date(2026, 11, 13),
         details={"host": legal_wj.pk, "attendees": "当事人代理人", "arguments": "设备故障。", "outcome": "维持。"})
    step(leader_wj, "send_to_legal_review", dt.date(2026, 11, 16))
    step(legal_wj, "legal_review_pass", dt.date(2026, 11, 16), reason="同意。")
    step(leader_wj, "decide", dt.date(2026, 11, 17), decision_text="决定处以罚款人民币100000元。",
         matter_code=DECISION_MATTER)
    return step(inspector_wj, "serve", dt.date(2026, 11, 18),
                details={"method": "direct", "recipient": "张卫东（法定代表人）"})


def _page_text_and_ink(pdf: bytes) -> tuple[str, float, int]:
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage().get_text_range()
    png = io.BytesIO()
    page.render(scale=1).to_pil().save(png, format="PNG")
    image = Image.open(io.BytesIO(png.getvalue())).convert("L")
    width, height = image.size
    dark = sum(image.histogram()[:128])
    return text, dark / (width * height), len(document)


@pytest.mark.parametrize(("kind", "title", "must"), [
    ("filing", "立案审批表", ["审批意见", "同意立案。"]),
    ("advance_notice", "行政处罚事先告知书", ["陈述和申辩", "听证", "5个工作日", "2026年11月9日", "武环罚告〔2026〕1号"]),
    ("hearing_notice", "听证通知书", ["2026年11月13日", "武进分局三楼听证室", "武环听通〔2026〕1号", "回避"]),
    ("service_receipt", "送达回证", ["直接送达", "张卫东（法定代表人）", "武环罚〔2026〕1号"]),
])
def test_each_document_renders_its_chinese_title_as_text_with_the_glyphs_drawn(heard_and_served, kind, title, must):
    doc = case_document(heard_and_served, kind)
    assert doc.title == title
    text, ink, pages = _page_text_and_ink(render_pdf(doc))
    flat = text.replace("\r", "").replace("\n", "")
    assert title in flat
    for phrase in must:
        assert phrase in flat, phrase
    assert 0.002 < ink < 0.3  # glyphs are drawn (not tofu boxes or an empty page)
    assert pages == 1


def test_the_decision_states_payment_and_the_late_surcharge(heard_and_served):
    text, ink, _pages = _page_text_and_ink(decision_pdf(heard_and_served))
    flat = text.replace("\r", "").replace("\n", "")
    assert "行政处罚决定书" in flat and "十五日内缴纳罚款" in flat and "百分之三加处罚款" in flat
    assert ink > 0.002


def test_the_page_serves_the_documents_and_refuses_one_not_yet_issued(heard_and_served, leader_wj, case_xb,
                                                                        inspector_xb):
    client = Client()
    client.force_login(leader_wj)
    response = client.get(f"/cases/{heard_and_served.pk}/documents/hearing_notice.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert client.get(f"/cases/{heard_and_served.pk}/documents/nonsense.pdf").status_code == 404
    other = Client()
    other.force_login(inspector_xb)
    assert other.get(f"/cases/{heard_and_served.pk}/documents/filing.pdf").status_code == 404  # out of reach
    response = other.get(f"/cases/{case_xb.pk}/documents/advance_notice.pdf")  # not served yet: back to the case
    assert response.status_code == 302


def _all_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document))).replace(
        "\r", "").replace("\n", "")


def test_the_daily_penalty_decision_states_the_days_the_daily_amount_and_the_total(heard_and_served, inspector_wj,
                                                                                     leader_wj):
    from ecoenforce.cases.case_documents import daily_penalty_document
    from ecoenforce.cases.daily_penalty import Finding, round_penalty
    from ecoenforce.cases.daily_penalty_services import correction_order_serve, reinspection_record

    case = heard_and_served
    order = correction_order_serve(case_id=case.pk, actor=inspector_wj, served_on=dt.date(2026, 11, 18),
                                   notes="责令立即停止超标排放。")
    order = reinspection_record(case_id=case.pk, actor=inspector_wj, finding="not_corrected",
                                reinspected_on=dt.date(2026, 11, 27), notes="暗查发现废水总排口仍在超标排放。")
    days, total = round_penalty(original_fine=case.fine_amount, served_on=dt.date(2026, 11, 18),
                                reinspected_on=dt.date(2026, 11, 27), finding=Finding.NOT_CORRECTED)
    assert (order.days, order.amount) == (days, total) == (9, case.fine_amount * 9)
    assert order.decision_number == "武环按日罚〔2026〕1号"
    case.refresh_from_db()
    doc = daily_penalty_document(case, order)
    assert doc.title == "按日连续处罚决定书" and doc.number == order.decision_number
    rows = dict(doc.rows)
    assert rows["计罚日数"] == "9日"
    assert rows["计罚期间"] == "2026年11月19日至2026年11月27日"  # from the day after the service to the re-inspection
    assert rows["按日罚款数额"] == f"人民币{case.fine_amount}元/日"
    assert rows["罚款总额"].startswith(f"人民币{total}元")
    assert rows["原处罚决定"].startswith(f"{case.decision_number}《行政处罚决定书》")
    pdf = render_pdf(doc)
    flat = _all_text(pdf)
    for phrase in ("按日连续处罚决定书", "武环按日罚〔2026〕1号", "《中华人民共和国环境保护法》第五十九条",
                   "环境保护部令第28号", "共计9日", f"罚款总额为人民币{total}元", case.decision_number,
                   "申请行政复议", "提起行政诉讼", "百分之三加处罚款"):
        assert phrase in flat, phrase
    _text, ink, _pages = _page_text_and_ink(pdf)
    assert 0.002 < ink < 0.3

    client = Client()
    client.force_login(leader_wj)
    response = client.get(f"/cases/{case.pk}/daily/1/decision.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert client.get(f"/cases/{case.pk}/daily/2/decision.pdf").status_code == 404
    assert "daily-penalty-pdf" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_round_that_stopped_the_violation_has_no_daily_penalty_decision(heard_and_served, inspector_wj, leader_wj):
    from ecoenforce.cases.daily_penalty_services import correction_order_serve, reinspection_record

    correction_order_serve(case_id=heard_and_served.pk, actor=inspector_wj, served_on=dt.date(2026, 11, 18))
    order = reinspection_record(case_id=heard_and_served.pk, actor=inspector_wj, finding="corrected",
                                reinspected_on=dt.date(2026, 11, 27), notes="暗查：已停止超标排放，设施正常运行。")
    assert order.decision_number == "" and order.amount is None
    client = Client()
    client.force_login(leader_wj)
    assert client.get(f"/cases/{heard_and_served.pk}/daily/1/decision.pdf").status_code == 302  # back to the case
