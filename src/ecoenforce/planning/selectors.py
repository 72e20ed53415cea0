"""Planning reads: plans and rounds a person may see, published rounds, and the efficiency figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import get_in_scope, has_role, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.filters import ListFilters, filter_field
from ecoenforce.core.models import Organization, User
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.planning.capacity import CLASSES
from ecoenforce.planning.labels import class_label
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask, PlanLine
from ecoenforce.planning.services import PLAN_ROLES, _may_plan_for


def plans_for_user(*, user: User) -> QuerySet[InspectionPlan]:
    """Plans of the bureaus in the user's jurisdiction."""
    qs = InspectionPlan.objects.select_related("organization__region", "approved_by")
    return scope_by_region(qs, user=user, field="organization__region__code")


@dataclass(frozen=True)
class RoundFilters(ListFilters):
    """Filters of the rounds list and its export."""

    status: str = filter_field(_("Status"), lambda r: r.get_status_display())
    kind: str = filter_field(_("Kind"), lambda r: r.get_kind_display())
    year: str = filter_field(_("Year"), lambda r: r.period_start.year)


def rounds_for_user(*, user: User, status: str = "", kind: str = "", year: object = None) -> QuerySet[DrawRound]:
    """Rounds of the bureaus in the user's jurisdiction, with their task counts; unknown filter values are ignored."""
    qs = DrawRound.objects.select_related("organization__region").annotate(
        n_tasks=Count("tasks"), n_open=Count("tasks", filter=Q(tasks__status=InspectionTask.Status.ASSIGNED)))
    if status in DrawRound.Status.values:
        qs = qs.filter(status=status)
    if kind in PlanLine.Kind.values:
        qs = qs.filter(kind=kind)
    if str(year or "").isdigit() and 1 <= int(year) <= 9999:  # a date's year; beyond it the lookup overflows
        qs = qs.filter(period_start__year=int(year))
    return scope_by_region(qs, user=user, field="organization__region__code").order_by("-committed_at", "-id")


def public_rounds() -> QuerySet[DrawRound]:
    """Every round with a published commitment (all rounds), newest first; targets only once published."""
    return (DrawRound.objects.select_related("organization")
            .annotate(n_tasks=Count("tasks", distinct=True), n_corrections=Count("corrections", distinct=True))
            .order_by("-committed_at", "-id"))


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
    progress = plan_progress(plans, through=today)
    # Case-triggered checks are tracked beside the plan (never counted toward it), over the plans' own regions so
    # the row compares like with like: a city leader sees the counties that have a plan, not the whole city.
    prefixes = [p.organization.region.prefix for p in plans.select_related("organization__region")]
    case_q = Q()
    for prefix in prefixes:
        case_q |= Q(region__code__startswith=prefix)
    case_done = ({r["entity__risk_class"]: r["n"] for r in Inspection.objects.filter(
        case_q, kind=Inspection.Kind.CASE, inspected_on__year=today.year, inspected_on__lte=today)
        .values("entity__risk_class").annotate(n=Count("id"))} if prefixes else {})
    coverage = []
    for c in CLASSES:
        row = progress[c]
        did = row["routine"] + row["special"]
        coverage.append({"class": c, "label": class_label(c), "planned_year": row["planned_year"],
                         "planned_to_date": row["planned_to_date"], "done": did, "case": case_done.get(c, 0),
                         "pct": round(100 * did / row["planned_to_date"]) if row["planned_to_date"] else None})
    bureaus = scope_by_region(Organization.objects.filter(
        kind__in=(Organization.Kind.CITY_BUREAU, Organization.Kind.COUNTY_BUREAU)), user=user)
    return {
        "detection": detection,
        "on_site": on_site, "off_site": off_site,
        "off_site_share": round(100 * off_site / found, 1) if found else None,
        "coverage": coverage, "has_plan": bool(prefixes), "year": today.year,
        "plan_bureaus": [str(name) for name in plans.values_list("organization__name", flat=True)],
        "bureaus": bureaus.count(),
    }


