"""File builders for the classification tests: CSV and Excel bytes, valid credit codes."""

from __future__ import annotations

import io

from openpyxl import Workbook

from ecoenforce.registry.uscc import uscc_make


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV file (with BOM, as Excel writes it)."""
    return ("\ufeff" + "\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An .xlsx file with the rows on its first sheet."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def code(n: int, county: str = "320412") -> str:
    """A valid credit code registered in `county`."""
    return uscc_make("91" + county, f"7{n:07d}")
