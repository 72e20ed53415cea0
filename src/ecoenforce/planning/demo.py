"""Demo data of the annual plan and the double-random rounds, made through the real services.

Called by `demo/seed.py` once the pools are classified: the county's leader approves the plan the capacity check
suggests, runs one round to publication (every target inspected and recorded, the round file verifiable) and draws
a second, special-campaign round whose tasks are waiting in the drawn inspectors' lists. Later the city's leader runs
a cross-region round over the county, whose first results go back to the county's leaders (`cross_region_demo`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from decimal import Decimal

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Organization, User
from ecoenforce.planning.capacity import suggest_routine
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask, PlanLine
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.services import (
    class_sizes,
    entity_pool,
    plan_approve,
    plan_create,
    plan_set_routine,
    planning_policy_current,
)
from ecoenforce.planning.tasks import task_mark_not_inspected, task_record_result

FINDINGS = (
    "危险废物贮存场所未设置识别标志，台账记录不全，已拍照取证并制作现场检查笔录。",
    "废气收集设施未正常运行，车间无组织排放明显，已调取中控记录并制作询问笔录。",
    "雨水排放口有生产废水排出，已采样送检并拍照取证。",
)
CHECKED = (  # what a clean inspection says it checked (a result always says what was looked at)
    "检查污染防治设施运行记录、危险废物台账及排放口标志，未发现违法行为。",
    "现场核查废气治理设施正常运行，在线监测数据与中控记录一致，未发现违法行为。",
    "检查废水处理站运行及排污许可执行报告，未发现违法行为。",
)
VIOLATION_RATE = 0.12  # a little above the historical share of routine inspections that find something


def _commit(leader: User, **round_fields) -> DrawRound:
    """Commit a round in the county; where its few officers all inspected a target lately, open it to the city's."""
    try:
        return round_commit(actor=leader, **round_fields)
    except ValidationFailed as exc:
        if exc.code != "recusal.not_enough_inspectors":
            raise
        return round_commit(actor=leader, cross_region=True, **round_fields)


def planning_demo(*, leader: User, today: dt.date, seed: int = 20261001) -> dict:
    """Approve the year's plan and run two rounds for the leader's bureau; does nothing if a plan exists."""
    organization = leader.organization
    if InspectionPlan.objects.filter(organization=organization, year=today.year).exists():
        return {"skipped": True}
    rng = random.Random(seed)
    rules = planning_policy_current()[0]
    plan = plan_create(actor=leader, year=today.year)
    plan_set_routine(actor=leader, plan_id=plan.pk,
                     figures=suggest_routine(class_sizes=class_sizes(organization=organization), rules=rules))
    plan_approve(actor=leader, plan_id=plan.pk, note="按分类监管比例测算，经大队办公会研究同意。")

    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_month = quarter_start.month + 2
    quarter_end = dt.date(today.year, last_month, calendar.monthrange(today.year, last_month)[1])
    quarter = (quarter_start.month - 1) // 3 + 1
    # Both rounds are drawn before the quarter's inspections are recorded, as they would be in a real quarter.
    published = _commit(leader, title=f"{today.year}年第{'一二三四'[quarter - 1]}季度双随机抽查",
                        period_start=quarter_start, period_end=quarter_end, ratios=dict(rules.round_ratios))
    published = round_draw(actor=leader, round_id=published.pk, public_entropy="上证综指收盘 3,356.71")
    campaign = _commit(leader, title=f"{today.year}年冬季大气污染防治专项抽查", kind=PlanLine.Kind.SPECIAL,
                       period_start=today, period_end=quarter_end,
                       ratios={"key": Decimal("0.30"), "general": Decimal("0.05"), "special": Decimal("0")})
    round_draw(actor=leader, round_id=campaign.pk)
    violations = 0
    for task in published.tasks.order_by("risk_class", "rank_in_class").prefetch_related("inspectors"):
        officer = min(task.inspectors.all(), key=lambda u: u.pk)  # results in the name of a drawn officer
        if rng.random() < 0.02:
            task_mark_not_inspected(actor=officer, task_id=task.pk, reason="企业已于本季度停产关闭，经现场核实。")
            continue
        found = rng.random() < VIOLATION_RATE
        violations += found
        task_record_result(actor=officer, task_id=task.pk, inspected_on=today.isoformat(), violation_found=found,
                           findings=rng.choice(FINDINGS) if found else CHECKED[task.pk % len(CHECKED)])
    round_publish(actor=leader, round_id=published.pk)
    # A risk-proportional round (issue 11 item 4), committed for next month's ceremony: each firm's probability from
    # its score and credit grade is public from the commitment on.
    pool = entity_pool(organization=organization).count()
    budget = min(pool, max(math.ceil(rules.draw_floor * pool) + 1, pool // 25))
    weighted = _commit(leader, title=f"{today.year}年风险比例双随机抽查（试行）", period_start=today,
                       period_end=quarter_end, ratios={}, mode="weighted", budget=budget)
    return {"weighted_round": weighted.round_id,"skipped": False, "planned": sum(plan.lines.values_list("planned", flat=True)),
            "published": published.round_id, "published_targets": published.tasks.count(), "violations": violations,
            "open_round": campaign.round_id,
            "open_tasks": InspectionTask.objects.filter(round=campaign, status=InspectionTask.Status.ASSIGNED).count()}


def cross_region_demo(*, city_leader: User, home: Organization, today: dt.date) -> dict:
    """交叉执法: the city detachment's leader runs a cross-region round over one county's entities — officers from the
    city's other bureaus, the county's own recused — and the visiting officers record three results, which go back to
    the county's leaders (one violation: a lead in the county's inbox); the other targets wait in their lists."""
    if DrawRound.objects.filter(policy__cross_region=True, organization=home).exists():
        return {"skipped": True}
    quarter_end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 3,
                          calendar.monthrange(today.year, 3 * ((today.month - 1) // 3) + 3)[1])
    round_ = round_commit(actor=city_leader, organization=home, cross_region=True,
                          title=f"{today.year}年第四季度交叉执法检查（{home.region.name}）", period_start=today,
                          period_end=max(quarter_end, today + dt.timedelta(days=20)), max_targets=12,
                          ratios={"special": Decimal("0.5"), "key": Decimal("0.3"), "general": Decimal("0.05")})
    round_ = round_draw(actor=city_leader, round_id=round_.pk, public_entropy="市支队交叉执法抽签会现场掷骰 4-2-6")
    recorded = []
    for n, task in enumerate(round_.tasks.order_by("risk_class", "rank_in_class").prefetch_related("inspectors")[:3]):
        officer = min(task.inspectors.all(), key=lambda u: u.pk)
        found = n == 1
        recorded.append(task_record_result(
            actor=officer, task_id=task.pk, inspected_on=today.isoformat(), violation_found=found,
            findings=FINDINGS[1] if found else CHECKED[n % len(CHECKED)]))
    return {"skipped": False, "round": round_.round_id, "targets": round_.tasks.count(), "returned": len(recorded),
            "lead": next((t.lead.number for t in recorded if t.lead_id), "")}
