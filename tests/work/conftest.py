"""A Wujin bureau with work waiting for every role: drawn tasks, assigned leads, cases at every kind of stage,
a positive-list application, warnings on the desk. Everything is made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.models import Role, User
from ecoenforce.leads.services import lead_assign
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.registry.models import InspectorProfile, RegulatedEntity
from ecoenforce.warnings.models import Warning
from factories import FILED_ON, advance_case, make_case, make_entity, make_lead

T0 = dt.datetime(2026, 10, 2, 0, 0, tzinfo=dt.UTC)


def client_for(user: User, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


@pytest.fixture
def operator_wj(org_wj) -> User:
    return User.objects.create(username="op_wj", role=Role.MONITORING_OPERATOR, organization=org_wj,
                               full_name="值班员武进")


def make_warning(entity, n: int, **kw) -> Warning:
    fields = dict(event_id=f"ev{n:018d}", rule="exceedance", mn="CZ320400000000", pollutant="a21026", entity=entity,
                  region=entity.region, start=T0 + dt.timedelta(hours=n), end=T0 + dt.timedelta(hours=n + 3),
                  severity="medium", value=52.5, threshold=35.0, hits=3)
    fields.update(kw)
    return Warning.objects.create(**fields)


@pytest.fixture
def bureau(region_wj, region_xb, admin_user, inspector_wj, inspector2_wj, leader_wj, legal_wj, inspector_xb,
           inspector2_xb, city_leader, operator_wj):
    """The work of one day in 武进 (and one lead in 新北, which no 武进 queue may show)."""
    today = timezone.localdate()
    # Two special-class targets, drawn to the two inspectors (the leader is kept out of the pool).
    InspectorProfile.objects.create(user=leader_wj, home_region=region_wj, in_pool=False)
    entities = [make_entity(region=region_wj, actor=admin_user, name=f"常州待办测试{i}有限公司") for i in range(3)]
    RegulatedEntity.objects.filter(pk__in=[e.pk for e in entities[:2]]).update(risk_class="special")
    RegulatedEntity.objects.filter(pk=entities[2].pk).update(risk_class="general")
    round_ = round_commit(actor=leader_wj, title="十二月专项抽查", period_start=today,
                          period_end=today + dt.timedelta(days=40),
                          ratios={"key": Decimal("0"), "general": Decimal("0"), "special": Decimal("1")})
    round_draw(actor=leader_wj, round_id=round_.pk)
    # Leads: two given to 周明 (one due soon, one overdue since), one to 吴静, two new and unassigned, one in 新北.
    entity = entities[2]
    soon = make_lead(entity=entity, created_by=inspector_wj, title="群众举报夜间异味")
    late = make_lead(entity=entity, created_by=inspector_wj, title="网格员发现排口异常")
    other = make_lead(entity=entity, created_by=inspector_wj, title="第三方发现废气收集破损")
    free1 = make_lead(entity=entity, created_by=inspector_wj, title="举报危险废物露天堆放")
    free2 = make_lead(region=region_wj, created_by=inspector_wj, title="举报河道有油污")
    make_lead(region=region_xb, created_by=inspector_xb, title="新北区的线索")
    lead_assign(lead_id=soon.pk, actor=leader_wj, assignee_id=inspector_wj.pk, due_on=today, note="今天核查")
    lead_assign(lead_id=late.pk, actor=leader_wj, assignee_id=inspector_wj.pk, due_on=today + dt.timedelta(days=30))
    lead_assign(lead_id=other.pk, actor=leader_wj, assignee_id=inspector2_wj.pk)
    type(late).objects.filter(pk=late.pk).update(assignment_due=today - dt.timedelta(days=2))  # time passed
    # Cases: one filed on FILED_ON and overdue since (handlers act), one at case review (leader), one at legal review
    # (legal reviewer), both moved today.
    handlers = [inspector_wj, inspector2_wj]
    people = {"inspector": inspector_wj, "leader": leader_wj, "legal": legal_wj}
    filed = advance_case(make_case(entity=entity, opener=inspector_wj, handlers=handlers, filed_on=FILED_ON),
                         to=Stage.FILED, on=FILED_ON, **people)
    review = advance_case(make_case(entity=entity, opener=inspector_wj, handlers=handlers, filed_on=today),
                          to=Stage.REVIEW, on=today, **people)
    legal = advance_case(make_case(entity=entity, opener=inspector_wj, handlers=handlers, filed_on=today),
                         to=Stage.LEGAL_REVIEW, on=today, **people)
    # The desk: a high and a medium open warning nobody took, one taken by the operator, one dismissed.
    make_warning(entity, 1, severity="high")
    make_warning(entity, 2)
    make_warning(entity, 3, assigned_to=operator_wj)
    make_warning(entity, 4, status="dismissed")
    return {"round": round_, "soon": soon, "late": late, "other": other, "free": [free1, free2], "filed": filed,
            "review": review, "legal": legal, "entity": entity}
