"""Demo of the handling chain's heavier roads, through the services (called by `demo/seed.py`):

- a Wujin dye works' wastewater case that went through a **hearing** — advance notice, the party's request within 5
  working days, the hearing notice 7 working days ahead, the hearing hosted by the legal reviewer, legal review
  after the hearing (a hearing makes the decision major), the decision, service, payment and closing;
- a Wujin boiler's air-emission case with a **daily continuous penalty** (按日连续处罚, EPL art. 59, Order 28): the
  decision, an order to correct served with it, a covert re-inspection that found the exceedance going on (a round of
  daily penalty with its decision number), and a second order whose re-inspection is still due.

Titles, legal bases and decision texts name the cited catalogue matter's violation; fines are the discretion
benchmark's, computed from the recorded facts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ecoenforce.cases.daily_penalty_services import correction_order_serve, reinspection_record
from ecoenforce.cases.discretion import decision_assess
from ecoenforce.cases.models import Case
from ecoenforce.cases.procedure import discussion_required
from ecoenforce.cases.procedure_services import procedure_rules_current
from ecoenforce.cases.services import case_open, case_transition
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.errors import InvalidTransition
from ecoenforce.core.models import User
from ecoenforce.registry.catalogue.services import matter_current
from ecoenforce.registry.models import RegulatedEntity

WUJIN = "320412"
WATER_MATTER = "CF-SW-083"  # 超标排放水污染物 (水污染防治法 art. 83)
AIR_MATTER = "CF-DQ-099"  # 超标排放大气污染物 (大气污染防治法 art. 99)
FACTS = {"levels": {}, "situations": [], "apology": False}  # the benchmark's default landing point


def _working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the next one."""
    cal = calendar_current()
    return day if cal.is_working_day(day) else cal.add_working_days(day, 1).due


def _decide(case: Case, *, leader: User, matter_code: str, violation: str, day: dt.date) -> Case:
    matter = matter_current(matter_code)
    fine = decision_assess(matter=matter, raw=FACTS)["fine"]
    if fine is not None and discussion_required(procedure_rules_current()[0], fine=Decimal(fine)):
        case_transition(case_id=case.pk, actor=leader, action="record_discussion", effective_date=day,
                        details={"participants": "局长、分管副局长、法制审核机构负责人、案件承办人",
                                 "conclusion": "违法事实清楚，证据确凿，同意按裁量基准处罚。"})
    entity = case.entity
    return case_transition(
        case_id=case.pk, actor=leader, action="decide", effective_date=day, matter_code=matter_code,
        discretion=FACTS, reason="依法作出处罚决定。",
        decision_text=(f"经查，你单位（法定代表人：{entity.legal_representative}）存在{violation}的行为。"
                       f"依据{matter.citation}，决定处以罚款人民币{fine}元。限于收到本决定书之日起十五日内缴至指定银行。"))


def _filed(*, firm: RegulatedEntity, users: dict[str, User], filed_on: dt.date, title: str, facts: str,
           matter_code: str) -> Case:
    """Filed, investigated and submitted for case review with the handlers' proposed penalty (the same facts the
    decision records)."""
    inspector, inspector2, leader = users["inspector"], users["inspector2"], users["leader"]
    case = case_open(entity=firm, opened_by=inspector, handlers=[inspector, inspector2], filed_on=filed_on,
                     source="现场检查", title=title, facts=facts)
    for action, actor, reason in [("approve_filing", leader, "涉嫌环境违法事实基本清楚，属本局管辖，同意立案。"),
                                  ("start_investigation", inspector, "")]:
        case = case_transition(case_id=case.pk, actor=actor, action=action, reason=reason, effective_date=filed_on)
    case_transition(case_id=case.pk, actor=inspector, action="propose_penalty", effective_date=filed_on,
                    matter_code=matter_code, discretion=FACTS)
    return case_transition(case_id=case.pk, actor=inspector, action="submit_for_review", effective_date=filed_on,
                           reason="证据已收集完毕：现场检查笔录、询问笔录、监测报告、照片。")


def _step(case: Case, actor: User, action: str, day: dt.date, **kw) -> Case:
    """One move of the case on `day` by `actor` (the demo's cases move only through `case_transition`)."""
    return case_transition(case_id=case.pk, actor=actor, action=action, effective_date=day, **kw)


