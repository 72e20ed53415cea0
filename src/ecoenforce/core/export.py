"""List exports: the same rows a list page shows, as CSV or Excel, named for the list and the day.

Every cell is written as data, never as a formula (formula injection, CWE-1236): a title such as
`=HYPERLINK("http://evil","click")` or `@SUM(1+1)*cmd|' /C calc'!A0` typed into a tip, a ledger or a note must not
become live when a colleague opens the export. In .xlsx every text is stored as a string cell (openpyxl would
otherwise store text beginning with "=" as a formula), so it reads exactly as typed; in .csv, which carries no
types, a text beginning with = + - @, a tab or a carriage return gets a leading apostrophe (the OWASP advice), so
spreadsheet programs show it as text. Plain numbers ("-12.5") are left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

MAX_EXPORT_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_safe(value: object) -> str:
    """The text of a CSV cell that no spreadsheet program will evaluate."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def _xlsx_cell(sheet, value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (int, float)):  # numbers (and booleans) stay typed
        return value
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # text stays text: never a formula, whatever it begins with
    return cell


def neutralise_formulas(sheet) -> None:
    """For workbooks built cell by cell (not write-only): store every would-be formula as the text it is."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def export_response(*, fmt: str, basename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """An attachment response in `fmt` ('xlsx' or 'csv'), at most MAX_EXPORT_ROWS rows."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    limited = (row for i, row in enumerate(rows) if i < MAX_EXPORT_ROWS)
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so Excel opens the UTF-8 Chinese text correctly
        writer = csv.writer(buffer)
        writer.writerow([csv_safe(h) for h in headers])
        writer.writerows([[csv_safe(v) for v in row] for row in limited])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(basename[:31])
    sheet.append([_xlsx_cell(sheet, h) for h in headers])
    for row in limited:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.xlsx"'
    return response
