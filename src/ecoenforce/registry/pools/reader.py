"""Read a pool spreadsheet (.xlsx or UTF-8 .csv) into rows keyed by column key, reporting missing columns."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ecoenforce.registry.pools.columns import LAYOUTS, header_map, normalise_header
from ecoenforce.registry.pools.report import ImportReport

MAX_ROWS = 20_000


@dataclass(frozen=True)
class Table:
    """Rows as {column key: text}, each with its spreadsheet row number."""

    rows: list[tuple[int, dict[str, str]]]
    headers: dict[str, str]  # column key → the header as written in the file


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 320412 as 320412.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _raw_rows(data: bytes, filename: str, report: ImportReport) -> list[list[str]] | None:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception:  # openpyxl raises many types for a file that is not a workbook
            report.add(0, "", _("The file is not a readable Excel workbook."),
                       _("Save it as .xlsx (Excel 2007 or later) or as 'CSV UTF-8' and upload it again."))
            return None
    if not filename.lower().endswith(".csv"):
        report.add(0, "", _("Only .xlsx and .csv files can be imported."),
                   _("Save the spreadsheet as .xlsx or as 'CSV UTF-8' and upload it again."))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(0, "", _("The CSV file is not UTF-8 (it is probably GBK)."),
                   _("In Excel choose 'Save as' → 'CSV UTF-8', or upload the .xlsx file instead."))
        return None
    return [[v.strip() for v in row] for row in csv.reader(io.StringIO(text))]


def read_table(*, kind: str, data: bytes, filename: str, report: ImportReport) -> Table | None:
    """The file's rows, or None with the problems added to `report` (unreadable file, missing columns)."""
    raw = _raw_rows(data, filename, report)
    if raw is None:
        return None
    numbered = [(n, row) for n, row in enumerate(raw, start=1) if any(row)]
    if not numbered:
        report.add(0, "", _("The file is empty."), _("Fill in the template: a header row, then one row per record."))
        return None
    mapping = header_map(kind)
    header_row, header = numbered[0]
    keys: list[str | None] = [mapping.get(normalise_header(h)) for h in header]
    headers = {k: header[i] for i, k in enumerate(keys) if k}
    for column in LAYOUTS[kind]:
        if column.required and column.key not in headers:
            report.add(header_row, column.zh, _("The column is missing."),
                       _("Add a column headed '%(zh)s' (or '%(key)s'); download the template to see every column.")
                       % {"zh": column.zh, "key": column.key})
    if kind == "entities" and "county_code" not in headers and "county_name" not in headers:
        report.add(header_row, "区县代码", _("The column is missing."),
                   _("Add a column headed '区县代码' (county_code) or '区县名称' (county_name)."))
    if len(numbered) - 1 > MAX_ROWS:
        report.add(0, "", _("The file has more than %(n)d rows.") % {"n": MAX_ROWS},
                   _("Split it into files of at most %(n)d rows and import them one after the other.") % {"n": MAX_ROWS})
    if not report.ok:
        return None
    rows = []
    for n, row in numbered[1:]:
        values = {k: (row[i] if i < len(row) else "") for i, k in enumerate(keys) if k}
        rows.append((n, values))
    report.rows = len(rows)
    return Table(rows=rows, headers=headers)
