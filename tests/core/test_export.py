"""Formula injection: every export writes text as text — .xlsx string cells, .csv with a leading apostrophe."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from ecoenforce.core.export import csv_safe, export_response
from factories import make_lead

HOSTILE = ['=HYPERLINK("http://evil.example","点此查看")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
           "\t=1+1", "\r=1+1"]


def _rows():
    return [[text, -12.5, 7, None, "普通标题"] for text in HOSTILE]


def test_csv_cells_that_a_spreadsheet_would_evaluate_get_an_apostrophe():
    response = export_response(fmt="csv", basename="t", headers=["=标题", "n", "m", "e", "ok"], rows=_rows())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'=标题", "n", "m", "e", "ok"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE]
    assert rows[1][1:] == ["-12.5", "7", "", "普通标题"]


def test_csv_safe_leaves_numbers_and_ordinary_text_alone():
    assert [csv_safe(v) for v in ("-12.5", "+86", "1e5", "-", "常州", "", None, "a=b")] == [
        "-12.5", "+86", "1e5", "'-", "常州", "", "", "a=b"]
    assert [csv_safe(v) for v in ("\t=1", "\r=1", "@x", "+86 139", "=1")] == ["'\t=1", "'\r=1", "'@x", "'+86 139", "'=1"]


def test_xlsx_text_is_stored_as_string_cells_never_formulas():
    response = export_response(fmt="xlsx", basename="t", headers=["=标题", "n", "m", "e", "ok"], rows=_rows())
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]  # formulas would load as data_type "f"
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == ("=标题", "s")
    # XML turns a carriage return into a line feed; the cell is still a string
    assert [row[0] for row in cells[1:]] == [(text.replace("\r", "\n"), "s") for text in HOSTILE]
    assert [v for v, _t in cells[1][1:]] == [-12.5, 7, None, "普通标题"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_hostile_lead_title_stays_text_in_the_leads_export(client, leader_wj, entity_wj, inspector_wj, fmt):
    make_lead(entity=entity_wj, created_by=inspector_wj, title=HOSTILE[0])
    client.force_login(leader_wj)
    response = client.get(f"/leads/?export={fmt}")
    if fmt == "csv":
        assert "'=HYPERLINK(" in response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        titles = [(c.value, c.data_type) for c in sheet["D"]]
        assert titles[1] == (HOSTILE[0], "s")
