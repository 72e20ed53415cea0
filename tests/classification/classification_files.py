"""File builders for the classification tests: CSV bytes and valid credit codes (Excel: factories.xlsx_bytes)."""

from __future__ import annotations

from ecoenforce.registry.uscc import uscc_make


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV file (with BOM, as Excel writes it)."""
    return ("\ufeff" + "\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def code(n: int, county: str = "320412") -> str:
    """A valid credit code registered in `county`."""
    return uscc_make("91" + county, f"7{n:07d}")
