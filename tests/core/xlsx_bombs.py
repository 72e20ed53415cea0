"""Hostile workbooks built byte by byte (a real .xlsx from openpyxl with its sheet XML replaced): the shapes that
exhaust a naïve reader. Shared by tests/core/test_tables.py and bench/xlsx_bomb.py."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _base() -> bytes:
    workbook = Workbook()
    workbook.active.append(["x"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_sheet(sheet_xml: str, *, extra: dict[str, bytes] | None = None, shared: str | None = None) -> bytes:
    """The base workbook with xl/worksheets/sheet1.xml replaced (and optionally the shared strings)."""
    source = zipfile.ZipFile(io.BytesIO(_base()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            elif info.filename == "xl/sharedStrings.xml" and shared is not None:
                data = shared.encode()
            target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _sheet(rows: str, dimension: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def declared_dimension_bomb(dimension: str = "A1:XFD1048576") -> bytes:
    """Three real rows in a sheet that declares a dimension of a billion cells."""
    rows = "".join(f'<row r="{n}">{inline(f"A{n}", f"a{n}")}{inline(f"B{n}", f"b{n}")}</row>' for n in (1, 2, 3))
    return with_sheet(_sheet(rows, dimension))


def wide_rows_bomb(rows: int = 2000) -> bytes:
    """Each row: one real cell in A and an empty styled cell in XFD, under A1:XFD2000 (the issue's 4.7 KB file)."""
    body = "".join(f'<row r="{n}">{inline(f"A{n}", "v")}<c r="XFD{n}" s="0"/></row>' for n in range(1, rows + 1))
    return with_sheet(_sheet(body, f"A1:XFD{rows}"))


def far_cell_bomb() -> bytes:
    """A header and one row whose content sits in the last column."""
    body = f'<row r="1">{inline("A1", "h")}</row><row r="2">{inline("A2", "v")}{inline("XFD2", "far")}</row>'
    return with_sheet(_sheet(body, "A1:XFD2"))


def many_rows_bomb(rows: int = 200_000) -> bytes:
    """More rows than any import takes (it compresses to a few hundred KB)."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    return with_sheet(_sheet(body, f"A1:A{rows}"))


def empty_cells_bomb(cells: int = 30_000) -> bytes:
    """One row of millions of empty cells (every one a parsed element)."""
    body = '<row r="1">' + '<c s="0"/>' * cells + "</row>"
    return with_sheet(_sheet(body, "A1:A1"))


def entity_bomb() -> bytes:
    """The billion-laughs entity expansion inside the sheet XML."""
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' \
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    return with_sheet(f'<?xml version="1.0"?>{lol}<worksheet {NS}><sheetData><row r="1">'
                      f'<c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>')


def inflated_member_bomb() -> bytes:
    """A zip member that inflates to 64 MB of zeros (a few KB compressed)."""
    return with_sheet(_sheet(f'<row r="1">{inline("A1", "h")}</row>', "A1"),
                      extra={"xl/media/padding.bin": b"\0" * (64 * 1024 * 1024)})
