"""A double-random round in a real browser: plan approved, pools committed, drawn, inspected, published, verified."""

from __future__ import annotations

import json
import re

import pytest
from browser_steps import sign_in, sign_out, submit, wujin_staff
from django.utils import timezone

from ecoenforce.core.audit import audit_verify
from ecoenforce.core.models import Role, User
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask
from ecoenforce.planning.roundfile import verify_round_file
from ecoenforce.planning.tasks import task_record_result
from ecoenforce.registry.models import PermitClass, RegulatedEntity
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _bureau() -> dict[str, User]:
    """Wujin with two inspectors and its leader (all certified) and six classified entities."""
    county_region, industry, people = wujin_staff(
        [
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003"),
        ]
    )
    for n, risk_class in enumerate(["special", "special", "key", "key", "general", "general"], start=1):
        entity = entity_create(
            actor=None,
            uscc=uscc_make("91320412", f"MA2E2E{n:02d}"),
            name=f"常州抽查测试化工有限公司{n}",
            industry=industry,
            region=county_region,
            address=f"常州市武进区湖塘镇测试路{n}号",
            permit_class=PermitClass.KEY,
            legal_representative="张卫东",
        )
        RegulatedEntity.objects.filter(pk=entity.pk).update(risk_class=risk_class)
    return people


def test_leader_runs_a_round_that_anyone_can_verify(live_server, page, shot):
    people = _bureau()
    base = live_server.url

    # The leader opens this year's plan, takes the suggested figures and approves them.
    sign_in(page, base, "chen")
    page.goto(f"{base}/planning/plans/")
    page.locator("[data-testid=plan-create] button").click()
    page.wait_for_url(re.compile(r".*/planning/plans/\d+/$"))
    submit(page, page.locator("button[name=action][value=suggest]"))
    assert page.locator("[data-testid=plan-check]").is_visible()
    submit(page, page.locator("[data-testid=plan-approve] button"))
    plan = InspectionPlan.objects.get()
    assert plan.status == InspectionPlan.Status.APPROVED
    assert page.locator("[data-testid=plan-status]").inner_text().strip() == "已批准"
    shot(page, "10-plan-approved")

    # A round: the form keeps what was typed when the title is missing; then the pools are frozen and committed.
    page.goto(f"{base}/planning/rounds/")
    form = page.locator("[data-testid=round-form]")
    form.locator("input[name=ratio_key]").fill("50")
    submit(page, form.locator("button"))
    form = page.locator("[data-testid=round-form]")
    assert form.locator("input[name=title].is-invalid").is_visible()
    assert form.locator("input[name=ratio_key]").input_value() == "50"
    form.locator("input[name=title]").fill("第四季度双随机抽查（浏览器测试）")
    form.locator("button").click()
    page.wait_for_url(re.compile(r".*/planning/rounds/\d+/$"))
    round_ = DrawRound.objects.get()
    assert round_.status == DrawRound.Status.COMMITTED and round_.plan_id == plan.pk
    assert round_.commitment in page.locator("[data-testid=commitment]").inner_text()

    # The draw, with a witness's number as public entropy: every target goes to two drawn officers.
    page.fill("[data-testid=draw-form] input[name=public_entropy]", "见证人报数 4711")
    page.check("[data-testid=draw-confirm]")
    submit(page, page.locator("[data-testid=draw-form] button"))
    round_.refresh_from_db()
    assert round_.status == DrawRound.Status.DRAWN and round_.public_entropy == "见证人报数 4711"
    tasks = list(round_.tasks.prefetch_related("inspectors"))
    assert len(tasks) == 4  # ceil(50% × 2 key) + ceil(5% × 2 general) + 100% of 2 special
    assert all(t.inspectors.count() == 2 for t in tasks)
    shot(page, "11-round-drawn")
    sign_out(page)

    # The inspector finds the targets in "My tasks" and records one result in the browser.
    sign_in(page, base, "zhou")
    page.goto(f"{base}/planning/tasks/")
    mine = [t for t in tasks if people["zhou"] in t.inspectors.all()]
    assert mine, "the load-balanced draw gives each of the three officers a task"
    rows = page.locator("[data-testid=my-tasks] tbody tr:not(.fold-row)")
    assert rows.count() == len(mine)
    page.click(f"text={mine[0].entity.name}")
    result = page.locator("[data-testid=task-result]")
    assert (
        result.locator("input[name=inspected_on]").input_value() == ""
    )  # nothing pre-filled: the officer says
    assert not result.locator("input[name=violation_found]:checked").count()
    result.locator("input[name=inspected_on]").fill(timezone.localdate(round_.drawn_at).isoformat())
    result.locator("input[name=violation_found][value=yes]").check()
    submit(page, result.locator("button"))  # no findings: refused, the choice is kept
    result = page.locator("[data-testid=task-result]")
    assert result.locator("textarea[name=findings].is-invalid").is_visible()
    assert result.locator("input[name=violation_found][value=yes]").is_checked()
    result.locator("textarea[name=findings]").fill("危险废物贮存场所未设置识别标志，已拍照取证。")
    submit(page, result.locator("button"))  # a confirmation step: nothing is final yet
    assert InspectionTask.objects.get(pk=mine[0].pk).status == InspectionTask.Status.ASSIGNED
    submit(page, page.locator("[data-testid=task-confirm-save]"))
    assert InspectionTask.objects.get(pk=mine[0].pk).lead is not None
    sign_out(page)

    # The other results come in through the same service the page uses; then the leader publishes.
    for task in InspectionTask.objects.filter(round=round_, status=InspectionTask.Status.ASSIGNED):
        task_record_result(
            actor=task.inspectors.first(),
            task_id=task.pk,
            inspected_on=timezone.localdate(round_.drawn_at).isoformat(),
            violation_found=False,
            findings="检查污染防治设施运行记录，未发现问题",
        )
    sign_in(page, base, "chen")
    page.goto(f"{base}/planning/rounds/{round_.pk}/")
    page.check("[data-testid=publish-confirm]")
    submit(page, page.locator("[data-testid=publish-form] button"))
    round_.refresh_from_db()
    assert round_.status == DrawRound.Status.PUBLISHED
    sign_out(page)

    # The public reads the round and its results, downloads the round file, and it verifies.
    page.goto(f"{base}/public/rounds/")
    page.click(f"text={round_.title}")
    assert page.locator("[data-testid=public-results] tbody tr:not(.fold-row)").count() == 4
    assert round_.seed_hex in page.locator("[data-testid=seed]").inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=public-round-file]")
    document = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert verify_round_file(document).ok
    shot(page, "12-round-public")
    assert audit_verify().ok
