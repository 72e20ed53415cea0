"""Planning endpoints (/api/v1/planning/): annual plans, double-random rounds and inspection tasks, read-only.

Everything is read through the planning selectors: a plan or round outside the caller's jurisdiction, or a task the
caller may not see (the target list is secret until publication), answers 404 like a missing one. Results are
recorded through the on-site record (its own API); nothing here writes.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.planning.labels import class_label
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask
from ecoenforce.planning.selectors import (
    plan_get_for_user,
    plans_for_user,
    round_get_for_user,
    round_targets_visible,
    rounds_for_user,
    task_visible_get,
    tasks_visible_to_user,
)

router = Router(tags=["planning"])


class PlanLineOut(Schema):
    month: int
    kind: str
    risk_class: str
    risk_class_label: str
    campaign: str
    planned: int


class PlanOut(Schema):
    id: int
    year: int
    status: str
    status_label: str
    organization_id: int
    organization_name: str
    region_code: str
    note: str
    approved_at: dt.datetime | None
    planned_total: int

    @staticmethod
    def from_model(plan: InspectionPlan, planned_total: int) -> PlanOut:
        return PlanOut(id=plan.pk, year=plan.year, status=plan.status, status_label=str(plan.get_status_display()),
                       organization_id=plan.organization_id, organization_name=plan.organization.name,
                       region_code=plan.organization.region.code, note=plan.note, approved_at=plan.approved_at,
                       planned_total=planned_total)


class PlanDetailOut(PlanOut):
    lines: list[PlanLineOut]


class PlanQuery(ListQuery):
    year: int | None = Field(None, ge=1990, le=2100, description="the year (1990–2100)")
    status: str = ""


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class RoundOut(Schema):
    id: int
    round_id: str
    title: str
    kind: str
    status: str
    status_label: str
    organization_id: int
    organization_name: str
    plan_id: int | None
    period_start: dt.date
    period_end: dt.date
    commitment: str
    committed_at: dt.datetime
    drawn_at: dt.datetime | None
    published_at: dt.datetime | None
    tasks: int
    open_tasks: int
    # Whether the caller may list this round's targets (GET /tasks?round_id=…): after publication everyone in the
    # jurisdiction, before it only the leaders who run the round.
    targets_visible: bool

    @staticmethod
    def from_model(r: DrawRound, *, user) -> RoundOut:
        return RoundOut(id=r.pk, round_id=r.round_id, title=r.title, kind=r.kind, status=r.status,
                        status_label=str(r.get_status_display()), organization_id=r.organization_id,
                        organization_name=r.organization.name, plan_id=r.plan_id, period_start=r.period_start,
                        period_end=r.period_end, commitment=r.commitment, committed_at=r.committed_at,
                        drawn_at=r.drawn_at, published_at=r.published_at, tasks=getattr(r, "n_tasks", 0),
                        open_tasks=getattr(r, "n_open", 0), targets_visible=round_targets_visible(user=user, round_=r))


class RoundDetailOut(RoundOut):
    seed_hex: str | None  # public once the round is published (or withdrawn), never before
    withdrawal_reason: str


class RoundQuery(ListQuery):
    status: str = ""
    kind: str = ""
    year: int | None = Field(None, ge=1990, le=2100, description="the year (1990–2100)")


class RoundPage(Schema):
    count: int
    items: list[RoundOut]


class OfficerOut(Schema):
    id: int
    name: str
    certificate_no: str


class TaskEntityOut(Schema):
    id: int
    uscc: str
    name: str
    address: str
    region_code: str
    region_name: str
    industry: str
    legal_representative: str
    permit_number: str
    latitude: float | None
    longitude: float | None


class TaskOut(Schema):
    id: int
    round_id: int
    round_title: str
    round_status: str
    risk_class: str
    risk_class_label: str
    due_on: dt.date
    status: str
    status_label: str
    entity: TaskEntityOut
    inspectors: list[OfficerOut]
    mine: bool
    inspection_id: int | None
    inspected_on: dt.date | None
    violation_found: bool | None
    findings: str
    lead_id: int | None
    completed_at: dt.datetime | None

    @staticmethod
    def from_model(t: InspectionTask, *, user) -> TaskOut:
        e = t.entity
        officers = list(t.inspectors.all())
        i = t.inspection
        return TaskOut(
            id=t.pk, round_id=t.round_id, round_title=t.round.title, round_status=t.round.status,
            risk_class=t.risk_class, risk_class_label=str(class_label(t.risk_class)), due_on=t.due_on,
            status=t.status, status_label=str(t.get_status_display()),
            entity=TaskEntityOut(id=e.pk, uscc=e.uscc, name=e.name, address=e.full_address, region_code=e.region.code,
                                 region_name=e.region.name, industry=str(e.industry),
                                 legal_representative=e.legal_representative, permit_number=e.permit_number,
                                 latitude=float(e.latitude) if e.latitude is not None else None,
                                 longitude=float(e.longitude) if e.longitude is not None else None),
            inspectors=[OfficerOut(id=u.pk, name=u.display_name, certificate_no=u.certificate_no) for u in officers],
            mine=any(u.pk == user.pk for u in officers), inspection_id=t.inspection_id,
            inspected_on=i.inspected_on if i else None, violation_found=i.violation_found if i else None,
            findings=i.findings if i else "", lead_id=t.lead_id, completed_at=t.completed_at)


class TaskQuery(ListQuery):
    # mine: the tasks I was drawn for; all: also the tasks of the rounds in my jurisdiction whose targets I may see.
    scope: str = "mine"
    status: str = ""
    round_id: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


def _planned_total(plan: InspectionPlan) -> int:
    return sum(line.planned for line in plan.lines.all())


@router.get("/plans", response=PlanPage, summary="List the annual inspection plans in my jurisdiction")
def list_plans(request, query: Query[PlanQuery]):
    require_role(request.user, STAFF_ROLES)
    qs = plans_for_user(user=request.user).prefetch_related("lines")
    if query.year is not None:
        qs = qs.filter(year=query.year)
    if query.status in InspectionPlan.Status.values:
        qs = qs.filter(status=query.status)
    count, page = list_page(qs.order_by("-year", "organization__name", "pk"), query)
    return {"count": count, "items": [PlanOut.from_model(p, _planned_total(p)) for p in page]}


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="Read one plan with its lines")
def get_plan(request, plan_id: int):
    require_role(request.user, STAFF_ROLES)
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    lines = [PlanLineOut(month=ln.month, kind=ln.kind, risk_class=ln.risk_class,
                         risk_class_label=str(class_label(ln.risk_class)), campaign=ln.campaign, planned=ln.planned)
             for ln in plan.lines.all()]
    return PlanDetailOut(**PlanOut.from_model(plan, _planned_total(plan)).dict(), lines=lines)


@router.get("/rounds", response=RoundPage, summary="List the double-random rounds in my jurisdiction")
def list_rounds(request, query: Query[RoundQuery]):
    require_role(request.user, STAFF_ROLES)
    qs = rounds_for_user(user=request.user, status=query.status, kind=query.kind, year=query.year)
    count, page = list_page(qs, query)
    return {"count": count, "items": [RoundOut.from_model(r, user=request.user) for r in page]}


@router.get("/rounds/{round_id}", response=RoundDetailOut, summary="Read one round")
def get_round(request, round_id: int):
    require_role(request.user, STAFF_ROLES)
    r = round_get_for_user(user=request.user, round_id=round_id)
    public_seed = r.status in (DrawRound.Status.PUBLISHED, DrawRound.Status.WITHDRAWN)
    return RoundDetailOut(**RoundOut.from_model(r, user=request.user).dict(),
                          seed_hex=r.seed_hex if public_seed else None, withdrawal_reason=r.withdrawal_reason)


@router.get("/tasks", response=TaskPage, summary="List inspection tasks: mine, or all I may see")
def list_tasks(request, query: Query[TaskQuery]):
    require_role(request.user, STAFF_ROLES)
    qs = tasks_visible_to_user(user=request.user, mine_only=query.scope != "all", status=query.status,
                               round_id=query.round_id, due_from=query.due_from, due_to=query.due_to)
    count, page = list_page(qs, query)
    return {"count": count, "items": [TaskOut.from_model(t, user=request.user) for t in page]}


@router.get("/tasks/{task_id}", response=TaskOut, summary="Read one inspection task with its entity's facts")
def get_task(request, task_id: int):
    require_role(request.user, STAFF_ROLES)
    return TaskOut.from_model(task_visible_get(user=request.user, task_id=task_id), user=request.user)
