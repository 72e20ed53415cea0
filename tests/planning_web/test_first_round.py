"""A new bureau, from nothing to its first published, verifiable round on its own spreadsheets (docs/first-round.md).

Every step after the administrator's is a page the leader uses; the pools come from .xlsx files in the layout of
the import page's template.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

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

ENTITY_HEADER = ["序号", "统一社会信用代码", "企业名称", "行业代码", "地址", "区县代码", "许可管理类别", "排污许可证编号",
                 "是否重点排污单位", "信用等级", "备注"]
INSPECTOR_HEADER = ["执法证号", "姓名", "所属单位", "所在地区", "近亲属关系企业", "利害关系企业"]
UNIT = "溧阳市生态环境综合行政执法大队"
PERMITS = ["重点管理", "简化管理", "登记管理"]
GRADES = ["蓝", "绿", "黄", "", "红"]
CLASSES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "reference" / "gbt4754_2017_classes.csv"


def _industry_mix(n: int) -> list[str]:
    """n distinct small classes drawn (fixed seed) from the real list: manufacturing, power and water, as a county's
    ledger has them — including classes the old 93-class seed refused (e.g. 3591)."""
    with CLASSES.open(encoding="utf-8") as fh:
        codes = [r["code"] for r in csv.DictReader(fh) if r["section"] in ("B", "C", "D", "E")]
    return ["3591", *random.Random(2026).sample([c for c in codes if c != "3591"], n - 1)]


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("pool.xlsx", xlsx_bytes(rows))


def _entities(n: int) -> list[list[object]]:
    """The county's own ledger: two title rows and a blank row above the header, a 序号 column and a remarks column."""
    rows: list[list[object]] = [["溧阳市2026年度污染源监管名录"], ["填报单位：溧阳市生态环境局", None, None, "2026-09-30"], [],
                                ENTITY_HEADER]
    for i, industry in enumerate(_industry_mix(n), start=1):
        uscc = uscc_make("91320481", f"6{i:07d}")
        permit = PERMITS[i % 3]
        rows.append([i, uscc, f"溧阳市测试{i:02d}有限公司", industry, f"溧阳市天目湖镇测试路{i}号", "320481", permit,
                     f"{uscc}001P" if permit != "登记管理" else "", "是" if i % 7 == 0 else "否", GRADES[i % 5], ""])
    return rows


def _import(client: Client, kind: str, rows: list[list[object]]) -> PoolImport:
    response = client.post("/registry/pools/", {"kind": kind, "file": _xlsx(rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = PoolImport.objects.latest("pk")
    assert upload.report["problems"] == [], upload.report["problems"]
    assert client.post(f"/registry/pools/imports/{upload.pk}/confirm/").status_code == 302
    return PoolImport.objects.get(pk=upload.pk)


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
    entities = _import(client, "entities", _entities(30))
    # the header is found under the title rows; 序号 is ignored, the remarks column is named as not imported
    assert [(n["row"], n["column"]) for n in entities.report["notices"]] == [(4, "备注")]
    _import(client, "inspectors", [INSPECTOR_HEADER] + [
        [f"3204810000{i}", name, UNIT, "溧阳市", "", ""] for i, name in [(2, "钱伟"), (3, "孙丽"), (4, "李强")]])
    assert RegulatedEntity.objects.filter(region__code="320481").count() == 30
    assert RegulatedEntity.objects.get(uscc=uscc_make("91320481", "60000004")).credit_grade == "red"
    assert len(set(RegulatedEntity.objects.values_list("industry__code", flat=True))) == 30

    # The leader issues the officers' first sign-in links; each officer chooses a password once.
    page = client.post("/registry/pools/invitations/").content.decode()
    links = re.findall(r"/registry/first-sign-in/[^/]+/[^/]+/", page)
    assert len(links) == 3
    officer_clients = {}
    for link in links:
        visitor = Client()
        form = visitor.get(link, follow=True)  # Django moves the token into the session, then shows the form
        assert form.status_code == 200 and "set-password" in form.content.decode()
        done = visitor.post(form.redirect_chain[-1][0], {"new_password1": "Officer@2026x", "new_password2": "Officer@2026x"})
        assert done.status_code == 302
        assert "set-password" not in Client().get(link, follow=True).content.decode()  # single use
    for user in User.objects.filter(certificate_no__in=["32048100002", "32048100003", "32048100004"]):
        officer_clients[user.pk] = Client()
        assert officer_clients[user.pk].login(username=user.username, password="Officer@2026x")
    officer_clients[leader.pk] = client
    assert client.post("/registry/entities/classify/").status_code == 302
    assert not RegulatedEntity.objects.filter(region__code="320481", risk_class="").exists()

    # Freeze and commit, draw, record every result, publish.
    response = client.post("/planning/rounds/", {
        "title": "2026年第四季度双随机抽查", "kind": "routine", "period_start": "2026-10-01", "period_end": "2026-12-31",
        "ratio_key": "25", "ratio_general": "10", "ratio_special": "100", "positive_list_mode": "tag", "max_targets": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = DrawRound.objects.get(organization=bureau)
    officers = sorted(o["certificate_no"] for o in round_.openings["inspectors"])
    assert officers == sorted([leader.certificate_no, "32048100002", "32048100003", "32048100004"])
    assert client.post(f"/planning/rounds/{round_.pk}/", {"action": "draw", "confirm": "yes", "public_entropy": "见证人报数 0815"}
                       ).status_code == 302
    tasks = InspectionTask.objects.filter(round=round_)
    assert tasks.count() > 0 and all(t.inspectors.count() == 2 for t in tasks)
    today = timezone.localdate().isoformat()
    violating = tasks.order_by("pk").first()
    for task in tasks.order_by("pk"):
        officer = officer_clients[task.inspectors.order_by("pk").first().pk]  # each officer records their own task
        found = task.pk == violating.pk
        assert officer.post(f"/planning/tasks/{task.pk}/", {
            "action": "result", "inspected_on": today, "violation_found": "yes" if found else "no",
            "findings": "废水排放口未按规定设置标志牌" if found else "现场检查未发现问题",
            "confirm": "yes"}).status_code == 302
    assert client.post(f"/planning/rounds/{round_.pk}/", {"action": "publish", "confirm": "yes"}).status_code == 302

    # The portal says what is true about the violation: a lead was opened and is awaiting a decision.
    public = Client().get(f"/public/rounds/{round_.pk}/", HTTP_COOKIE="django_language=en").content.decode()
    assert public.count("Violation found; a lead was opened and awaits a decision on a case") == 1
    assert "handled according to law" not in public

    # Anyone downloads the round file from the portal and re-computes it offline.
    response = Client().get(f"/public/rounds/{round_.pk}/round.json")
    assert response.status_code == 200
    path = tmp_path / "round.json"
    path.write_bytes(response.content)
    assert json.loads(path.read_text(encoding="utf-8"))["round_id"] == round_.round_id
    capsys.readouterr()
    call_command("draw", "verify", str(path))
    assert "OK" in capsys.readouterr().out
