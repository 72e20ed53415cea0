"""Benchmark: hostile workbooks through the one table reader, against a legitimate 20,000-row ledger (baseline)
and against openpyxl's own read-only iteration of the issue's bomb (what the product did before).

Run: .venv/bin/python bench/xlsx_bomb.py   (prints seconds and peak traced memory; not a test)
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "core")]

import os  # noqa: E402

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
django.setup()

from openpyxl import Workbook, load_workbook  # noqa: E402
from xlsx_bombs import declared_dimension_bomb, far_cell_bomb, many_rows_bomb, wide_rows_bomb  # noqa: E402

from ecoenforce.core.tables.reader import TableRefused, read_rows  # noqa: E402


def ledger(rows: int = 20_000) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(["统一社会信用代码", "单位名称", "行业代码", "地址", "区县代码", "许可管理类别", "排污许可证编号", "重点排污单位",
                  "法定代表人", "联系电话", "年排放量（吨）", "环境信用等级"])
    for n in range(rows):
        sheet.append([f"91320412MA{n:08d}", f"常州示例{n}化工有限公司", "2614", f"武进区示例路{n}号", 320412, "重点管理",
                      f"91320412MA{n:08d}001P", "是", "张三", "13912345678", 12.5, "蓝"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def measure(label: str, fn, *, traced: bool = True) -> float:
    """Seconds without tracing, then (if `traced`) the peak traced memory of a second run."""
    start = time.perf_counter()
    try:
        what = f"{len(fn())} rows"
    except TableRefused as refused:
        what = f"refused: {refused.problem}"
    seconds = time.perf_counter() - start
    peak = ""
    if traced:
        tracemalloc.start()
        try:
            fn()
        except TableRefused:
            pass
        peak = f"{tracemalloc.get_traced_memory()[1] / 1024 / 1024:8.1f} MB peak"
        tracemalloc.stop()
    print(f"{label:<48} {seconds:7.3f} s  {peak:>16}  {what}")
    return seconds


def naive(data: bytes) -> list:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def main() -> None:
    legit = ledger()
    print(f"legitimate ledger: {len(legit) / 1024:.0f} KB; issue bomb: {len(wide_rows_bomb()) / 1024:.1f} KB")
    base = measure("baseline: 20,000-row ledger, 12 columns", lambda: read_rows(legit, "l.xlsx").rows, traced=False)
    cases = {
        "A1:XFD1048576 declared, 3 real rows": declared_dimension_bomb(),
        "2,000 rows to column XFD (the issue's bomb)": wide_rows_bomb(),
        "content in XFD2": far_cell_bomb(),
        "200,000 rows (import limit 20,000)": many_rows_bomb(200_000),
    }
    for label, data in cases.items():
        seconds = measure(label, lambda data=data: read_rows(data, "b.xlsx").rows)
        print(f"{'':<48} ratio to baseline {seconds / base:.3f}")
    measure("before: openpyxl read-only on the issue's bomb", lambda: naive(wide_rows_bomb()))


if __name__ == "__main__":
    main()
