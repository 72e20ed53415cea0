"""Demo duty requirements: the plain-language duties of each post, each with the article it rests on."""

from __future__ import annotations

from ecoenforce.core.models import User
from ecoenforce.duty.models import DutyRequirement
from ecoenforce.duty.services import duty_requirements_add

L, P = DutyRequirement.Level, DutyRequirement.Post
REQUIREMENTS = [
    (L.COUNTY, P.INSPECTOR, "现场检查、调查取证不少于两名持有执法证件的执法人员，并主动向当事人出示执法证件。",
     "《行政处罚法》第四十二条、第五十五条"),
    (L.COUNTY, P.INSPECTOR, "对立案、调查取证、审核、决定、送达、执行等环节进行文字和音像记录，全过程可回溯管理。",
     "《行政处罚法》第四十七条；国办发〔2018〕118号"),
    (L.COUNTY, P.INSPECTOR, "行政处罚决定书在宣告后当场交付当事人；当事人不在场的，七日内依照民事诉讼法送达。",
     "《行政处罚法》第六十一条"),
    (L.COUNTY, P.UNIT_LEADER, "对符合立案标准的线索及时审批立案；自立案之日起九十日内作出行政处罚决定，需延长的按规定审批。",
     "《行政处罚法》第五十四条、第六十条"),
    (L.COUNTY, P.UNIT_LEADER, "情节复杂或者重大违法行为给予行政处罚的，组织集体讨论决定。", "《行政处罚法》第五十七条"),
    (L.COUNTY, P.LEGAL_REVIEWER, "对涉及重大公共利益、经过听证程序等重大执法决定，在作出决定前进行法制审核，未经审核或审核未通过的不得作出决定。",
     "《行政处罚法》第五十八条"),
    (L.CITY, P.UNIT_LEADER, "行政处罚决定作出后按规定在七个工作日内公开；决定被撤销的，三个工作日内撤回公开信息。",
     "《行政处罚法》第四十八条；国办发〔2018〕118号"),
    (L.CITY, P.MONITORING_OPERATOR, "对自动监控预警及时核实处置，发现涉嫌违法的及时转为线索交办。",
     "本局非现场监管工作规程（待核实）"),
]


def duty_demo(*, actor: User) -> dict:
    if DutyRequirement.objects.exists():
        return {"requirements": 0, "skipped": True}
    made = duty_requirements_add(actor=actor, rows=[
        {"level": lv, "post": post, "requirement": text, "basis": basis, "order": i}
        for i, (lv, post, text, basis) in enumerate(REQUIREMENTS)])
    return {"requirements": len(made), "skipped": False}
