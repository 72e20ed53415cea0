"""Read an uploaded .xlsx or .csv into numbered rows of text, bounded in memory whatever the file declares.

A workbook is a zip of XML; what it declares is not trusted: a 4.7 KB sheet declaring `A1:XFD1048576` makes a
naïve reader pad a billion cells, and a zip member can expand a thousandfold. So:

- the zip's members are checked against size caps before anything is decompressed (Python's zipfile never
  inflates a member past its declared size, so the declared size is a real bound);
- the sheet is streamed element by element (defusedxml: no entities, no DTD) and every element is dropped
  once read; the declared dimension is never used; a row is kept only up to `max_cols` columns, and a
  non-empty cell beyond that, or more than `max_rows` non-empty rows, stops the reading with a refusal;
- the number of cells scanned is capped too, so a sheet of millions of empty cells ends quickly.

openpyxl still reads the workbook's small parts (shared strings, styles → which cells are dates) and converts
each cell (`WorkSheetParser.parse_cell`), so values read exactly as elsewhere in the product.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

MAX_BYTES = 10 * 1024 * 1024  # an uploaded spreadsheet (the bureau's ledgers are well below 2 MB)
MAX_ROWS = 20_000
MAX_COLS = 64
TITLE_ROWS = 10  # rows above the header a ledger may carry (its title, the unit, the date)
MAX_CELLS_SCANNED = 2_000_000  # cells (empty ones included) read from the sheet before giving up
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # a workbook part held in memory (shared strings, styles, workbook)
MAX_SHEET_BYTES = 256 * 1024 * 1024  # the streamed sheet, uncompressed
MAX_MEMBERS = 2_000
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class TableRefused(Exception):
    """The file cannot be read as a table; `problem` and `action` are translated sentences for the person."""

    def __init__(self, problem: str, action: str):
        super().__init__(problem)
        self.problem, self.action = str(problem), str(action)


@dataclass(frozen=True)
class Rows:
    """The non-empty rows of the first sheet, each with its spreadsheet row number (1-based)."""

    rows: list[tuple[int, list[str]]]


def cell_text(value: object) -> str:
    """A cell value as the text the imports parse: 320412.0 → '320412', a date → ISO date, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 320412 as 320412.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _too_many_rows(max_rows: int) -> TableRefused:
    return TableRefused(_("The file has more than %(n)d rows.") % {"n": max_rows},
                        _("Split it into files of at most %(n)d rows and import them one after the other.")
                        % {"n": max_rows})


def _beyond_columns(row: int, column: int, max_cols: int) -> TableRefused:
    return TableRefused(_("Cell %(cell)s has content, but only the first %(n)d columns (up to %(last)s) are read.")
                        % {"cell": f"{get_column_letter(min(column, 16384))}{row}", "n": max_cols,
                           "last": get_column_letter(max_cols)},
                        _("Delete the columns to the right of %(last)s (or move what you need into the template's "
                          "columns) and upload the file again.") % {"last": get_column_letter(max_cols)})


def _unreadable_workbook() -> TableRefused:
    return TableRefused(_("The file is not a readable Excel workbook."),
                        _("Save it as .xlsx (Excel 2007 or later) or as 'CSV UTF-8' and upload it again."))


def _too_large_inside() -> TableRefused:
    return TableRefused(_("The workbook is far larger inside than a table of this kind can be."),
                        _("Copy the rows you need into the downloadable template and upload that file."))


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _too_large_inside()
    for info in members:
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        if info.file_size > (MAX_SHEET_BYTES if is_sheet else MAX_MEMBER_BYTES):
            raise _too_large_inside()


