"""The enforcement-item catalogue: starter seed, yearly revision with an exact diff, Excel round trip, current matters."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ecoenforce.core.errors import InvalidTransition, ValidationFailed
from ecoenforce.registry.catalogue.diff import FieldChange, MatterRow, catalogue_diff, text_segments
from ecoenforce.registry.catalogue.excel import matters_xlsx
from ecoenforce.registry.catalogue.models import CatalogueVersion, EnforcementMatter
from ecoenforce.registry.catalogue.selectors import catalogue_version_diff, matter_row, matters_current
from ecoenforce.registry.catalogue.services import (
    catalogue_import,
    catalogue_publish,
    catalogue_version_create,
    matter_current,
)
from ecoenforce.registry.catalogue.starter import catalogue_load_starter, starter_rows
from factories import xlsx_bytes

ROW = MatterRow(code="CF-X-1", name="对超标排放的处罚", kind="penalty", law="某法", article="第一条", basis_text="处十万元以上罚款",
                level="county", penalty_kinds=("fine",), fine_min=Decimal("100000.00"), fine_max=Decimal("1000000.00"))


def test_the_diff_lists_added_removed_and_changed_fields_with_text_segments():
    changed = dataclasses.replace(ROW, basis_text="处二十万元以上罚款", fine_min=Decimal("200000.00"))
    added = dataclasses.replace(ROW, code="CF-X-2", name="新增事项")
    removed = dataclasses.replace(ROW, code="CF-X-0")
    same = dataclasses.replace(ROW, code="CF-X-3")
    diff = catalogue_diff([removed, ROW, same], [changed, added, same])
    assert [m.code for m in diff.added] == ["CF-X-2"]
    assert [m.code for m in diff.removed] == ["CF-X-0"]
    assert diff.unchanged == 1
    assert diff.changed[0].changes == (
        FieldChange("basis_text", "处十万元以上罚款", "处二十万元以上罚款",
                    (("equal", "处"), ("insert", "二"), ("equal", "十万元以上罚款"))),
        FieldChange("fine_min", Decimal("100000.00"), Decimal("200000.00")),
    )
    assert text_segments("ab", "ab") == (("equal", "ab"),)


@pytest.mark.django_db
def test_the_starter_catalogue_is_published_once_and_marked_unverified():
    version = catalogue_load_starter(actor=None)
    assert (version.year, version.status, version.matters.count()) == (2026, "published", 23)
    assert catalogue_load_starter(actor=None) is None
    assert EnforcementMatter.objects.filter(text_verified=True).count() == 0
    art99 = matter_current("CF-DQ-099")
    assert (art99.law, art99.article, art99.fine_min, art99.fine_max) == (
        "中华人民共和国大气污染防治法", "第九十九条", Decimal("100000.00"), Decimal("1000000.00"))
    assert matters_current(q="排污许可管理条例").count() == 6


@pytest.mark.django_db
def test_revision_round_trips_through_excel_and_the_diff_is_exact(admin_user, english):
    catalogue_load_starter(actor=admin_user)
    draft = catalogue_version_create(actor=admin_user, year=2027, source="省政府批复")
    assert (draft.status, draft.matters.count()) == ("draft", 23)
    _year, _note, rows = starter_rows()
    revised = [dataclasses.replace(r, fine_max=Decimal("1500000.00")) if r.code == "CF-PW-033" else r
               for r in rows if r.code != "CF-HB-059"]
    revised.append(dataclasses.replace(rows[0], code="CF-DQ-999", name="新增：测试事项"))
    report = catalogue_import(actor=admin_user, version=draft, data=matters_xlsx(revised, title="t"), filename="r.xlsx")
    assert (report.ok, report.rows, report.created, report.updated, report.unchanged) == (True, 23, 1, 1, 21)
    old = CatalogueVersion.objects.get(year=2026)
    diff = catalogue_version_diff(old=old, new=draft)
    assert ([m.code for m in diff.added], [m.code for m in diff.removed], diff.unchanged) == (
        ["CF-DQ-999"], ["CF-HB-059"], 21)
    assert diff.changed[0].code == "CF-PW-033"
    assert diff.changed[0].changes == (FieldChange("fine_max", Decimal("1000000.00"), Decimal("1500000.00")),)
    # cases keep citing 2026 until 2027 is published; then the removed matter is refused
    assert matter_current("CF-HB-059").version.year == 2026
    catalogue_publish(actor=admin_user, version=draft)
    with pytest.raises(ValidationFailed) as exc:
        matter_current("CF-HB-059")
    assert str(exc.value.message) == ("Matter CF-HB-059 is not in the current enforcement-item catalogue. Choose a "
                                      "matter of the current catalogue; if the law changed, ask the administrator to "
                                      "revise the catalogue.")
    with pytest.raises(InvalidTransition):
        catalogue_import(actor=admin_user, version=draft, data=matters_xlsx(rows, title="t"), filename="r.xlsx")


@pytest.mark.django_db
def test_a_bad_catalogue_file_changes_nothing(admin_user, english):
    draft = catalogue_version_create(actor=admin_user, year=2026)
    header = load_workbook(__import__("io").BytesIO(matters_xlsx([], title="t"))).worksheets[0]
    head = [c.value for c in header[1]]
    data = xlsx_bytes([head,
                       ["A-1", "甲", "行政处罚", "某法", "第1条", "文本", "县级", "罚款", 100, 50, "", "否"],
                       ["A-1", "乙", "行政许可", "某法", "第2条", "文本", "乡级", "打板子", "", "", "", ""]])
    report = catalogue_import(actor=admin_user, version=draft, data=data, filename="bad.xlsx")
    assert [(p.row, p.column, p.problem) for p in report.problems] == [
        (2, "最高罚款（元）", "The maximum fine is below the minimum fine."),
        (3, "事项编码", "Matter code A-1 already appears in row 2."),
        (3, "事项类型", "行政许可 cannot be read here."),
        (3, "责任层级", "乡级 cannot be read here."),
        (3, "处罚种类", "打板子 is not a penalty kind."),
    ]
    assert draft.matters.count() == 0


def test_export_columns_are_the_import_columns():
    sheet = load_workbook(__import__("io").BytesIO(matters_xlsx([ROW], title="t"))).worksheets[0]
    assert [c.value for c in sheet[2]] == ["CF-X-1", "对超标排放的处罚", "行政处罚", "某法", "第一条", "处十万元以上罚款", "县级",
                                           "罚款", 100000, 1000000, None, "否"]


@pytest.mark.django_db
def test_matter_row_reads_back_what_was_stored(admin_user):
    version = catalogue_version_create(actor=admin_user, year=2030, rows=[ROW])
    assert matter_row(version.matters.get()) == ROW


@pytest.mark.django_db
def test_the_cli_loads_exports_imports_and_diffs(tmp_path, capsys, admin_user):
    from django.core.management import call_command

    call_command("catalogue", "starter")
    assert capsys.readouterr().out.strip() == "published 2026: 23 matters"
    call_command("catalogue", "export", "2026", str(tmp_path / "c.xlsx"))
    book = load_workbook(tmp_path / "c.xlsx")
    book.worksheets[0].delete_rows(2)  # drop the first matter (CF-DQ-099) in the revision
    book.save(tmp_path / "c.xlsx")
    capsys.readouterr()
    call_command("catalogue", "import", "2027", str(tmp_path / "c.xlsx"))
    call_command("catalogue", "diff", "2027")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "22 rows, 0 new, 0 changed, 22 unchanged, 0 problems"
    assert out[1].startswith("- CF-DQ-099 ")
    assert out[-1] == "0 added, 1 removed, 0 changed, 22 unchanged"