def plan_progress(plans, *, through: dt.date) -> dict[str, dict[str, int]]:
    """Per class, over these plans: planned for the year and up to `through`'s month, and the inspections recorded on
    the tasks of the plans' own rounds (routine and campaign) up to `through`.

    A plan's progress is what its rounds produced: numerator and denominator come from the same plans, so a city
    leader's figure is the counties' plans against those counties' work, never the whole city against one county's
    plan. Inspections outside a round (case-triggered checks, history from before the platform) are not plan work.
    The class is the one the target had when it was drawn (the plan line it fills), not today's.
    """
    out = {c: {"planned_year": 0, "planned_to_date": 0, "routine": 0, "special": 0} for c in CLASSES}
    lines = PlanLine.objects.filter(plan__in=plans).values("risk_class", "month", "plan__year")
    for line in lines.annotate(n=Sum("planned")):
        row = out[line["risk_class"]]
        row["planned_year"] += line["n"]
        if line["plan__year"] < through.year or (line["plan__year"] == through.year and line["month"] <= through.month):
            row["planned_to_date"] += line["n"]
    done = (InspectionTask.objects.filter(round__plan__in=plans, status=InspectionTask.Status.DONE,
                                          inspection__inspected_on__lte=through)
            .values("risk_class", "round__kind").annotate(n=Count("id")))
    for r in done:
        out[r["risk_class"]]["special" if r["round__kind"] == PlanLine.Kind.SPECIAL else "routine"] += r["n"]
    return out


def plan_actuals(plan: InspectionPlan, *, through: dt.date | None = None) -> dict[str, dict[str, int]]:
    """One plan's work by class: routine and campaign inspections on its rounds' tasks (`plan_progress`), and the
    case-triggered checks in its region that year (tracked beside the plan, never counted toward it)."""
    through = through or timezone.localdate()
    progress = plan_progress(InspectionPlan.objects.filter(pk=plan.pk), through=through)
    cases = {r["entity__risk_class"]: r["n"] for r in Inspection.objects.filter(
        kind=Inspection.Kind.CASE, inspected_on__year=plan.year, inspected_on__lte=through,
        region__code__startswith=plan.organization.region.prefix).values("entity__risk_class").annotate(n=Count("id"))}
    return {c: {"routine": progress[c]["routine"], "special": progress[c]["special"], "case": cases.get(c, 0)}
            for c in CLASSES}


def plan_get_for_user(*, user: User, plan_id: object) -> InspectionPlan:
    """One plan of a bureau in the user's jurisdiction, or NotFound."""
    return get_in_scope(InspectionPlan.objects.select_related("organization__region", "approved_by")
                        .prefetch_related("lines"), user=user, pk=plan_id, field="organization__region__code")


def round_get_for_user(*, user: User, round_id: object) -> DrawRound:
    """One round of a bureau in the user's jurisdiction (with its task counts), or NotFound."""
    found = rounds_for_user(user=user).filter(pk=round_id).first() if str(round_id).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def round_targets_visible(*, user: User, round_: DrawRound) -> bool:
    """The target list is secret until publication: before it only the leaders who run the round see it."""
    if round_.status == DrawRound.Status.PUBLISHED:
        return True
    return has_role(user, PLAN_ROLES) and _may_plan_for(user, round_.organization)


def tasks_visible_to_user(*, user: User, mine_only: bool = False, status: str = "", round_id: object = None,
                          due_from: dt.date | None = None, due_to: dt.date | None = None) -> QuerySet[InspectionTask]:
    """Tasks a person may read: the ones they were drawn for; unless `mine_only`, also every task of the rounds in
    their jurisdiction whose target list they may see (published rounds; before publication, the rounds their own
    bureau runs, for its leaders). Unknown filter values are ignored."""
    mine = Q(inspectors=user)
    if mine_only:
        visible = mine
    else:
        rounds = rounds_for_user(user=user)
        published = Q(round__in=rounds.filter(status=DrawRound.Status.PUBLISHED).values("pk"))
        visible = mine | published
        if has_role(user, PLAN_ROLES) and user.organization_id is not None:
            prefix = user.jurisdiction_prefix
            runs_all = prefix == "" or user.organization.kind == Organization.Kind.CITY_BUREAU
            own = rounds if runs_all else rounds.filter(organization_id=user.organization_id)
            visible |= Q(round__in=own.values("pk"))
    qs = InspectionTask.objects.filter(pk__in=InspectionTask.objects.filter(visible).values("pk"))
    if status in InspectionTask.Status.values:
        qs = qs.filter(status=status)
    if str(round_id or "").isdigit():
        qs = qs.filter(round_id=int(round_id))
    if due_from is not None:
        qs = qs.filter(due_on__gte=due_from)
    if due_to is not None:
        qs = qs.filter(due_on__lte=due_to)
    return (qs.select_related("entity__region", "entity__industry", "round", "inspection")
            .prefetch_related("inspectors").order_by("status", "due_on", "id"))


def task_visible_get(*, user: User, task_id: object) -> InspectionTask:
    """One task the person may read (`tasks_visible_to_user`), or NotFound."""
    found = tasks_visible_to_user(user=user).filter(pk=task_id).first() if str(task_id).isdigit() else None
    if found is None:
        raise NotFound()
    return found
