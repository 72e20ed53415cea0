"""Plan completion is each plan's own round work against that plan: a county leader and the city leader read the
same exact figures when only one county has a plan, whatever else was inspected in the city that year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.inspections.models import Inspection
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.planning.services import plan_approve, plan_create, plan_set_routine
from factories import make_entity, table_rows

TODAY = timezone.localdate()


def _client(user, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def _done(task: InspectionTask) -> None:
    """A recorded result (the result form itself is tested with the tasks)."""
    inspection = Inspection.objects.create(entity=task.entity, region=task.entity.region, kind=Inspection.Kind.ROUTINE,
                                           inspected_on=TODAY)
    task.status, task.inspection = InspectionTask.Status.DONE, inspection
    task.save(update_fields=["status", "inspection"])


@pytest.fixture
def wujin_plan_with_work(leader_wj, wj_pool, org_xb, region_xb, admin_user):
    """Wujin: 2 key + 3 general planned in January, 1 key in December; a routine round under the plan with 1 key,
    2 general and 1 special result recorded. Around it, work that is not the plan's: 20 Wujin routine inspections
    outside any round, 30 in Xinbei (no plan), 2 case-triggered checks in Wujin and 5 in Xinbei."""
    plan = plan_create(actor=leader_wj, year=TODAY.year)
    plan_set_routine(actor=leader_wj, plan_id=plan.pk, figures={(1, "key"): 2, (1, "general"): 3, (12, "key"): 1})
    plan_approve(actor=leader_wj, plan_id=plan.pk)
    round_ = round_commit(actor=leader_wj, title="第四季度抽查", period_start=TODAY.replace(month=1, day=1),
                          period_end=TODAY.replace(month=12, day=31),
                          ratios={"key": Decimal("0.25"), "general": Decimal("0.5"), "special": Decimal("1")})
    assert round_.plan_id == plan.pk
    round_draw(actor=leader_wj, round_id=round_.pk)
    tasks = {c: list(round_.tasks.filter(risk_class=c)) for c in ("key", "general", "special")}
    assert {c: len(t) for c, t in tasks.items()} == {"key": 1, "general": 3, "special": 2}
    for task in tasks["key"][:1] + tasks["general"][:2] + tasks["special"][:1]:
        _done(task)
    general_wj = next(e for e in wj_pool if e.risk_class == "general")
    xinbei = make_entity(region=region_xb, actor=admin_user)
    for entity, kind, n in ((general_wj, Inspection.Kind.ROUTINE, 20), (xinbei, Inspection.Kind.ROUTINE, 30),
                            (general_wj, Inspection.Kind.CASE, 2), (xinbei, Inspection.Kind.CASE, 5)):
        Inspection.objects.bulk_create([Inspection(entity=entity, region=entity.region, kind=kind, inspected_on=TODAY)
                                        for _ in range(n)])
    return plan


def test_dashboard_coverage_is_the_plans_work_against_the_plans(wujin_plan_with_work, leader_wj, city_leader):
    december = 1 if TODAY.month == 12 else 0
    key_to_date = 2 + december
    expected = {
        "key": ["重点", f"{key_to_date} / 3", "1", f"{round(100 / key_to_date)}%", "0"],
        "general": ["一般", "3 / 3", "2", "67%", "2"],
        "special": ["特殊", "0 / 0", "1", "—", "0"],
    }
    for user in (leader_wj, city_leader):
        page = _client(user).get("/").content.decode()
        assert table_rows(page, "coverage") == expected, user.username
    city = _client(city_leader, "en").get("/").content.decode()
    assert "1 of 3 bureaus has an approved plan: 武进区生态环境综合行政执法大队." in city


def test_plan_page_progress_counts_the_plans_rounds_only(wujin_plan_with_work, leader_wj):
    page = _client(leader_wj).get(f"/planning/plans/{wujin_plan_with_work.pk}/").content.decode()
    assert table_rows(page, "plan-progress") == {
        "key": ["重点", "3", "1", "0", "33%", "0"],
        "general": ["一般", "3", "2", "0", "67%", "2"],
        "special": ["特殊", "0", "1", "0", "—", "0"],
    }