def hearing_case(*, firm: RegulatedEntity, users: dict[str, User], today: dt.date) -> Case:
    """A wastewater exceedance case decided after a hearing, paid and closed."""
    inspector, leader, legal = users["inspector"], users["leader"], users["legal"]
    cal = calendar_current()
    filed = _working_day(today - dt.timedelta(days=75))
    case = _filed(firm=firm, users=users, filed_on=filed, title=f"{firm.name}超标排放水污染物案",
                  facts="经查，该公司废水总排口化学需氧量浓度为186mg/L，超过《污水综合排放标准》（GB 8978-1996）表4"
                        "一级标准限值（100mg/L）0.86倍，有监测报告、现场检查笔录和询问笔录为证。",
                  matter_code=WATER_MATTER)

    notice = _working_day(filed + dt.timedelta(days=10))
    try:
        _step(case, leader, "proceed_to_notice", notice, reason="案件事实清楚，拟作出行政处罚，进入告知程序。")
    except InvalidTransition as exc:  # a proposal the review policy in force finds major is reviewed first
        if exc.code != "legal_review_required":
            raise
        _step(case, leader, "send_to_legal_review", notice, reason="拟处罚属重大执法决定，送法制审核。")
        _step(case, legal, "legal_review_pass", notice, reason="事实清楚，证据确凿，适用法律正确，程序合法，裁量适当，同意。")
    _step(case, inspector, "serve_notice", notice, reason="行政处罚事先告知书已直接送达当事人，告知陈述、申辩和听证权利。")
    requested = cal.add_working_days(notice, 2).due
    _step(case, inspector, "request_hearing", requested,
          details={"request_text": "当事人书面提出听证申请，认为超标系污水处理设施突发故障所致，请求从轻处罚。"})
    hearing_on = cal.add_working_days(requested, 8).due
    _step(case, inspector, "schedule_hearing", requested,
          details={"hearing_on": hearing_on.isoformat(), "place": "武进区生态环境局三楼听证室"})
    _step(case, leader, "record_hearing", hearing_on, details={
        "host": legal.pk, "attendees": "案件承办人周明、吴静；当事人委托代理人王律师；书记员",
        "arguments": "当事人称超标系生化池曝气风机故障所致，已于次日修复并提交维修记录；承办人出示监测报告及"
                     "中控记录，故障前后三日均有超标排放。",
        "outcome": "当事人未提出足以推翻违法事实的新证据，维持拟处罚意见。"})
    _step(case, leader, "send_to_legal_review", cal.add_working_days(hearing_on, 1).due,
          reason="已举行听证，属重大执法决定，送法制审核。")
    reviewed = cal.add_working_days(hearing_on, 3).due
    _step(case, legal, "legal_review_pass", reviewed,
          reason="事实清楚，证据确凿，适用法律正确，程序合法（已依法举行听证），裁量适当，同意。")
    decided = cal.add_working_days(reviewed, 1).due
    case = _decide(case, leader=leader, matter_code=WATER_MATTER, violation="超标排放水污染物", day=decided)
    served = cal.add_working_days(decided, 1).due
    _step(case, inspector, "serve", served,
          details={"method": "direct", "recipient": f"{firm.legal_representative}（签收）"})
    paid = min(today, served + dt.timedelta(days=9))
    _step(case, inspector, "record_payment", paid,
          details={"amount": str(case.fine_amount), "receipt_no": f"JS{paid:%Y%m%d}{case.pk:06d}"})
    _step(case, inspector, "start_execution", paid)
    return _step(case, leader, "close", paid, reason="罚款已全额缴纳，案件执行完毕，予以结案。")


def daily_penalty_case(*, firm: RegulatedEntity, users: dict[str, User], today: dt.date) -> Case:
    """An air-emission exceedance case decided and served; the order to correct served with it was not obeyed (one
    round of daily penalty), and a second order awaits its covert re-inspection."""
    inspector, leader, legal = users["inspector"], users["leader"], users["legal"]
    cal = calendar_current()
    filed = _working_day(today - dt.timedelta(days=62))
    case = _filed(firm=firm, users=users, filed_on=filed, title=f"{firm.name}超标排放大气污染物案",
                  facts="经查，该公司燃煤锅炉烟气自动监测数据显示，二氧化硫小时均值连续多日超过《锅炉大气污染物排放标准》"
                        "（GB 13271-2014）限值，现场比对监测结果为排放限值的1.9倍。",
                  matter_code=AIR_MATTER)

    _step(case, leader, "send_to_legal_review", filed + dt.timedelta(days=3), reason="案件事实清楚，拟作出行政处罚，送法制审核。")
    reviewed = cal.add_working_days(filed, 4).due
    _step(case, legal, "legal_review_pass", reviewed, reason="事实清楚，证据确凿，适用法律正确，程序合法，裁量适当，同意。")
    _step(case, inspector, "serve_notice", reviewed, reason="行政处罚事先告知书已直接送达当事人，告知陈述、申辩和听证权利。")
    _step(case, inspector, "record_waiver", reviewed, reason="当事人书面声明放弃陈述、申辩和听证权利。")
    decided = cal.add_working_days(reviewed, 1).due
    case = _decide(case, leader=leader, matter_code=AIR_MATTER, violation="超标排放大气污染物", day=decided)
    _step(case, inspector, "serve", decided,
          details={"method": "direct", "recipient": f"{firm.legal_representative}（签收）"})
    correction_order_serve(case_id=case.pk, actor=inspector, served_on=decided,
                           notes="责令立即停止超标排放大气污染物，对脱硫设施进行检修，确保达标排放。")
    first = decided + dt.timedelta(days=14)
    reinspection_record(case_id=case.pk, actor=inspector, finding="not_corrected", reinspected_on=first,
                        notes="夜间暗查：脱硫塔循环泵仍停运，烟囱排口二氧化硫浓度超过排放限值1.6倍，已拍照并调取中控记录。")
    correction_order_serve(case_id=case.pk, actor=inspector, served_on=first,
                           notes="再次责令立即停止超标排放，限期恢复脱硫设施正常运行。")
    return Case.objects.get(pk=case.pk)


def handling_demo(*, users: dict[str, User], today: dt.date) -> dict:
    """The two Wujin cases; nothing if Wujin has too few entities (small test cities)."""
    firms = list(RegulatedEntity.objects.filter(region__code=WUJIN).order_by("pk")[12:14])
    if len(firms) < 2:
        return {"hearing": "", "daily": ""}
    heard = hearing_case(firm=firms[0], users=users, today=today)
    daily = daily_penalty_case(firm=firms[1], users=users, today=today)
    return {"hearing": heard.number, "daily": daily.number,
            "daily_rounds": daily.correction_orders.count(),
            "daily_amount": sum(o.amount or 0 for o in daily.correction_orders.all())}
