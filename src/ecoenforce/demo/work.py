"""Demo of the day's work queues, made through the services: the Wujin leader hands new leads to his officers,
and the city detachment investigates a cross-county case of its own that now waits for the city leader's review.

Called last by `demo/seed.py`, once leads, cases, warnings and rounds exist (issue 14).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ecoenforce.cases.services import case_open, case_transition
from ecoenforce.core.calendar import deadline_in_working_days
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_assign, lead_create
from ecoenforce.registry.models import RegulatedEntity

WUJIN = "320412"


# This morning's arrivals in Wujin's inbox: what the leader hands out does not depend on which older leads the
# seeded year happened to leave open.
MORNING_LEADS = [
    (Lead.Source.TIP, "群众举报夜间偷排废水", "12369热线：晚上十点后厂区东侧排口有黑色废水流入河道。"),
    (Lead.Source.TIP, "群众举报厂区异味扰民", "12369热线：连续三天傍晚刺鼻气味，周边小区居民反映强烈。"),
    (Lead.Source.WARNING, "自动监控小时均值超标预警", "在线监测颗粒物小时均值连续两小时超过排放限值。"),
    (Lead.Source.GRID, "网格员巡查发现雨水排口有异常排水", "晴天雨水排口有浑浊废水排出，已拍照取证。"),
]


def _morning_leads(*, today: dt.date, recorded_by: User) -> list[Lead]:
    """Four leads received this morning about Wujin key units, through the intake service (idempotent by ref)."""
    firms = list(RegulatedEntity.objects.filter(region__code=WUJIN).order_by("-is_key_unit", "pk")[:len(MORNING_LEADS)])
    leads = []
    for i, ((source, title, description), firm) in enumerate(zip(MORNING_LEADS, firms, strict=False)):
        received = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 10 + 7 * i)))
        lead, _ = lead_create(source=source, title=title, entity=firm, description=f"{firm.name}：{description}",
                              received_at=received, created_by=recorded_by, external_ref=f"demo:morning:{i}")
        leads.append(lead)
    return leads


def work_demo(*, users: dict[str, User], today: dt.date) -> dict:
    """Assign this morning's four Wujin leads (three to 周明, one to 吴静), open the city's own case, send a Wujin case to legal
    review, and let the operator take the most severe warnings; returns counts."""
    leader, inspector, inspector2 = users["leader"], users["inspector"], users["inspector2"]
    new = _morning_leads(today=today, recorded_by=inspector)
    plan = [(inspector, 2, "请两个工作日内现场核查，带上快速检测仪。"), (inspector, 5, "核查后在线索页填写结果。"),
            (inspector, 10, "结合在线监测数据核查。"), (inspector2, 3, "请与周明一同前往。")]
    assigned = 0
    for lead, (officer, days, note) in zip(new, plan, strict=False):
        lead_assign(lead_id=lead.pk, actor=leader, assignee_id=officer.pk, note=note,
                    due_on=deadline_in_working_days(today, days).due)
        assigned += 1
    # This morning's report from the grid member, waiting for the leader to give it to someone.
    reported = RegulatedEntity.objects.filter(region__code=WUJIN).order_by("pk").first()
    if reported is not None:
        lead_create(source=Lead.Source.GRID, entity=reported, created_by=users["grid"], external_ref="demo:grid-today",
                    title="网格员巡查发现厂区雨水排口有黄色废水外排", location=reported.address,
                    description="今晨巡查时拍照两张，排水持续约十分钟，有刺鼻气味。")
    city = Organization.objects.get(kind=Organization.Kind.CITY_BUREAU)
    officers = list(User.objects.filter(organization=city, username__startswith="city").order_by("username")[:2])
    target = RegulatedEntity.objects.filter(region__code="320411", is_key_unit=True).order_by("pk").first() \
        or RegulatedEntity.objects.order_by("pk").first()
    city_case = None
    if len(officers) == 2 and target is not None:
        filed_on = today - dt.timedelta(days=12)
        city_case = case_open(entity=target, opened_by=officers[0], handlers=officers, filed_on=filed_on,
                              source="支队直接查办", title=f"{target.name}跨区域转移危险废物案",
                              facts="支队联合新北、武进两地大队检查发现，该公司将废矿物油跨区转移至无资质单位。")
        city_leader = User.objects.filter(organization=city, role=Role.UNIT_LEADER).order_by("pk").first()
        case_transition(case_id=city_case.pk, actor=city_leader, action="approve_filing", effective_date=filed_on,
                        reason="跨区域转移危险废物线索清楚，属支队管辖，同意立案。")
        case_transition(case_id=city_case.pk, actor=officers[0], action="start_investigation", effective_date=filed_on)
        case_transition(case_id=city_case.pk, actor=officers[0], action="submit_for_review", effective_date=today,
                        reason="已调取转移联单、运输记录及两地现场检查笔录，证据已收集完毕。")
    # 周明's case against a Wujin firm, examined by the leader today and sent to the legal reviewer.
    legal = users["legal"]
    firm = RegulatedEntity.objects.filter(region__code=WUJIN).order_by("-pk").first()
    legal_case = None
    if firm is not None:
        filed_on = today - dt.timedelta(days=20)
        legal_case = case_open(entity=firm, opened_by=inspector, handlers=[inspector, inspector2], filed_on=filed_on,
                               source="现场检查", title=f"{firm.name}未按规定开展自行监测案",
                               facts="现场检查发现该公司2026年第三季度未按排污许可证规定开展废气自行监测。")
        steps = [("approve_filing", leader, "同意立案。", filed_on),
                 ("start_investigation", inspector, "", filed_on),
                 ("propose_penalty", inspector, "", today),
                 ("submit_for_review", inspector, "询问笔录、自行监测记录、排污许可证副本已归档。", today),
                 ("send_to_legal_review", leader, "事实清楚，拟处罚款，送法制审核。", today)]
        for action, actor, reason, day in steps:
            # The proposal cites 排污许可管理条例 art. 36 with the benchmark's facts left undetermined (its floor).
            proposal = {"matter_code": "CF-PW-036"} if action == "propose_penalty" else {}
            case_transition(case_id=legal_case.pk, actor=actor, action=action, reason=reason, effective_date=day,
                            **proposal)
    # The duty operator takes the two most severe open warnings into his own queue.
    from ecoenforce.warnings.queue import warnings_untaken
    from ecoenforce.warnings.services import warning_take

    operator = users["operator"]
    taken = [warning_take(actor=operator, warning_id=w.pk) for w in list(warnings_untaken(operator)[:2])]
    notices = _notices(operator=operator, firm=users.get("enterprise"), today=today)
    # The scheduler's first sweep: deadlines near or passed in everyone's queue reach their bells.
    from ecoenforce.notifications.tasks import deadline_sweep

    swept = deadline_sweep(today=today)
    return {"assigned": assigned, "taken": len(taken), **notices, "deadline_notices": swept["created"], "city_case": city_case.number if city_case else "",
            "legal_case": legal_case.number if legal_case else "", "legal_reviewer": legal.display_name}


# A one-page PDF, as a firm's scanned maintenance record would arrive (the type is read from the content).
_RECORD_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _notices(*, operator: User, firm: User | None, today: dt.date) -> dict:
    """Two electronic notices to a monitored firm the demo enterprise user also acts for, through the services: the
    firm answered one (explanation and a scanned record); the other still awaits its explanation — so the firm's
    page shows a notice to answer and the positive-list criteria unmet, and the operator reads an answer."""
    from ecoenforce.registry.models import EnterpriseAccount
    from ecoenforce.warnings.models import Warning
    from ecoenforce.warnings.notices import notice_answer
    from ecoenforce.warnings.queue import _SEVERITY_RANK
    from ecoenforce.warnings.services import warning_notify

    if firm is None:
        return {"notices_answered": 0, "notices_pending": 0}
    open_warnings = list(Warning.objects.filter(status=Warning.Status.OPEN).annotate(rank=_SEVERITY_RANK)
                         .order_by("rank", "-start", "id").select_related("entity"))
    by_entity: dict[int, list[Warning]] = {}
    for w in open_warnings:
        by_entity.setdefault(w.entity_id, []).append(w)
    pair = next((ws[:2] for ws in by_entity.values() if len(ws) >= 2), open_warnings[:2])
    if len(pair) < 2:
        return {"notices_answered": 0, "notices_pending": 0}
    for w in pair:
        EnterpriseAccount.objects.get_or_create(user=firm, entity=w.entity)
    deadline = deadline_in_working_days(today, 5).due
    answered = warning_notify(actor=operator, warning_id=pair[0].pk, deadline=deadline,
                              message="在线监测数据显示贵单位排放异常，请于期限内说明原因，并提供治理设施运行记录和整改情况。")
    notice_answer(actor=firm, notice_id=answered.pk, files=[("脱硫系统维修记录.pdf", _RECORD_PDF)],
                  response="经排查，异常时段为脱硫塔循环泵故障所致，当日已启用备用泵并完成维修，"
                           "附维修记录；故障期间已按规定向生态环境部门报告。")
    warning_notify(actor=operator, warning_id=pair[1].pk, deadline=deadline,
                   message="在线监测数据显示贵单位排放异常，请于期限内说明原因并提供相关证明材料。")
    return {"notices_answered": 1, "notices_pending": 1}
