"""The whole loop in a real browser: a lead becomes a case, is decided, and the decision is public."""

from __future__ import annotations

import re

import pytest
from browser_steps import sign_in, sign_out, wujin_staff

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.audit import audit_verify
from ecoenforce.core.models import Role
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.registry.models import PermitClass
from ecoenforce.registry.services import entity_create
from factories import publish_starter_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _people():
    publish_starter_catalogue()
    county_region, industry, people = wujin_staff(
        [
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003"),
            ("lin", Role.LEGAL_REVIEWER, "林海燕", "32041200004"),
        ]
    )
    entity = entity_create(
        actor=None,
        uscc=_valid_uscc(),
        name="常州恒泰印染有限公司",
        industry=industry,
        region=county_region,
        address="常州市武进区湖塘镇长江路88号",
        permit_class=PermitClass.KEY,
        legal_representative="张卫东",
        is_key_unit=True,
    )
    lead, _ = lead_create(
        source=Lead.Source.TIP,
        title="群众举报夜间偷排印染废水",
        entity=entity,
        description="举报人称每晚十点后雨水排口有深色废水排出。",
        reporter_name="李芳",
        reporter_phone="13912345678",
    )
    return people, entity, lead


def _valid_uscc() -> str:
    from ecoenforce.registry.uscc import uscc_make

    return uscc_make("91320412", "MA1XQ8LU")


def _step(page, action: str, reason: str = "") -> None:
    form = page.locator(f"form:has(button[data-action={action}])")
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state("load")


def test_inspector_turns_a_lead_into_a_published_decision(live_server, page, shot):
    people, entity, lead = _people()
    base = live_server.url

    # The inspector opens the lead from the inbox (Chinese is the default language) and files a case.
    sign_in(page, base, "zhou")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(f"{base}/leads/")
    page.click(f"text={lead.number}")
    assert page.locator("[data-testid=lead-title]").inner_text() == "群众举报夜间偷排印染废水"
    page.select_option("#id_convert-co_handlers", str(people["wu"].pk))
    page.click("[data-testid=convert]")
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
    case = Case.objects.get()
    assert case.number == f"武环立〔{case.filed_on.year}〕1号"
    shot(page, "01-case-filed")
    # Issue 10: the inspector cannot file alone; the case waits for the unit leader's filing approval (立案审批).
    assert page.locator("button[data-action=start_investigation]").count() == 0
    sign_out(page)
    sign_in(page, base, "chen")
    page.goto(f"{base}/cases/{case.pk}/")
    _step(page, "approve_filing", "涉嫌违法事实清楚，属本局管辖，同意立案。")
    case.refresh_from_db()
    assert case.stage == Stage.FILED
    sign_out(page)
    sign_in(page, base, "zhou")
    page.goto(f"{base}/cases/{case.pk}/")
    _step(page, "start_investigation")
    _step(page, "submit_for_review", "现场检查笔录、询问笔录、水质监测报告已入卷。")
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW
    sign_out(page)

    # Case review: the unit leader proposes the penalty and sends it to legal review, which examines that proposal.
    sign_in(page, base, "chen")
    page.goto(f"{base}/cases/{case.pk}/")
    form = page.locator("form:has(button[data-action=propose_penalty])")
    form.locator("select[name=matter]").select_option("CF-SW-083")  # 《水污染防治法》第八十三条
    form.locator("input[name=fine_amount]").fill("150000")
    # 150,000 is not the benchmark's 100,000 for these facts: the difference needs a reason (issue 10).
    form.locator("textarea[name=deviation_reason]").fill("偷排印染废水，情节恶劣，集体讨论决定。")
    form.locator("button[data-action=propose_penalty]").click()
    page.wait_for_load_state("load")
    assert "150000" in page.locator("[data-testid=proposal]").inner_text()
    _step(page, "send_to_legal_review", "事实清楚，拟处罚款。")
    sign_out(page)
    sign_in(page, base, "lin")
    page.goto(f"{base}/cases/{case.pk}/")
    assert "150000" in page.locator("[data-testid=proposal]").inner_text()
    _step(page, "legal_review_pass", "事实清楚，证据确凿，适用法律正确，同意。")
    sign_out(page)

    # The leader records the advance notice served and the party's written waiver (issue 10: no decision before the
    # notice and the period for statement, defence and a hearing), then decides: first without the decision text
    # (the typed fine is kept), then complete.
    sign_in(page, base, "chen")
    page.goto(f"{base}/cases/{case.pk}/")
    _step(page, "serve_notice")
    _step(page, "record_waiver", "当事人书面声明放弃陈述、申辩和听证权利。")
    assert page.locator("[data-testid=notice]").is_visible()
    form = page.locator("form:has(button[data-action=decide])")
    # The decision form opens with the proposed penalty (matter, fine and the reason for leaving the benchmark).
    assert form.locator("select[name=matter]").input_value() == "CF-SW-083"
    assert form.locator("input[name=fine_amount]").input_value() == "150000.00"
    assert form.locator("textarea[name=deviation_reason]").input_value() == "偷排印染废水，情节恶劣，集体讨论决定。"
    form.locator("input[name=fine_amount]").fill("150000")
    form.locator("button[data-action=decide]").click()
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=form-error]").is_visible()
    form = page.locator("form:has(button[data-action=decide])")
    assert form.locator("input[name=fine_amount]").input_value() == "150000"
    assert form.locator("select[name=matter]").input_value() == "CF-SW-083"
    form.locator("textarea[name=decision_text]").fill(
        "经查，你单位（法定代表人：张卫东，电话13912345678）通过雨水排口排放印染废水，"
        "依据《中华人民共和国水污染防治法》第八十三条，决定处以罚款人民币150000元。"
    )
    form.locator("button[data-action=decide]").click()
    page.wait_for_load_state("load")
    case.refresh_from_db()
    assert case.stage == Stage.DECISION
    assert case.decision_number == f"武环罚〔{case.decided_on.year}〕1号"
    assert page.locator("[data-testid=decision-number]").inner_text() == case.decision_number
    assert (
        "《中华人民共和国水污染防治法》第八十三条" in page.locator("[data-testid=case-matter]").inner_text()
    )
    shot(page, "02-decided")
    sign_out(page)

    # Anyone can read it on the public portal, with personal data masked.
    page.goto(f"{base}/public/?q={entity.uscc}")
    page.click(f"text={case.decision_number}")
    text = page.locator("[data-testid=public-decision-text]").inner_text()
    assert "张**" in text and "张卫东" not in text
    assert "139****5678" in text and "13912345678" not in text
    shot(page, "03-public-portal")
    assert audit_verify().ok


def test_the_same_pages_read_in_english(live_server, page, shot):
    _people()
    sign_in(page, live_server.url, "zhou")
    page.click("button[data-lang=en]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_server.url}/leads/")
    assert page.locator(".navbar-brand").first.inner_text().strip() == "Enforcement Platform"
    assert "Leads inbox" in page.content()
    shot(page, "04-leads-english")
    page.click("button[data-lang=zh-hans]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "Leads inbox" not in page.content()
