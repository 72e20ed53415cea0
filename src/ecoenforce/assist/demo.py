"""Demo assistance (issue 12): the demo contractor's night monitoring of 武进区's key units, three findings — one
verified as a violation (corrected with guidance), one verified false, one waiting for the officers."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from ecoenforce.assist.models import Assignment
from ecoenforce.assist.services import assignment_create, finding_report
from ecoenforce.core.models import Organization, Region, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_close
from ecoenforce.registry.models import RegulatedEntity


def assist_demo(*, leader: User, assistant: User, inspector: User) -> dict:
    today = timezone.localdate()
    wj = Region.objects.get(code="320412")
    entities = list(RegulatedEntity.objects.filter(region=wj, is_key_unit=True).order_by("id")[:8]) or \
        list(RegulatedEntity.objects.filter(region=wj).order_by("id")[:8])
    contractor = Organization.objects.filter(kind=Organization.Kind.CONTRACTOR).order_by("id").first()
    assignment = assignment_create(
        actor=leader, organization_id=contractor.pk, kind=Assignment.Kind.NIGHT_MONITORING,
        title="武进区重点排污单位夜间巡查", region=wj, starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=40), staff_ids=[assistant.pk], entity_ids=[e.pk for e in entities],
        note="每晚 22:00 至次日 4:00 巡查重点单位雨水排口和废气排放情况，发现异常拍照上报，不得进入厂区执法。")
    facts = [("夜间雨水排口有白色泡沫水排出", Lead.CloseReason.MINOR_GUIDANCE, "现场核实：冷却水外溢，已责令整改。"),
             ("夜间烟囱冒黑烟", Lead.CloseReason.NO_VIOLATION, "现场核实：锅炉点火启动阶段，监测数据达标。"),
             ("厂区夜间有刺鼻气味", None, "")]
    for (title, reason, note), entity in zip(facts, entities, strict=False):
        finding = finding_report(actor=assistant, assignment_id=assignment.pk, token=uuid.uuid4().hex, title=title,
                                 description="夜间巡查发现，附现场照片。", entity_id=entity.pk)
        if reason:
            lead_close(lead_id=finding.lead_id, actor=inspector, reason=reason, note=note)
    return {"assignment": assignment.title, "findings": len(facts)}
