"""Discretion policy: the seeded Guangdong version, versions added in /admin/ (audited, bad values refused), and the
explanation of a computed fine in both languages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ecoenforce.cases.discretion import (
    discretion_policy_add,
    discretion_policy_current,
    discretion_seed_values,
    explanation_lines,
)
from ecoenforce.cases.models import DiscretionPolicy
from ecoenforce.cases.penalty import Facts, StatutoryRange, assess
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/admin/cases/discretionpolicy/"


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


def test_version_one_is_guangdong_with_its_gaps_marked():
    rules, version = discretion_policy_current()
    assert version == 1
    assert [b.code for b in rules.benchmarks] == ["exceed-discharge", "monitoring"]
    assert not any(b.confirmed for b in rules.benchmarks)
    assert all("待核实" in b.source for b in rules.benchmarks)
    assert "粤环发〔2021〕7号" in DiscretionPolicy.newest().source
    assert len(rules.apology.exclusions) == 11  # 粤 art. 14, all eleven
    assert [(g.code, g.mandatory) for g in rules.no_penalty] == [("minor", True), ("no_fault", True), ("first", False)]


def test_a_new_version_is_in_force_and_audited(admin_user):
    values = discretion_seed_values() | {"round_to": "1000"}
    policy = discretion_policy_add(actor=admin_user, values=values, source="省厅 2027 修订")
    rules, version = discretion_policy_current()
    assert (version, str(rules.round_to)) == (2, "1000")
    event = AuditEvent.objects.get(action="discretion_policy.add")
    assert (event.object_id, event.reason) == (str(policy.pk), "省厅 2027 修订")


def test_unreadable_values_are_refused_with_the_item_named(admin_user):
    with pytest.raises(ValidationFailed) as exc_info:
        discretion_policy_add(actor=admin_user, values={"benchmarks": [{"code": "a", "title": "A", "formula": "cubic"}]})
    assert "cubic" in str(exc_info.value.message)
    assert DiscretionPolicy.objects.count() == 1
    assert not AuditEvent.objects.filter(action="discretion_policy.add").exists()


def test_admin_form_prefilled_refuses_bad_values_and_adds_good_ones(admin_client):
    form = admin_client.get(f"{URL}add/").context["adminform"].form
    assert form.initial["values"] == DiscretionPolicy.newest().values
    bad = admin_client.post(f"{URL}add/", {"values": json.dumps({"round_to": "-5"}), "source": "x"})
    assert bad.status_code == 200 and bad.context["adminform"].form.errors["values"]
    good = admin_client.post(f"{URL}add/", {"values": json.dumps(discretion_seed_values()), "source": "复核"})
    assert good.status_code == 302
    assert DiscretionPolicy.newest().version == 2


def _record():
    rules, version = discretion_policy_current()
    from decimal import Decimal as D
    return assess(rules, matter_code="CF-DQ-099", statutory=StatutoryRange(D(100_000), D(1_000_000)), version=version,
                  facts=Facts(levels={"exceedance": "100to200"}, situations=frozenset({"social"}),
                              apology=True)).as_record()


def test_the_explanation_reads_in_english():
    assert explanation_lines(_record(), language="en") == [
        "Statutory range: 100000.00 to 1000000.00 yuan.",
        "Benchmark: 超标、超总量或以逃避监管方式排放污染物 (weighted accumulation).",
        "Starting weight: 10%.",
        "超标倍数: 超标100%以上200%以下 (20).",
        "违法行为发生区域: not determined, counted at the lowest level “一般区域” (0).",
        "污染物类别: not determined, counted at the lowest level “B类污染物” (0).",
        "近二年同类违法行为次数（含本次）: not determined, counted at the lowest level “1次” (0).",
        "改正态度及效果: not determined, counted at the lowest level “立即改正” (0).",
        "Total weight 30% × maximum 1000000.00 yuan = 300000.00 yuan.",
        "Aggravating: 环境违法行为引起不良社会反响 (+10% of the range).",
        "Public apology and compliance pledge: reduced by 30%, not below the minimum: 273000.00 yuan.",
        "Computed fine: 273000.00 yuan (rounded to 100.00 yuan).",
    ]


def test_the_explanation_reads_in_chinese():
    lines = explanation_lines(_record(), language="zh-hans")
    assert lines[0] == "法定罚款幅度：100000.00元至1000000.00元。"
    assert lines[1] == "裁量基准：超标、超总量或以逃避监管方式排放污染物（权重累加模式）。"
    assert lines[4] == "违法行为发生区域：无法查明，按最低档次“一般区域”计算（0）。"
    assert lines[-1] == "裁量计算罚款：273000.00元（按100.00元取整）。"
