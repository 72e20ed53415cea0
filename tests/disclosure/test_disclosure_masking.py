"""Every free-text field that reaches the public portal is masked: case titles, entity-side text, round notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ecoenforce.cases.workflow import Stage
from ecoenforce.leads.services import lead_convert
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_mark_not_inspected, task_record_result
from factories import make_entity, make_lead

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_decision_with_a_tip_copied_into_its_title(region_wj, admin_user, inspector_wj, inspector2_wj, advance):
    entity = make_entity(region=region_wj, actor=admin_user, name="武进区刘德明废品回收站",
                         legal_representative="刘德明", contact_phone="13912345678")
    lead = make_lead(entity=entity, created_by=inspector_wj)
    with transaction.atomic():
        case = lead_convert(lead_id=lead.pk, actor=inspector_wj,
                            title="群众王小明（13812345678）举报刘德明废品回收站露天焚烧", facts="", filed_on=dt.date(2026, 11, 2),
                            handlers=[inspector_wj, inspector2_wj])
    advance(case, to=Stage.DECISION)
    public = Client()
    detail = public.get(f"/public/decisions/{case.pk}/").content.decode()
    listing = public.get("/public/", {"q": "废品回收站"}).content.decode()
    for body in (detail, listing):
        assert "13812345678" not in body and "刘德明" not in body
        assert "武进区刘**废品回收站" in body
    assert "群众王小明（138****5678）举报刘**废品回收站露天焚烧" in detail


def test_a_round_note_and_title_are_masked(client, leader_wj, region_wj, admin_user, inspector_wj, inspector2_wj):
    entities = [make_entity(region=region_wj, actor=admin_user, legal_representative="赵国庆") for _ in range(2)]
    round_ = round_commit(actor=leader_wj, title="2026年第四季度抽查（联系人电话0519-88881234）", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=30),
                          ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")})
    round_ = round_draw(actor=leader_wj, round_id=round_.pk)
    tasks = list(round_.tasks.order_by("pk"))
    assert len(tasks) == len(entities)
    task_record_result(actor=tasks[0].inspectors.first(), task_id=tasks[0].pk, inspected_on=TODAY,
                       violation_found=False, findings="现场检查未发现问题")
    task_mark_not_inspected(actor=tasks[1].inspectors.first(), task_id=tasks[1].pk,
                            reason="企业已停产，负责人赵国庆（手机13912345678，身份证320412197001011234）称下月复产")
    round_publish(actor=leader_wj, round_id=round_.pk)
    page = client.get(f"/public/rounds/{round_.pk}/").content.decode()
    assert "企业已停产，负责人赵**（手机139****5678，身份证320412********1234）称下月复产" in page
    assert "2026年第四季度抽查（联系人电话0519-******34）" in page
    listing = client.get("/public/rounds/").content.decode()
    assert "0519-88881234" not in listing and "0519-******34" in listing