def _xlsx_rows(data: bytes, max_rows: int, max_cols: int, keep: int) -> list[tuple[int, list[str]]]:
    from defusedxml.ElementTree import iterparse
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(archive)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        source = workbook._archive.open(sheet._worksheet_path)  # the one sheet, streamed below
    except TableRefused:
        raise
    except Exception:  # openpyxl and zipfile raise many types for a file that is not a workbook
        raise _unreadable_workbook() from None
    parser = WorkSheetParser(None, workbook.shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
    rows: list[tuple[int, list[str]]] = []
    scanned, row_number, current, row_el, stack = 0, 0, [""] * max_cols, None, []
    try:
        with source:
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    stack.append(element)
                    if tag == SHEET_NS + "row":
                        row_el = element
                        row_number = int(element.get("r") or row_number + 1)
                        parser.row_counter, parser.col_counter = row_number, 0
                        current = [""] * max_cols
                    continue
                stack.pop()
                if tag == SHEET_NS + "c":
                    scanned += 1
                    if scanned > MAX_CELLS_SCANNED:
                        raise _too_large_inside()
                    cell = parser.parse_cell(element)
                    text = cell_text(cell["value"])
                    if text:
                        if cell["column"] > max_cols:
                            raise _beyond_columns(cell["row"], cell["column"], max_cols)
                        current[cell["column"] - 1] = text
                    if row_el is not None:
                        row_el.remove(element)  # drop the cell at once: memory stays one row wide
                elif tag == SHEET_NS + "row":
                    scanned += 1
                    if any(current):
                        if len(rows) >= keep:
                            raise _too_many_rows(max_rows)
                        while current and not current[-1]:
                            current.pop()
                        rows.append((row_number, current))
                    current, row_el = [""] * max_cols, None
                    if stack:
                        stack[-1].remove(element)
                elif tag == SHEET_NS + "sheetData":
                    break  # nothing after the cells matters (conditional formats, drawings…)
                elif len(stack) == 1:
                    stack[0].remove(element)  # sheet views, column widths…: read and forgotten
    except TableRefused:
        raise
    except Exception:  # malformed XML, a forbidden entity or DTD (defusedxml), a bad cell reference
        raise _unreadable_workbook() from None
    finally:
        workbook.close()
    return rows


def _csv_rows(data: bytes, max_rows: int, max_cols: int, keep: int) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # what Excel on a Chinese Windows writes as "CSV"
        except UnicodeDecodeError:
            raise TableRefused(_("The CSV file is neither UTF-8 nor GBK text."),
                               _("In Excel choose 'Save as' → 'CSV UTF-8', or upload the .xlsx file instead.")) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, raw in enumerate(csv.reader(io.StringIO(text)), start=1):
            row = [v.strip() for v in raw]
            if not any(row):
                continue
            for column in range(len(row), max_cols, -1):
                if row[column - 1]:
                    raise _beyond_columns(number, column, max_cols)
            if len(rows) >= keep:
                raise _too_many_rows(max_rows)
            row = row[:max_cols]
            while row and not row[-1]:
                row.pop()
            rows.append((number, row))
    except csv.Error:
        raise TableRefused(_("The CSV file cannot be read as a table (a cell is too long or the quoting is broken)."),
                           _("Open it in Excel, save it as .xlsx and upload that file.")) from None
    return rows


def read_rows(data: bytes, filename: str, *, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS,
              max_bytes: int = MAX_BYTES) -> Rows:
    """The non-empty rows of an .xlsx (first sheet) or .csv file, at most `max_rows` data rows plus a few title
    and header rows, each cut to `max_cols` columns; raises TableRefused for anything else."""
    if len(data) > max_bytes:
        raise file_too_large(max_bytes)
    name = filename.lower()
    keep = max_rows + 1 + TITLE_ROWS  # the data rows, the header and the title rows above it
    if name.endswith((".xlsx", ".xlsm")):
        return Rows(_xlsx_rows(data, max_rows, max_cols, keep))
    if name.endswith(".csv"):
        return Rows(_csv_rows(data, max_rows, max_cols, keep))
    raise TableRefused(_("Only .xlsx and .csv files can be imported."),
                       _("Save the spreadsheet as .xlsx or as 'CSV UTF-8' and upload it again."))


def file_too_large(max_bytes: int) -> TableRefused:
    """The refusal for a file over the size cap."""
    megabytes = max_bytes // (1024 * 1024)
    return TableRefused(_("The file is larger than %(mb)d MB.") % {"mb": megabytes},
                        _("Split it into files of at most %(mb)d MB and import them one after the other.")
                        % {"mb": megabytes})
