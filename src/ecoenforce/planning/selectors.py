"""Planning reads: plans and rounds a person may see, published rounds, and the efficiency figures."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ecoenforce.core.access import scope_by_region
from ecoenforce.core.models import User
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.planning.capacity import CLASSES
from ecoenforce.planning.labels import class_label
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask, PlanLine


def plans_for_user(*, user: User) -> QuerySet[InspectionPlan]:
    """Plans of the bureaus in the user's jurisdiction."""
    qs = InspectionPlan.objects.select_related("organization__region", "approved_by")
    return scope_by_region(qs, user=user, field="organization__region__code")


def rounds_for_user(*, user: User, status: str = "", kind: str = "", year: object = None) -> QuerySet[DrawRound]:
    """Rounds of the bureaus in the user's jurisdiction, with their task counts; unknown filter values are ignored."""
    qs = DrawRound.objects.select_related("organization__region").annotate(
        n_tasks=Count("tasks"), n_open=Count("tasks", filter=Q(tasks__status=InspectionTask.Status.ASSIGNED)))
    if status in DrawRound.Status.values:
        qs = qs.filter(status=status)
    if kind in PlanLine.Kind.values:
        qs = qs.filter(kind=kind)
    if str(year or "").isdigit():
        qs = qs.filter(period_start__year=int(year))
    return scope_by_region(qs, user=user, field="organization__region__code").order_by("-committed_at", "-id")


def public_rounds() -> QuerySet[DrawRound]:
    """Every round with a published commitment (all rounds), newest first; targets only once published."""
    return DrawRound.objects.select_related("organization").annotate(n_tasks=Count("tasks")).order_by("-committed_at", "-id")


def efficiency_for_user(*, user: User, today: dt.date | None = None) -> dict:
    """The efficiency view: detection rate by class, off-site vs on-site discoveries, coverage by class vs plan."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=365)
    inspections = scope_by_region(Inspection.objects.filter(inspected_on__gt=since, inspected_on__lte=today),
                                  user=user)
    by_class = {r["entity__risk_class"]: r for r in inspections.values("entity__risk_class").annotate(
        n=Count("id"), v=Count("id", filter=Q(violation_found=True)))}
    detection = []
    for c in CLASSES:
        row = by_class.get(c, {"n": 0, "v": 0})
        detection.append({"class": c, "label": class_label(c), "inspections": row["n"], "violations": row["v"],
                          "rate": round(100 * row["v"] / row["n"], 1) if row["n"] else None})
    on_site = inspections.filter(violation_found=True).count()
    off_site = scope_by_region(Lead.objects.filter(source=Lead.Source.WARNING, received_at__date__gt=since),
                               user=user).count()
    found = on_site + off_site
    plans = scope_by_region(InspectionPlan.objects.filter(year=today.year, status=InspectionPlan.Status.APPROVED),
                            user=user, field="organization__region__code")
    lines = PlanLine.objects.filter(plan__in=plans)
    planned_year = {r["risk_class"]: r["n"] for r in lines.values("risk_class").annotate(n=Sum("planned"))}
    planned_to_date = {r["risk_class"]: r["n"] for r in lines.filter(month__lte=today.month)
                       .values("risk_class").annotate(n=Sum("planned"))}
    done = {r["entity__risk_class"]: r for r in scope_by_region(
        Inspection.objects.filter(inspected_on__year=today.year, inspected_on__lte=today), user=user)
        .values("entity__risk_class").annotate(
            planned_kinds=Count("id", filter=Q(kind__in=(Inspection.Kind.ROUTINE, Inspection.Kind.SPECIAL))),
            case=Count("id", filter=Q(kind=Inspection.Kind.CASE)))}
    coverage = []
    for c in CLASSES:
        did = done.get(c, {}).get("planned_kinds", 0)
        to_date = planned_to_date.get(c, 0)
        coverage.append({"class": c, "label": class_label(c), "planned_year": planned_year.get(c, 0),
                         "planned_to_date": to_date, "done": did, "case": done.get(c, {}).get("case", 0),
                         "pct": round(100 * did / to_date) if to_date else None})
    return {
        "detection": detection,
        "on_site": on_site, "off_site": off_site,
        "off_site_share": round(100 * off_site / found, 1) if found else None,
        "coverage": coverage, "has_plan": plans.exists(), "year": today.year,
    }
