"""List exports: the same rows a list page shows, as CSV or Excel, named for the list and the day."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

MAX_EXPORT_ROWS = 100_000


def export_response(*, fmt: str, basename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """An attachment response in `fmt` ('xlsx' or 'csv'), at most MAX_EXPORT_ROWS rows."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    limited = (row for i, row in enumerate(rows) if i < MAX_EXPORT_ROWS)
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so Excel opens the UTF-8 Chinese text correctly
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in headers])
        writer.writerows([["" if v is None else str(v) for v in row] for row in limited])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(basename[:31])
    sheet.append([str(h) for h in headers])
    for row in limited:
        sheet.append(["" if v is None else (v if isinstance(v, (int, float)) else str(v)) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.xlsx"'
    return response
