"""Inspection reads: detection rate figures for the dashboard."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ecoenforce.core.access import scope_by_region
from ecoenforce.core.models import User
from ecoenforce.inspections.models import Inspection


def inspection_stats_for_user(*, user: User, months: int = 12) -> dict:
    """Inspections and violations found per month over the last `months`, and the overall detection rate."""
    since = (timezone.localdate().replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    qs = scope_by_region(Inspection.objects.filter(inspected_on__gte=since), user=user)
    rows = (qs.annotate(month=TruncMonth("inspected_on")).values("month")
            .annotate(n=Count("id"), v=Count("id", filter=Q(violation_found=True))).order_by("month"))
    total = sum(r["n"] for r in rows)
    found = sum(r["v"] for r in rows)
    return {
        "total": total,
        "violations": found,
        "rate": round(100 * found / total, 1) if total else None,
        "months": [r["month"].strftime("%Y-%m") for r in rows],
        "rates": [round(100 * r["v"] / r["n"], 1) if r["n"] else 0 for r in rows],
    }
