"""A case with a hearing, in a real browser (issue 10): the leader approves the filing, the inspector investigates
and serves the advance notice, the party asks for a hearing, the hearing notice is refused too soon and then served,
the leader records the hearing hosted by the legal reviewer, the hearing makes the decision major so the legal
reviewer reviews it, the leader decides, and the decision is public."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_steps import sign_in, sign_out, wujin_staff
from django.utils import timezone

from ecoenforce.cases.models import Case, Hearing
from ecoenforce.cases.services import case_open
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.models import Role
from ecoenforce.registry.models import PermitClass
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make
from factories import publish_starter_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _step(page, action: str, reason: str = "", **fields: str) -> None:
    form = page.locator(f"form:has(button[data-action={action}])")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state("load")


def _as(page, base, username, case):
    sign_in(page, base, username)
    page.goto(f"{base}/cases/{case.pk}/")


def test_a_case_goes_through_a_hearing_to_a_published_decision(live_server, page, shot):
    publish_starter_catalogue()
    county, industry, people = wujin_staff(
        [
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003"),
            ("lin", Role.LEGAL_REVIEWER, "林海燕", "32041200004"),
        ]
    )
    entity = entity_create(
        actor=None,
        uscc=uscc_make("91320412", "MA1XQ8LU"),
        name="常州恒泰印染有限公司",
        industry=industry,
        region=county,
        address="常州市武进区湖塘镇长江路88号",
        permit_class=PermitClass.KEY,
        legal_representative="张卫东",
        is_key_unit=True,
    )
    case = case_open(
        entity=entity,
        opened_by=people["zhou"],
        title="常州恒泰印染有限公司超标排放水污染物案",
        facts="2026年11月执法检查时采样，总排口化学需氧量超标1.2倍。",
        source="日常检查",
        handlers=[people["zhou"], people["wu"]],
    )
    base = live_server.url

    _as(page, base, "chen", case)
    _step(page, "approve_filing", "违法事实基本清楚，属本局管辖，同意立案。")
    sign_out(page)
    _as(page, base, "zhou", case)
    _step(page, "start_investigation")
    # The handlers propose the penalty with their findings: the matter, the benchmark's fine beside it.
    _step(page, "propose_penalty", matter="CF-SW-083", fine_amount="100000",
          deviation_reason="超标倍数较低，首次被查处，积极配合调查。")
    assert "罚款" in page.locator("[data-testid=proposal]").inner_text()
    _step(page, "submit_for_review", "现场检查笔录、询问笔录、监测报告已入卷。")
    sign_out(page)
    _as(page, base, "chen", case)
    _step(page, "proceed_to_notice")
    case.refresh_from_db()
    assert case.stage == Stage.NOTICE, page.locator(".alert").all_inner_texts()
    sign_out(page)

    # The inspector serves the advance notice; the party asks for a hearing within the period.
    _as(page, base, "zhou", case)
    _step(page, "serve_notice")
    assert page.locator("[data-testid=advance-notice-pdf]").is_visible()
    _step(page, "request_hearing", request_text="当事人书面要求就罚款数额举行听证。")
    assert page.locator("[data-testid=hearing]").is_visible()
    # A hearing too soon is refused with the dates; the earliest lawful date is accepted.
    today = timezone.localdate()
    earliest = calendar_current().add_working_days(today, 7).due
    _step(
        page, "schedule_hearing", hearing_on=str(earliest - dt.timedelta(days=1)), place="武进分局三楼听证室"
    )
    error = page.locator("[data-testid=form-error]").inner_text()
    assert str(earliest) in error and str(today) in error
    _step(page, "schedule_hearing", hearing_on=str(earliest), place="武进分局三楼听证室")
    hearing = Hearing.objects.get(case=case)
    assert hearing.hearing_on == earliest and hearing.notice_number.startswith("武环听通〔")
    shot(page, "hearing-01-scheduled")
    sign_out(page)

    # Time passes to the hearing day (the recorded dates move back as a whole).
    shift = earliest - today
    Hearing.objects.filter(pk=hearing.pk).update(
        requested_on=today - shift, notice_served_on=today - shift, hearing_on=today
    )
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(
        notice_served_on=case.notice_served_on - shift, notice_period_ends=case.notice_period_ends - shift
    )

    # The leader records the hearing, hosted by the legal reviewer (not one of the investigators).
    _as(page, base, "chen", case)
    _step(
        page,
        "record_hearing",
        host=str(people["lin"].pk),
        attendees="当事人委托代理人王律师；承办人周明、吴静",
        arguments="当事人称超标系污水处理设施临时故障，已修复。",
        outcome="陈述申辩理由不足以减轻处罚，维持拟处罚意见。",
    )
    assert "林海燕" in page.locator("[data-testid=hearing]").inner_text()
    # A decision after a hearing is major: without legal review it is refused.
    form = page.locator("form:has(button[data-action=decide])")
    form.locator("select[name=matter]").select_option("CF-SW-083")
    form.locator("textarea[name=decision_text]").fill(
        "经查，你单位（法定代表人：张卫东，电话13912345678）超标排放水污染物，"
        "依据《中华人民共和国水污染防治法》第八十三条，决定处以罚款人民币100000元。"
    )
    form.locator("button[data-action=decide]").click()
    page.wait_for_load_state("load")
    assert "法制审核" in page.content()
    _step(page, "send_to_legal_review")
    sign_out(page)
    _as(page, base, "lin", case)
    _step(page, "legal_review_pass", "经听证，事实清楚，证据确凿，程序合法，同意。")
    sign_out(page)

    _as(page, base, "chen", case)
    form = page.locator("form:has(button[data-action=decide])")
    form.locator("select[name=matter]").select_option("CF-SW-083")
    form.locator("textarea[name=decision_text]").fill(
        "经查，你单位（法定代表人：张卫东，电话13912345678）超标排放水污染物，"
        "依据《中华人民共和国水污染防治法》第八十三条，决定处以罚款人民币100000元。"
    )
    form.locator("button[data-action=decide]").click()
    page.wait_for_load_state("load")
    case.refresh_from_db()
    assert case.stage == Stage.DECISION and case.decision_number
    shot(page, "hearing-02-decided")
    sign_out(page)

    page.goto(f"{base}/public/?q={entity.uscc}")
    page.click(f"text={case.decision_number}")
    text = page.locator("[data-testid=public-decision-text]").inner_text()
    assert "张**" in text and "13912345678" not in text
