"""Pools from a bureau's spreadsheets: exact validation reports, all-or-nothing, re-import counts, CLI, inspectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from classification_files import code, csv_bytes
from django.core.management import call_command

from ecoenforce.core.models import AuditEvent, User
from ecoenforce.registry.models import InspectorProfile, InspectorTie, RegulatedEntity
from ecoenforce.registry.pools.columns import template_xlsx
from ecoenforce.registry.pools.services import pool_file_import
from factories import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "单位名称", "行业代码", "地址", "区县代码", "许可管理类别", "排污许可证编号", "重点排污单位"]
EN_HEADER = ["credit_code", "name", "industry_code", "address", "county_code", "permit_class", "permit_number",
             "key_unit", "annual_discharge_t", "credit_grade"]


def good_rows() -> list[list[str]]:
    return [HEADER,
            [code(1), "常州甲化工有限公司", "2614", "武进区甲路1号", "320412", "重点管理", code(1) + "001P", "是"],
            [code(2), "常州乙电镀有限公司", "3360", "武进区乙路2号", "320412", "简化管理", "", "否"],
            [code(3), "常州丙印染有限公司", "1713", "武进区丙路3号", "320412", "登记管理", "", ""]]


def run(data: bytes, actor, *, name="pool.csv", dry_run=False, kind="entities"):
    return pool_file_import(kind=kind, actor=actor, data=data, filename=name, dry_run=dry_run)


def test_a_clean_file_creates_every_entity_with_an_audit_event(leader_wj, english):
    before = AuditEvent.objects.count()
    report = run(csv_bytes(good_rows()), leader_wj)
    assert (report.ok, report.rows, report.created, report.updated, report.unchanged) == (True, 3, 3, 0, 0)
    plater = RegulatedEntity.objects.get(uscc=code(2))
    assert (plater.name, plater.industry.code, plater.region.code, plater.permit_class, plater.is_key_unit) == (
        "常州乙电镀有限公司", "3360", "320412", "simplified", False)
    assert RegulatedEntity.objects.get(uscc=code(1)).is_key_unit is True
    assert AuditEvent.objects.count() == before + 4  # three entities and the import itself


def test_bad_rows_are_reported_exactly_and_nothing_is_imported(leader_wj, english):
    rows = good_rows() + [
        [code(4)[:-1] + ("0" if code(4)[-1] != "0" else "1"), "常州丁有限公司", "2614", "路4号", "320412", "重点管理", "", "是"],
        [code(5), "常州戊有限公司", "2614", "路5号", "320411", "重点管理", "", "是"],
        [code(2), "常州乙电镀有限公司", "3360", "武进区乙路2号", "320412", "简化管理", "", "否"],
        [code(6), "常州己有限公司", "9999", "路6号", "320412", "大概", "", "也许"],
    ]
    report = run(csv_bytes(rows), leader_wj)
    assert [(p.row, p.column, p.problem, p.action) for p in report.problems] == [
        (5, "统一社会信用代码", f"{rows[4][0]} is not a valid credit code: The last character does not match the rest of the code.",
         "Copy the code again from the business licence or the national credit website."),
        (6, "区县代码", "320411 is not a county of your jurisdiction.",
         "Use the 6-digit GB/T 2260 code of a county you supervise, e.g. 320412."),
        (7, "统一社会信用代码", f"Credit code {code(2)} already appears in row 3.",
         "Keep one row per entity and delete the other."),
        (8, "行业代码", "9999 is not one of the platform's 1,380 GB/T 4754-2017 small classes.",
         "Copy the 4-digit industry code from the firm's pollutant-discharge permit (e.g. 2614); a 3-digit code is a "
         "group, give one of its classes. A code of the 2011 edition must be converted. If the code is right, an "
         "administrator adds it under Industries in /admin/."),
        (8, "许可管理类别", "大概 cannot be read here.", "Write 重点管理, 简化管理, 登记管理 or 无."),
        (8, "重点排污单位", "也许 cannot be read here.", "Write 是 or 否 (yes or no)."),
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert RegulatedEntity.objects.count() == 0


def test_missing_columns_are_named_and_nothing_is_imported(leader_wj, english):
    rows = [["统一社会信用代码", "单位名称", "地址"], [code(1), "常州甲化工有限公司", "路1号"]]
    report = run(csv_bytes(rows), leader_wj)
    assert [(p.row, p.column, p.problem, p.action) for p in report.problems] == [
        (1, "行业代码", "The column is missing.",
         "Add a column headed '行业代码' (or 'industry_code'); download the template to see every column."),
        (1, "许可管理类别", "The column is missing.",
         "Add a column headed '许可管理类别' (or 'permit_class'); download the template to see every column."),
        (1, "区县代码", "The column is missing.",
         "Add a column headed '区县代码' (county_code) or '区县名称' (county_name)."),
    ]
    assert RegulatedEntity.objects.count() == 0


def test_reimport_updates_by_credit_code_and_counts_unchanged_rows(leader_wj, english):
    run(csv_bytes(good_rows()), leader_wj)
    rows = [EN_HEADER,
            [code(1), "常州甲化工有限公司", "2614", "武进区甲路1号", "320412", "key", code(1) + "001P", "yes", "35.5", "黄"],
            [code(2), "常州乙电镀有限公司", "3360", "武进区乙路2号", "320412", "simplified", "", "no", "", ""],
            [code(7), "常州庚有限公司", "2614", "路7号", "320412", "none", "", "", "", ""]]
    report = run(xlsx_bytes(rows), leader_wj, name="again.xlsx")
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 1, 1, 1)  # row 2 is as stored
    first = RegulatedEntity.objects.get(uscc=code(1))
    assert (first.annual_discharge_t, first.credit_grade) == (Decimal("35.50"), "yellow")
    again = run(xlsx_bytes(rows), leader_wj, name="again.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_dry_run_counts_but_writes_nothing(leader_wj):
    report = run(csv_bytes(good_rows()), leader_wj, dry_run=True)
    assert (report.ok, report.created) == (True, 3)
    assert RegulatedEntity.objects.count() == 0


def test_the_template_is_read_back_as_a_valid_header(leader_wj, english):
    import io

    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(template_xlsx("entities"))).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["统一社会信用代码", "单位名称", "行业代码", "地址", "区县代码", "区县名称"]
    report = run(xlsx_bytes([header, [code(9), "常州辛有限公司", "2614", "路9号", "320412", "武进区", "重点管理"]]),
                 leader_wj, name="t.xlsx")
    assert (report.ok, report.created) == (True, 1)


def test_the_cli_reports_problems_and_exits_1(tmp_path, capsys, english, db):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["123", "x", "2614", "a", "320412", "重点管理", "", ""]]))
    with pytest.raises(SystemExit) as exc:
        call_command("import-pools", "entities", str(bad))
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "row 2\t统一社会信用代码\t123 is not a valid credit code: A unified social credit code has exactly 18 characters." in out
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(good_rows()))
    call_command("import-pools", "entities", str(good), "--dry-run")
    assert "entities: 3 rows, 3 created, 0 updated, 0 unchanged, 0 problems (dry run, nothing written)" in capsys.readouterr().out
    assert RegulatedEntity.objects.count() == 0


INSPECTOR_HEADER = ["执法证号", "姓名", "所属单位", "所在地区", "近亲属关系企业", "利害关系企业"]


def test_inspectors_are_upserted_by_certificate_number_with_their_ties(leader_wj, inspector_wj, english):
    run(csv_bytes(good_rows()), leader_wj)
    unit = inspector_wj.organization.name
    rows = [INSPECTOR_HEADER,
            ["32041200001", "周明", unit, "", code(1), ""],
            ["32041200777", "孙丽", unit, "武进区", "", f"{code(2)}；{code(3)}"]]
    report = run(csv_bytes(rows), leader_wj, kind="inspectors")
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 1, 1, 0)
    new = User.objects.get(certificate_no="32041200777")
    assert (new.username, new.full_name, new.role, new.organization, new.has_usable_password()) == (
        "32041200777", "孙丽", "inspector", inspector_wj.organization, False)
    assert InspectorProfile.objects.get(user=new).home_region.code == "320412"
    assert sorted(InspectorTie.objects.filter(inspector=new).values_list("entity__uscc", "kind")) == sorted(
        [(code(2), "interest"), (code(3), "interest")])
    assert list(InspectorTie.objects.filter(inspector=inspector_wj).values_list("kind", flat=True)) == ["kin"]
    rows[1][4] = ""  # 周明 withdraws the declaration
    again = run(csv_bytes(rows), leader_wj, kind="inspectors")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert InspectorTie.objects.filter(inspector=inspector_wj).count() == 0
    assert InspectorTie.objects.get(inspector=new, entity__uscc=code(2)).declared_on <= dt.date.today()


def test_inspector_rows_with_problems_import_nothing(leader_wj, inspector_wj, inspector_xb, english):
    unit = inspector_wj.organization.name
    rows = [INSPECTOR_HEADER,
            ["32041200888", "甲", unit, "", code(99), ""],
            ["32041200888", "乙", unit, "", "", ""],
            [inspector_xb.certificate_no, "赵强", unit, "", "", ""],
            ["32041200889", "丙", "不存在的大队", "", "", ""]]
    report = run(csv_bytes(rows), leader_wj, kind="inspectors")
    assert [(p.row, p.column, p.problem) for p in report.problems] == [
        (2, "近亲属关系企业", f"No regulated entity has credit code {code(99)}."),
        (3, "执法证号", "Certificate number 32041200888 already appears in row 2."),
        (4, "执法证号", "This inspector belongs to a unit outside your jurisdiction."),
        (5, "所属单位", "不存在的大队 is not an enforcement body of your jurisdiction."),
    ]
    assert User.objects.filter(certificate_no__startswith="320412008").count() == 0


def test_every_small_class_of_the_standard_is_in_the_registry_with_its_source(leader_wj, english):
    import csv
    from pathlib import Path

    from ecoenforce.registry.models import Industry

    reference = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "reference" / "gbt4754_2017_classes.csv"
    with reference.open(encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    assert len(codes) == 1380
    assert codes <= set(Industry.objects.values_list("code", flat=True))
    cement = Industry.objects.get(code="3011")  # 水泥制造 is curated; 3591 环境保护专用设备制造 was refused before
    assert (cement.confidence, Industry.objects.get(code="3591").name_zh) == ("", "环境保护专用设备制造")
    assert Industry.objects.get(code="3591").confidence == "transcribed"
    rows = [HEADER, [code(1), "常州甲环保设备有限公司", "3591", "武进区甲路1号", "320412", "登记管理", "", "否"]]
    report = run(csv_bytes(rows), leader_wj)
    assert (report.ok, report.created) == (True, 1)
