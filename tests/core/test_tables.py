"""The one table reader: hostile workbooks refused with bounded memory, header rows found, unknown columns named,
and the size cap on the page, the API and the command line."""

from __future__ import annotations

import tracemalloc

import pytest
from xlsx_bombs import (
    declared_dimension_bomb,
    empty_cells_bomb,
    entity_bomb,
    far_cell_bomb,
    inflated_member_bomb,
    many_rows_bomb,
    wide_rows_bomb,
)

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.tables import reader
from ecoenforce.core.tables.layout import Column, read_table
from ecoenforce.core.tables.reader import MAX_BYTES, TableRefused, read_rows
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.core.tables.uploads import path_read
from factories import xlsx_bytes

FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _read_measured(data: bytes, **limits):
    """read_rows under tracemalloc: (rows or the refusal, peak bytes allocated)."""
    tracemalloc.start()
    try:
        try:
            outcome = read_rows(data, "bomb.xlsx", **limits).rows
        except TableRefused as refused:
            outcome = refused
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_declared_dimension_of_a_billion_cells_reads_only_the_real_cells(english):
    data = declared_dimension_bomb()
    assert len(data) < 10_000
    rows, peak = _read_measured(data)
    assert rows == [(1, ["a1", "b1"]), (2, ["a2", "b2"]), (3, ["a3", "b3"])]
    assert peak < FIFTY_MB


def test_the_issue_bomb_2000_rows_to_column_xfd_stays_small(english):
    data = wide_rows_bomb()
    assert len(data) < 25_000
    rows, peak = _read_measured(data)
    assert (len(rows), rows[0], rows[-1]) == (2000, (1, ["v"]), (2000, ["v"]))  # one column kept per row
    assert peak < FIFTY_MB


def test_content_beyond_the_column_limit_is_refused_with_the_cell(english):
    refused, peak = _read_measured(far_cell_bomb())
    assert (refused.problem, refused.action) == (
        "Cell XFD2 has content, but only the first 64 columns (up to BL) are read.",
        "Delete the columns to the right of BL (or move what you need into the template's columns) and upload the "
        "file again.")
    assert peak < FIFTY_MB


def test_too_many_rows_stop_the_reading_at_the_limit(english):
    refused, peak = _read_measured(many_rows_bomb(3_000), max_rows=2_000)
    assert (refused.problem, refused.action) == (
        "The file has more than 2000 rows.",
        "Split it into files of at most 2000 rows and import them one after the other.")
    assert peak < FIFTY_MB


@pytest.mark.parametrize("bomb, problem", [
    (empty_cells_bomb, "The workbook is far larger inside than a table of this kind can be."),
    (inflated_member_bomb, "The workbook is far larger inside than a table of this kind can be."),
    (entity_bomb, "The file is not a readable Excel workbook."),
])
def test_cell_floods_inflating_members_and_entities_are_refused(english, bomb, problem, monkeypatch):
    monkeypatch.setattr(reader, "MAX_CELLS_SCANNED", 20_000)  # the flood below is 30,000 cells
    refused, peak = _read_measured(bomb())
    assert isinstance(refused, TableRefused) and refused.problem == problem
    assert peak < FIFTY_MB


def test_values_read_as_the_imports_expect(english):
    import datetime as dt

    data = xlsx_bytes([["code", "when", "n", "yes"], [320412, dt.datetime(2026, 3, 1, 9, 30), 12.5, True],
                       [None, None, None, None], [" 91320412MA1XXXXXXX ", "", 3.0, False]])
    assert read_rows(data, "t.xlsx").rows == [
        (1, ["code", "when", "n", "yes"]), (2, ["320412", "2026-03-01", "12.5", "True"]),
        (4, ["91320412MA1XXXXXXX", "", "3", "False"])]


def test_csv_in_gbk_is_read_and_a_runaway_field_refused(english):
    assert read_rows("名称,地址\n甲厂,武进区\n".encode("gb18030"), "t.csv").rows == [
        (1, ["名称", "地址"]), (2, ["甲厂", "武进区"])]
    with pytest.raises(TableRefused) as exc:
        read_rows(b'a,"' + b"x" * 200_000 + b'"\n', "t.csv")
    assert exc.value.problem == ("The CSV file cannot be read as a table (a cell is too long or the quoting is "
                                 "broken).")


