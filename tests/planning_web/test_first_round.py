"""A new bureau, from nothing to its first published, verifiable round on its own spreadsheets (docs/first-round.md).

Every step after the administrator's is a page the leader uses; the pools come from .xlsx files in the layout of
the import page's template.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.planning.models import DrawRound, InspectionTask
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.pools.models import PoolImport
from ecoenforce.registry.uscc import uscc_make
from factories import xlsx_bytes

pytestmark = pytest.mark.django_db

ENTITY_HEADER = ["统一社会信用代码", "单位名称", "行业代码", "地址", "区县代码", "许可管理类别", "排污许可证编号", "重点排污单位"]
INSPECTOR_HEADER = ["执法证号", "姓名", "所属单位", "所在地区", "近亲属关系企业", "利害关系企业"]
UNIT = "溧阳市生态环境综合行政执法大队"
PERMITS = ["重点管理", "简化管理", "登记管理"]


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("pool.xlsx", xlsx_bytes(rows))


def _entities(n: int) -> list[list[object]]:
    rows: list[list[object]] = [ENTITY_HEADER]
    for i in range(1, n + 1):
        uscc = uscc_make("91320481", f"6{i:07d}")
        permit = PERMITS[i % 3]
        rows.append([uscc, f"溧阳市测试{i:02d}化工有限公司", "2614", f"溧阳市天目湖镇测试路{i}号", "320481", permit,
                     f"{uscc}001P" if permit != "登记管理" else "", "是" if i % 7 == 0 else "否"])
    return rows


def _import(client: Client, kind: str, rows: list[list[object]]) -> None:
    response = client.post("/registry/pools/", {"kind": kind, "file": _xlsx(rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = PoolImport.objects.latest("pk")
    assert upload.report["problems"] == [], upload.report["problems"]
    assert client.post(f"/registry/pools/imports/{upload.pk}/confirm/").status_code == 302


def test_a_new_bureau_publishes_a_verifiable_round_from_its_own_spreadsheets(tmp_path, capsys):
    # The administrator (ecoenforce createsuperuser, then /admin/) adds the bureau and its leader's account.
    admin = User.objects.create_superuser("root", password="Root@2026x")
    administrator = Client()
    administrator.force_login(admin)
    response = administrator.post("/admin/core/organization/add/", {
        "name": UNIT, "short_name": "溧", "kind": Organization.Kind.COUNTY_BUREAU,
        "region": Region.objects.get(code="320481").pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    bureau = Organization.objects.get(name=UNIT)
    leader = User.objects.create_user("zhang", password="Zhang@2026x", role=Role.UNIT_LEADER, organization=bureau,
                                      full_name="张国强", certificate_no="32048100001")

    # The leader imports the two pools from the bureau's spreadsheets and classifies the entities.
    client = Client()
    assert client.login(username="zhang", password="Zhang@2026x")
    _import(client, "entities", _entities(30))
    _import(client, "inspectors", [INSPECTOR_HEADER] + [
        [f"3204810000{i}", name, UNIT, "溧阳市", "", ""] for i, name in [(2, "钱伟"), (3, "孙丽"), (4, "李强")]])
    assert RegulatedEntity.objects.filter(region__code="320481").count() == 30
    assert client.post("/registry/entities/classify/").status_code == 302
    assert not RegulatedEntity.objects.filter(region__code="320481", risk_class="").exists()

    # Freeze and commit, draw, record every result, publish.
    response = client.post("/planning/rounds/", {
        "title": "2026年第四季度双随机抽查", "kind": "routine", "period_start": "2026-10-01", "period_end": "2026-12-31",
        "ratio_key": "25", "ratio_general": "10", "ratio_special": "100", "positive_list_mode": "tag", "max_targets": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = DrawRound.objects.get(organization=bureau)
    officers = sorted(i["id"] for i in round_.pools["inspectors"])
    assert officers == sorted([leader.certificate_no, "32048100002", "32048100003", "32048100004"])
    assert client.post(f"/planning/rounds/{round_.pk}/", {"action": "draw", "public_entropy": "见证人报数 0815"}
                       ).status_code == 302
    tasks = InspectionTask.objects.filter(round=round_)
    assert tasks.count() > 0 and all(t.inspectors.count() == 2 for t in tasks)
    today = timezone.localdate().isoformat()
    for task in tasks:
        assert client.post(f"/planning/tasks/{task.pk}/", {
            "action": "result", "inspected_on": today, "violation_found": "no", "findings": ""}).status_code == 302
    assert client.post(f"/planning/rounds/{round_.pk}/", {"action": "publish"}).status_code == 302

    # Anyone downloads the round file from the portal and re-computes it offline.
    response = Client().get(f"/public/rounds/{round_.pk}/round.json")
    assert response.status_code == 200
    path = tmp_path / "round.json"
    path.write_bytes(response.content)
    assert json.loads(path.read_text(encoding="utf-8"))["round_id"] == round_.round_id
    capsys.readouterr()
    call_command("draw", "verify", str(path))
    assert "OK" in capsys.readouterr().out
