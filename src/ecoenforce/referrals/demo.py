"""Demo coordination (issue 12): partner departments of the demo city, a referral answered by the police and
closed, one awaiting the 住建 department past its deadline, one from 水利 to the bureau, and a joint inspection
with the police whose results both departments recorded."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.referrals.models import Referral
from ecoenforce.referrals.services import (
    joint_inspection_plan,
    joint_result_record,
    referral_answer,
    referral_close,
    referral_send,
)
from ecoenforce.registry.models import RegulatedEntity

DEPARTMENTS = [("常州市住房和城乡建设局", "建"), ("常州市水利局", "水"), ("常州市自然资源和规划局", "资"),
               ("常州市市场监督管理局", "市"), ("常州市应急管理局", "应"), ("常州市农业农村局", "农")]


def referrals_demo(*, inspector: User, leader: User, police_user: User) -> dict:
    city = Region.objects.get(code="320400")
    wj = Region.objects.get(code="320412")
    made = {}
    for name, short in DEPARTMENTS:
        made[short], _created = Organization.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": Organization.Kind.PARTNER, "region": city})
    water_user, _created = User.objects.get_or_create(
        username="partner_water", defaults={"role": Role.PARTNER, "organization": made["水"], "full_name": "严志刚"})
    entities = list(RegulatedEntity.objects.filter(region=wj).order_by("id")[:3])
    police = police_user.organization
    asked = referral_send(actor=inspector, department_id=police.pk, entity_id=entities[0].pk,
                          title="涉嫌通过暗管排放有毒物质", request="现场发现暗管排放含重金属废水，涉嫌污染环境罪，请按程序审查是否立案侦查。")
    referral_answer(actor=police_user, referral_id=asked.pk, answer="已受理，经初查符合立案条件，已立案侦查（常公环立〔2026〕15号）。")
    referral_close(actor=inspector, referral_id=asked.pk)
    late = referral_send(actor=inspector, department_id=made["建"].pk, entity_id=entities[1].pk,
                         title="施工工地夜间扬尘", request="请核查该单位厂区扩建工地的施工许可和夜间施工审批情况并回复。")
    Referral.objects.filter(pk=late.pk).update(sent_at=timezone.now() - dt.timedelta(days=30),
                                               deadline=timezone.localdate() - dt.timedelta(days=5))
    referral_send(actor=water_user, department_id=None, region=wj, entity_id=entities[2].pk,
                  title="河道巡查发现排口异常", request="河长巡河发现该单位附近排口排出浑浊废水，请核查。")
    joint = joint_inspection_plan(actor=inspector, entity_id=entities[0].pk, title="联合检查：暗管排放",
                                  planned_on=timezone.localdate(), department_ids=[police.pk],
                                  officer_ids=[police_user.pk])
    joint_result_record(actor=inspector, inspection_id=joint.pk, violation=True,
                        findings="发现厂区西侧暗管一根，采样送检，重金属超标。")
    joint_result_record(actor=police_user, inspection_id=joint.pk, violation=True,
                        findings="固定证据，询问相关责任人两名。")
    return {"departments": len(made) + 1, "referrals": 3, "joint": joint.title}
