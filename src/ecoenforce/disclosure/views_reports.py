"""Public pages of the firms' statutory environmental information disclosure (企业环境信息依法披露): the published
annual reports by year, and one report. Read through `compliance.selectors` (published reports only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ecoenforce.compliance import sections as disclosure_sections
from ecoenforce.compliance.selectors import (
    disclosure_published,
    disclosure_published_get,
    disclosure_published_years,
)


def reports(request: HttpRequest) -> HttpResponse:
    """Published annual reports, by year, searchable by name or credit code."""
    years = disclosure_published_years()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(disclosure_published(year=year, query=q), 50).get_page(request.GET.get("page"))
    return render(request, "disclosure/reports.html", {"page": page, "years": years, "year": year, "q": q})


def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = disclosure_published_get(report_id=report_id)
    rows = [{"title": _(s.title), "text": report.sections.get(s.key, "")} for s in disclosure_sections.SECTIONS
            if report.sections.get(s.key)]
    return render(request, "disclosure/report_detail.html", {"report": report, "rows": rows})
