"""Demo of the enterprise service, through the services: the demo firm user's first facility gets rectification
tasks in every state (evidence awaiting the officer, one returned with a reason, one accepted, one just issued), a
quarter's self-inspection with a problem of its own, last year's disclosure report published and a help visit."""

from __future__ import annotations

import datetime as dt

from ecoenforce.compliance import sections
from ecoenforce.compliance.selfcheck import PROBLEM, template_for
from ecoenforce.compliance.services import (
    disclosure_publish,
    disclosure_save,
    help_visit_record,
    rectification_decide,
    rectification_issue,
    rectification_submit,
    self_inspection_record,
)
from ecoenforce.core.models import User
from ecoenforce.registry.models import RegulatedEntity

# A one-page PDF, as a firm's scanned photo sheet would arrive (the type is read from the content).
_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _report(entity: RegulatedEntity, year: int) -> dict[str, str]:
    return {
        "basic": f"{entity.name}，统一社会信用代码{entity.uscc}，地址{entity.address}，法定代表人"
                 f"{entity.legal_representative or '—'}；主营{entity.industry}。",
        "permits": f"排污许可证{entity.permit_number or '（编号见全国排污许可证管理信息平台）'}，"
                   f"{entity.get_permit_class_display()}；建设项目环评批复及竣工环保验收齐全；按季申报缴纳环境保护税；"
                   "已投保环境污染责任保险。",
        "pollutants": "废气经SCR脱硝、石灰石-石膏湿法脱硫、湿式电除尘处理后由1根排气筒排放；全年二氧化硫、氮氧化物、"
                      "颗粒物排放量均低于许可排放量；废水经厂内污水站处理后接管。",
        "solid_waste": "全年产生一般工业固体废物（粉煤灰、脱硫石膏）综合利用；危险废物（废矿物油、废脱硝催化剂）"
                       "委托有资质单位处置，转移联单齐全。",
        "monitoring": "按自行监测方案开展监测，烟气排放口安装在线监测设备并与生态环境部门联网，"
                      "手工监测委托有资质检测机构按季度开展，结果已在平台公开。",
        "emergency": "突发环境事件应急预案已于本年度修订并报生态环境部门备案，6月开展应急演练；"
                     "重污染天气期间按应急减排清单落实减排措施。",
        "violations": f"{year}年度未受到生态环境行政处罚。",
        "interim": "无",
    }


def enterprise_demo(*, firm: User | None, officer: User, today: dt.date) -> dict:
    """The firm's page, its calendar and the officer's queue all have something to show."""
    if firm is None:
        return {"tasks": 0, "published": 0}
    entity = RegulatedEntity.objects.filter(enterprise_accounts__user=firm).order_by("name").first()
    if entity is None:
        return {"tasks": 0, "published": 0}

    def issue(source: str, title: str, requirements: str, days: int, ref: str = ""):
        return rectification_issue(actor=officer, entity_id=entity.pk, source=source, title=title, source_ref=ref,
                                   requirements=requirements, deadline=today + dt.timedelta(days=days))

    waiting = issue("warning", "修复脱硫塔循环泵并加装备用泵联锁",
                    "修复故障循环泵，加装备用泵自动切换联锁，提交维修记录和联锁测试记录。", 10, "二氧化硫超标预警")
    rectification_submit(actor=firm, rectification_id=waiting.pk, files=[("维修及联锁测试记录.pdf", _PDF)],
                         text="循环泵已更换机封并恢复运行；备用泵自动切换联锁已安装并完成测试，附维修及测试记录。")
    returned = issue("inspection", "危险废物贮存间标识不全",
                     "按《危险废物贮存污染控制标准》补齐贮存间警示标志和包装标签，提交现场照片。", 14, "现场检查")
    rectification_submit(actor=firm, rectification_id=returned.pk, files=[("标识照片.pdf", _PDF)],
                         text="已在贮存间门口张贴警示标志，并为各类危险废物包装粘贴标签，附照片。")
    rectification_decide(actor=officer, rectification_id=returned.pk, accept=False,
                         reason="照片看不清标签内容，请补充各类包装标签的近景照片。")
    closed = issue("case", "按规定开展废气自行监测",
                   "按排污许可证要求补做本季度废气手工监测，并完善自行监测方案。", 30, "责令改正")
    rectification_submit(actor=firm, rectification_id=closed.pk, files=[("监测报告.pdf", _PDF)],
                         text="已委托检测机构完成本季度废气手工监测，报告附后；自行监测方案已修订。")
    rectification_decide(actor=officer, rectification_id=closed.pk, accept=True)
    issue("other", "完善雨水排放口应急截止阀", "在雨水总排口加装应急截止阀并纳入应急预案，提交安装照片。", 5)

    items = template_for(entity.industry.code).items
    answers = {i.key: {"answer": "ok"} for i in items}
    answers["outlets_marked"] = {"answer": PROBLEM, "note": "2号废水排放口标志牌褪色，需更换",
                                 "due": (today + dt.timedelta(days=14)).isoformat()}
    self_inspection_record(actor=firm, entity_id=entity.pk, answers=answers, today=today)

    year = today.year - 1
    report = disclosure_save(actor=firm, entity_id=entity.pk, year=year, sections=_report(entity, year))
    disclosure_publish(actor=firm, report_id=report.pk)
    if sections.annual_deadline(today.year) > today:  # this year's report started as a draft
        disclosure_save(actor=firm, entity_id=entity.pk, year=today.year, sections={"basic": _report(entity, year)["basic"]})

    help_visit_record(actor=officer, entity_id=entity.pk, date=today - dt.timedelta(days=12),
                      topic="排污许可执行报告填报与自行监测指导",
                      notes="讲解排污许可年度执行报告的填报要点和自行监测频次要求，现场查看了在线监测站房。",
                      follow_ups="一个月后回访，检查自行监测方案修订情况。")
    return {"tasks": 5, "published": 1, "entity": entity.name}