COLUMNS = (Column("credit_code", "统一社会信用代码", True, "18 characters"),
           Column("name", "单位名称", True, "the registered name", aliases=("企业名称",)),
           Column("credit_grade", "环境信用等级", False, "绿/蓝/黄/红/黑", aliases=("信用等级",)),
           Column("contact_phone", "联系电话", False, "optional"))


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(english):
    data = xlsx_bytes([["2025年武进区重点排污单位名录"], ["填报单位：武进大队", None, "2025-01-06"], [],
                       ["序号", "统一社会信用代码", "企业名称", "信用等级"], [1, "A1", "甲厂", "蓝"], [2, "A2", "乙厂", ""]])
    report = ImportReport(kind="t")
    table = read_table(data=data, filename="ledger.xlsx", columns=COLUMNS, report=report)
    assert (report.problems, report.notices, table.header_row, report.rows) == ([], [], 4, 2)
    assert table.rows == [(5, {"credit_code": "A1", "name": "甲厂", "credit_grade": "蓝"}),
                          (6, {"credit_code": "A2", "name": "乙厂", "credit_grade": ""})]
    assert table.headers == {"credit_code": "统一社会信用代码", "name": "企业名称", "credit_grade": "信用等级"}


def test_a_misnamed_column_is_refused_with_its_likely_name_and_others_are_noted(english):
    data = xlsx_bytes([["统一社会信用代码", "单位名称", "企业环境信用等级", "联系人", "经营范围"], ["A1", "甲厂", "红", "王", "化工"]])
    report = ImportReport(kind="t")
    assert read_table(data=data, filename="x.xlsx", columns=COLUMNS, report=report) is None
    assert [(p.row, p.column, p.problem, p.action) for p in report.problems] == [
        (1, "企业环境信用等级", "The column '企业环境信用等级' is not one of the layout's; it looks like '环境信用等级', "
         "which the file does not have.",
         "If this is the '环境信用等级' column (绿/蓝/黄/红/黑), rename its header to '环境信用等级'; otherwise give it "
         "another name. Nothing is imported until then.")]
    assert [(p.column, p.problem, p.action) for p in report.notices] == [
        ("联系人", "The column is not imported (not one of the layout's).",
         "If this is the '联系电话' column (optional), rename its header to '联系电话' and upload the file again."),
        ("经营范围", "The column is not imported (not one of the layout's).",
         "Nothing to do if it is not needed; download the template to see every column.")]


def test_the_command_line_refuses_a_file_over_the_cap_before_reading_it(tmp_path, english):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ValidationFailed) as exc:
        path_read(big)
    assert str(exc.value.message) == ("The file is larger than 10 MB. Split it into files of at most 10 MB and "
                                      "import them one after the other.")
    with pytest.raises(ValidationFailed) as exc:
        path_read(tmp_path / "missing.csv")
    assert str(exc.value.message).startswith("Cannot read ")


def _too_big_upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"a,b\n" + b"x" * (MAX_BYTES + 1), content_type="text/csv")


@pytest.mark.django_db
def test_the_page_and_the_api_refuse_a_file_over_the_cap_and_store_nothing(client, leader_wj, english):
    from ecoenforce.registry.pools.models import PoolImport

    client.cookies["django_language"] = "en"
    client.force_login(leader_wj)
    page = client.post("/registry/pools/", {"kind": "entities", "file": _too_big_upload("big.csv")})
    assert page.status_code == 200
    assert ("The file is larger than 10 MB. Split it into files of at most 10 MB and import them one after the "
            "other.") in page.content.decode()
    api = client.post("/api/v1/registry/pools/entities?dry_run=true", {"file": _too_big_upload("big.csv")})
    assert (api.status_code, api.json()["message"]) == (
        422, "The file is larger than 10 MB. Split it into files of at most 10 MB and import them one after the other.")
    assert PoolImport.objects.count() == 0
