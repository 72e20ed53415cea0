"""Planning pages end to end over HTTP: plan grid and approval, round form, draw, task result, public pages."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask

YEAR = timezone.localdate().year


def _client(user, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


@pytest.fixture
def leader(leader_wj, wj_pool) -> Client:
    return _client(leader_wj)


def test_plan_grid_keeps_what_was_typed_and_approval_shows_the_numbers(leader):
    response = leader.post("/planning/plans/", {"year": YEAR})
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/planning/plans/{plan.pk}/"
    bad = leader.post(f"/planning/plans/{plan.pk}/", {"action": "routine", "r_1_key": "3", "r_2_key": "三"})
    body = bad.content.decode()
    assert bad.status_code == 200 and 'value="三"' in body and 'value="3"' in body and "is-invalid" in body
    assert not plan.lines.exists()
    leader.post(f"/planning/plans/{plan.pk}/", {"action": "routine", "r_3_general": "40"})
    refused = leader.post(f"/planning/plans/{plan.pk}/", {"action": "approve"}, follow=True).content.decode()
    assert "人·日" in refused or "inspector-days" in refused
    assert InspectionPlan.objects.get().status == InspectionPlan.Status.DRAFT
    leader.post(f"/planning/plans/{plan.pk}/", {"action": "suggest"})
    assert plan.lines.count() > 0
    leader.post(f"/planning/plans/{plan.pk}/", {"action": "campaign", "campaign": "长江大保护专项", "month": "6",
                                                "risk_class": "key", "planned": "1"})
    ok = leader.post(f"/planning/plans/{plan.pk}/", {"action": "approve", "note": ""}, follow=True)
    assert InspectionPlan.objects.get().status == InspectionPlan.Status.APPROVED
    assert "长江大保护专项" in ok.content.decode()


def test_round_form_refuses_bad_ratios_keeping_the_title(leader):
    response = leader.post("/planning/rounds/", {"title": "第四季度抽查", "period_start": f"{YEAR}-10-01",
                                                 "period_end": f"{YEAR}-12-31", "ratio_key": "x", "ratio_general": "5",
                                                 "ratio_special": "100", "positive_list_mode": "tag"})
    assert response.status_code == 422
    assert 'value="第四季度抽查"' in response.content.decode() and not DrawRound.objects.exists()


def test_commit_draw_task_and_result_through_the_pages(leader, inspector_wj, inspector_xb):
    response = leader.post("/planning/rounds/", {
        "title": "第四季度抽查", "kind": "routine", "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31",
        "ratio_key": "25", "ratio_general": "50", "ratio_special": "100", "positive_list_mode": "tag"})
    round_ = DrawRound.objects.get()
    assert response.status_code == 302
    detail = leader.get(f"/planning/rounds/{round_.pk}/").content.decode()
    assert round_.commitment in detail and round_.seed_hex not in detail
    leader.post(f"/planning/rounds/{round_.pk}/", {"action": "draw", "confirm": "yes", "public_entropy": "见证人 张三 4711"})
    assert DrawRound.objects.get().status == DrawRound.Status.DRAWN
    export = leader.get(f"/planning/rounds/{round_.pk}/?export=csv")
    assert export.status_code == 200 and export.content.decode("utf-8-sig").count("\n") == 1 + 6

    inspector = _client(inspector_wj, "en")
    mine = InspectionTask.objects.filter(inspectors=inspector_wj)
    listing = inspector.get("/planning/tasks/").content.decode()
    assert all(t.entity.name in listing for t in mine) and "My inspection tasks" in listing
    assert "The list is secret" in inspector.get(f"/planning/rounds/{round_.pk}/").content.decode()
    assert _client(inspector_xb).get(f"/planning/tasks/{mine[0].pk}/").status_code == 404

    task = mine[0]
    bad = inspector.post(f"/planning/tasks/{task.pk}/", {"action": "result", "inspected_on": "2026-13-40",
                                                        "violation_found": "yes", "findings": "废气收集罩破损"})
    assert bad.status_code == 422 and "废气收集罩破损" in bad.content.decode()
    good = inspector.post(f"/planning/tasks/{task.pk}/", {"action": "result", "inspected_on": timezone.localdate(),
                                                         "violation_found": "yes", "findings": "废气收集罩破损",
                                                         "confirm": "yes"}, follow=True)
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.DONE and task.lead is not None
    assert task.lead.number in good.content.decode()


def test_dashboard_shows_the_efficiency_view(leader):
    page = leader.get("/").content.decode()
    assert 'data-testid="efficiency"' in page and 'data-testid="detection-by-class"' in page


def test_public_round_pages_in_english(leader, client):
    leader.post("/planning/rounds/", {
        "title": "Q4 round", "kind": "routine", "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31",
        "ratio_key": "25", "ratio_general": "50", "ratio_special": "100", "positive_list_mode": "tag"})
    round_ = DrawRound.objects.get()
    client.cookies["django_language"] = "en"
    listing = client.get("/public/rounds/").content.decode()
    assert "Q4 round" in listing and "Committed; results pending" in listing
    pools = client.get(f"/public/rounds/{round_.pk}/pools.json").json()
    assert pools["commitment"] == round_.commitment and len(pools["pools"]["entities"]) == 12
    assert "seed" not in pools


def _commit_and_draw(leader, title: str, kind: str = "routine") -> DrawRound:
    leader.post("/planning/rounds/", {"title": title, "kind": kind, "period_start": f"{YEAR}-10-01",
                                      "period_end": f"{YEAR}-12-31", "ratio_key": "25", "ratio_general": "5",
                                      "ratio_special": "100", "positive_list_mode": "tag"})
    round_ = DrawRound.objects.get(title=title)
    leader.post(f"/planning/rounds/{round_.pk}/", {"action": "draw", "confirm": "yes"})
    return round_


def test_round_list_filters_and_exports_what_it_shows(leader):
    routine = _commit_and_draw(leader, "第四季度双随机抽查")
    campaign = _commit_and_draw(leader, "冬季专项抽查", kind="special")
    assert "第四季度双随机抽查" in leader.get("/planning/rounds/?kind=routine").content.decode()
    assert "冬季专项抽查" not in leader.get("/planning/rounds/?kind=routine").content.decode()
    assert "冬季专项抽查" in leader.get("/planning/rounds/?kind=special&status=drawn").content.decode()
    assert "没有符合条件的抽查轮次" in leader.get(f"/planning/rounds/?year={YEAR - 1}").content.decode()
    assert "冬季专项抽查" in leader.get("/planning/rounds/?kind=nonsense").content.decode()  # unknown filter ignored
    response = leader.get("/planning/rounds/?kind=special&export=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Type"].startswith("text/csv") and len(lines) == 2
    assert lines[0].startswith("轮次编号,标题,执法机构")
    assert lines[1].startswith(f"{campaign.round_id},冬季专项抽查,") and campaign.commitment in lines[1]
    assert routine.round_id not in response.content.decode("utf-8-sig")


def test_my_tasks_export_lists_my_targets_with_my_co_inspector(leader, inspector_wj):
    round_ = _commit_and_draw(leader, "第四季度双随机抽查")
    mine = InspectionTask.objects.filter(round=round_, inspectors=inspector_wj)
    response = _client(inspector_wj).get("/planning/tasks/?export=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="my-tasks-')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("监管对象", "统一社会信用代码", "地址")
    assert sorted(r[1] for r in rows[1:]) == sorted(t.entity.uscc for t in mine)
    assert all(inspector_wj.display_name not in (r[5] or "") for r in rows[1:])
