"""A visitor's browser verifies a published round from its round file (static/ecoenforce/roundverify.js, Web Crypto):
the real file verifies, a tampered one shows the first mismatch with what was re-computed and what the file says."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from browser_steps import wujin_staff
from playwright.sync_api import expect

from ecoenforce.core.models import Role
from ecoenforce.planning.models import DrawRound
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_record_result
from ecoenforce.registry.models import InspectorTie, PermitClass, RegulatedEntity
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


def _published_round() -> DrawRound:
    """Wujin's round, format 2, with an officer's declared tie to a drawn special entity and a witness's entropy."""
    region, industry, people = wujin_staff(
        [
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003"),
        ]
    )
    entities = []
    for n, risk_class in enumerate(["special", "special", "key", "key", "general", "general"], start=1):
        entity = entity_create(
            actor=None,
            uscc=uscc_make("91320412", f"MA2HYA{n:02d}"),
            name=f"常州核验测试化工有限公司{n}",
            industry=industry,
            region=region,
            address=f"湖塘镇核验路{n}号",
            permit_class=PermitClass.KEY,
            legal_representative="张卫东",
        )
        RegulatedEntity.objects.filter(pk=entity.pk).update(risk_class=risk_class)
        entities.append(entity)
    today = dt.date.today()
    InspectorTie.objects.create(
        inspector=people["zhou"], entity=entities[0], kind=InspectorTie.Kind.KIN, declared_on=today
    )
    leader = people["chen"]
    round_ = round_commit(
        actor=leader,
        title="第四季度双随机抽查（浏览器核验）",
        period_start=today,
        period_end=today + dt.timedelta(days=60),
        ratios={"special": Decimal("1"), "key": Decimal("0.5"), "general": Decimal("0.5")},
    )
    round_ = round_draw(actor=leader, round_id=round_.pk, public_entropy="见证人报数 4711")
    for task in round_.tasks.all():
        task_record_result(
            actor=task.inspectors.first(),
            task_id=task.pk,
            inspected_on=today,
            violation_found=False,
            findings="核查废水排放口和危废贮存场所，未见异常。",
        )
    round_ = round_publish(actor=leader, round_id=round_.pk)
    assert round_.round_file["tie_openings"], "the round opens the tie to the drawn special entity"
    return round_


def test_the_public_round_page_verifies_the_published_round_in_the_browser(live_server, page):
    round_ = _published_round()
    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}/public/rounds/{round_.pk}/")
    box = page.locator("[data-testid=round-verify]")
    expect(box).to_have_attribute("data-state", "ok")
    assert "已在您的浏览器中核验" in box.inner_text()
    assert "各项检查全部通过" in box.inner_text()
    checks = box.locator("[data-testid=verify-checks]").inner_text()
    assert (
        "承诺值（种子的 SHA-256）" in checks and "与抽中对象相关的已公开回避关系" in checks
    )  # format 2: tie openings
    assert checks.count("✓") == 8
    assert page.evaluate("window.__csp") == []
    assert (
        "ecoenforce draw verify ROUND_FILE" in page.locator("main, .page-body").first.inner_text()
    )  # the CLI stays

    page.click("[data-lang=en]")
    expect(box).to_have_attribute("data-state", "ok")
    assert "Verified in your browser" in box.inner_text()


def test_a_tampered_round_file_shows_the_first_mismatch(live_server, page):
    round_ = _published_round()
    forged = copy.deepcopy(round_.round_file)
    target = forged["selection"]["targets"][0]
    drawn = [a["id"] for a in target["inspectors"]]
    other = next(i for i in forged["selection"]["inspector_order"] if i not in drawn)
    target["inspectors"][0]["id"] = other  # the file claims another officer inspects the first target
    page.add_init_script(WATCH)
    page.route(
        "**/round.json",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(forged, ensure_ascii=False)
        ),
    )
    page.goto(f"{live_server.url}/public/rounds/{round_.pk}/")
    box = page.locator("[data-testid=round-verify]")
    expect(box).to_have_attribute("data-state", "mismatch")
    assert "核验未通过" in box.inner_text()
    assert box.locator("[data-testid=verify-step]").inner_text() == "抽中对象和执法人员"
    assert box.locator("[data-testid=verify-expected]").inner_text() == json.dumps(drawn[0])
    assert box.locator("[data-testid=verify-found]").inner_text() == json.dumps(other)
    assert "selection/targets/0/inspectors/0/id" in box.locator("[data-testid=verify-detail]").inner_text()

    # A file whose seed is not the committed one fails at the commitment, before anything else is trusted.
    forged = copy.deepcopy(round_.round_file)
    forged["seed"] = "00" * 32
    page.unroute("**/round.json")
    page.route(
        "**/round.json",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(forged, ensure_ascii=False)
        ),
    )
    page.reload()
    expect(box).to_have_attribute("data-state", "mismatch")
    assert box.locator("[data-testid=verify-step]").inner_text() == "承诺值（种子的 SHA-256）"
    assert box.locator("[data-testid=verify-found]").inner_text() == round_.commitment
    assert page.evaluate("window.__csp") == []


def test_a_withdrawn_draw_stays_on_the_public_record_and_verifies(live_server, page):
    """The leader withdraws a drawn round in the browser; the public page says so, with the reason, and re-runs the
    withdrawn draw from its round file."""
    from browser_steps import sign_in, submit

    region, industry, people = wujin_staff(
        [
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003"),
        ]
    )
    for n, risk_class in enumerate(["special", "key", "general"], start=1):
        entity = entity_create(
            actor=None,
            uscc=uscc_make("91320412", f"MA2HYB{n:02d}"),
            name=f"常州撤回测试有限公司{n}",
            industry=industry,
            region=region,
            address=f"湖塘镇撤回路{n}号",
            permit_class=PermitClass.KEY,
            legal_representative="张卫东",
        )
        RegulatedEntity.objects.filter(pk=entity.pk).update(risk_class=risk_class)
    today = dt.date.today()
    drawn = round_draw(
        actor=people["chen"],
        round_id=round_commit(
            actor=people["chen"],
            title="第四季度双随机抽查（比例填错）",
            period_start=today,
            period_end=today + dt.timedelta(days=60),
            ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")},
        ).pk,
    )

    sign_in(page, live_server.url, "chen")
    page.goto(f"{live_server.url}/planning/rounds/{drawn.pk}/")
    page.click("[data-testid=withdraw] summary")
    form = page.locator("[data-testid=withdraw-form]")
    form.locator("textarea[name=reason]").fill("抽取比例误填为100%，应为25%")
    form.locator("[data-testid=withdraw-confirm]").check()
    submit(page, form.locator("button"))
    assert page.locator(
        "[data-testid=replacing]"
    ).is_visible()  # the form for the new round says what it replaces
    drawn.refresh_from_db()
    assert drawn.status == DrawRound.Status.WITHDRAWN

    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}/public/rounds/{drawn.pk}/")
    assert "抽取比例误填为100%" in page.locator("[data-testid=withdrawal-reason]").inner_text()
    expect(page.locator("[data-testid=round-verify]")).to_have_attribute("data-state", "ok")
    assert drawn.seed_hex in page.locator("[data-testid=seed]").inner_text()
    assert page.evaluate("window.__csp") == []
