"""Demo of the criminal link, through the services: a Wujin firm dumped hazardous waste and its chromium discharge
ran at 4.6 times the standard — the facts meet 法释〔2023〕7号 art. 1, the leader approved the transfer and the
package went to the police, who have yet to answer; a second firm's tampering with its automatic monitoring meets a
threshold today and waits for the transfer decision (both in the Wujin leader's and officers' queues)."""

from __future__ import annotations

import datetime as dt

from ecoenforce.cases.services import case_open, case_transition
from ecoenforce.core.models import User
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.transfers.labels import REQUIRED_DOCUMENTS
from ecoenforce.transfers.services import case_facts_record, transfer_propose, transfer_step

WUJIN = "320412"


def _reviewed_case(*, firm, inspector: User, inspector2: User, leader: User, filed_on: dt.date, today: dt.date,
                   title: str, facts: str):
    case = case_open(entity=firm, opened_by=inspector, handlers=[inspector, inspector2], filed_on=filed_on,
                     source="现场检查", title=title, facts=facts)
    for action, actor, reason, day in [("approve_filing", leader, "同意立案。", filed_on),
                                       ("start_investigation", inspector, "", filed_on),
                                       ("submit_for_review", inspector, "证据已收集完毕。", today)]:
        case = case_transition(case_id=case.pk, actor=actor, action=action, reason=reason, effective_date=day)
    return case


def transfers_demo(*, users: dict[str, User], today: dt.date) -> dict:
    """Two Wujin cases meeting a criminal threshold: one transferred (awaiting the police), one awaiting the decision."""
    inspector, inspector2, leader = users["inspector"], users["inspector2"], users["leader"]
    firms = list(RegulatedEntity.objects.filter(region__code=WUJIN).order_by("pk")[5:7])
    if len(firms) < 2:
        return {"transferred": "", "waiting": ""}
    dumped = _reviewed_case(
        firm=firms[0], inspector=inspector, inspector2=inspector2, leader=leader, filed_on=today - dt.timedelta(days=15),
        today=today, title=f"{firms[0].name}非法倾倒危险废物案",
        facts="经查，该公司将电镀污泥（HW17）约4.2吨倾倒于厂区北侧空地，外排废水总铬浓度为标准限值的4.6倍。")
    case_facts_record(case_id=dumped.pk, actor=inspector, values={
        "hazardous_waste_tonnes": "4.2", "loss_yuan": "186000",
        "measurements": [{"pollutant": "Cr", "measured": "6.9", "limit": "1.5"}]})
    transfer = transfer_propose(case_id=dumped.pk, actor=inspector, kind="criminal",
                                report="当事人非法倾倒危险废物4.2吨，总铬超标4.6倍，已达法释〔2023〕7号第一条第（二）、（三）项"
                                       "标准，建议移送公安机关。")
    transfer_step(transfer_id=transfer.pk, actor=leader, action="approve_transfer",
                  reason="事实清楚，涉嫌污染环境罪，同意移送武进分局，抄送武进区人民检察院。")
    transfer_step(transfer_id=transfer.pk, actor=inspector, action="send", police_unit="常州市公安局武进分局",
                  documents=list(REQUIRED_DOCUMENTS))
    tampered = _reviewed_case(
        firm=firms[1], inspector=inspector, inspector2=inspector2, leader=leader, filed_on=today - dt.timedelta(days=9),
        today=today, title=f"{firms[1].name}篡改自动监测数据案",
        facts="经查，该公司运维人员修改二氧化硫分析仪量程参数，使上传数据长期低于实际排放浓度。")
    case_facts_record(case_id=tampered.pk, actor=inspector, values={"key_unit": True, "monitoring_tampered": True})
    return {"transferred": dumped.number, "waiting": tampered.number}
