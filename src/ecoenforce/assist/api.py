"""Assistance endpoints: assignments (list, create), findings (list, report) and their quality audit."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from ecoenforce.assist import services
from ecoenforce.assist.selectors import (
    assignments_for_user,
    finding_outcome,
    finding_quality,
    findings_for_user,
)
from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page, page_bounds
from ecoenforce.core.models import Region, Role

router = Router(tags=["assist"])
VIEW_ROLES = (*STAFF_ROLES, Role.THIRD_PARTY)


class AssignmentOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    kind: str
    title: str
    region_code: str
    starts_on: dt.date
    ends_on: dt.date
    devices: list[str]


class AssignmentPage(Schema):
    count: int
    items: list[AssignmentOut]


def _assignment(a) -> AssignmentOut:
    return AssignmentOut(id=a.pk, organization_id=a.organization_id, organization_name=a.organization.name, kind=a.kind,
                         title=a.title, region_code=a.region.code, starts_on=a.starts_on, ends_on=a.ends_on,
                         devices=a.devices)


@router.get("/assignments", response=AssignmentPage, summary="Assignments (a third party's own; staff: the jurisdiction's)")
def assignment_list(request, query: Query[ListQuery]):
    require_role(request.user, VIEW_ROLES)
    total, page = list_page(assignments_for_user(user=request.user), query)
    return {"count": total, "items": [_assignment(a) for a in page]}


class AssignmentIn(Schema):
    organization_id: int
    kind: str
    title: str
    region_code: str
    starts_on: dt.date
    ends_on: dt.date
    staff_ids: list[int]
    entity_ids: list[int] = []
    devices: list[str] = []
    note: str = ""


@router.post("/assignments", response={201: AssignmentOut}, summary="Engage a contractor's staff (unit leader)")
def assignment_create(request, payload: AssignmentIn):
    region = Region.objects.filter(code=payload.region_code).first()
    a = services.assignment_create(actor=request.user, organization_id=payload.organization_id, kind=payload.kind,
                                   title=payload.title, region=region, starts_on=payload.starts_on,
                                   ends_on=payload.ends_on, staff_ids=payload.staff_ids, entity_ids=payload.entity_ids,
                                   devices=payload.devices, note=payload.note)
    return 201, _assignment(a)


class FindingOut(Schema):
    id: int
    assignment_id: int
    lead_id: int
    lead_number: str
    title: str
    entity_id: int | None
    device_mn: str
    reported_by_id: int
    reported_at: dt.datetime
    outcome: str


def _finding(f) -> FindingOut:
    return FindingOut(id=f.pk, assignment_id=f.assignment_id, lead_id=f.lead_id, lead_number=f.lead.number,
                      title=f.lead.title, entity_id=f.entity_id, device_mn=f.device_mn, reported_by_id=f.reported_by_id,
                      reported_at=f.reported_at, outcome=finding_outcome(f))


class FindingQuery(ListQuery):
    organization: str = ""
    staff: str = ""
    outcome: str = ""


class FindingPage(Schema):
    count: int
    items: list[FindingOut]


@router.get("/findings", response=FindingPage, summary="Findings with their outcome (confirmed, false, other, pending)")
def finding_list(request, query: Query[FindingQuery]):
    require_role(request.user, VIEW_ROLES)
    total, page = list_page(findings_for_user(user=request.user, **query.filters()), query)
    return {"count": total, "items": [_finding(f) for f in page]}


class FindingIn(Schema):
    assignment_id: int
    token: str
    title: str
    description: str = ""
    entity_id: int | None = None
    device_mn: str = ""
    observed_at: dt.datetime | None = None


@router.post("/findings", response={201: FindingOut}, summary="Report a finding on one's assignment (third party)")
def finding_report(request, payload: FindingIn):
    f = services.finding_report(actor=request.user, assignment_id=payload.assignment_id, token=payload.token,
                                title=payload.title, description=payload.description, entity_id=payload.entity_id,
                                device_mn=payload.device_mn, observed_at=payload.observed_at)
    return 201, _finding(f)


class QualityOut(Schema):
    organization_id: int
    label: str
    staff_id: int | None
    total: int
    confirmed: int
    false: int
    other: int
    pending: int
    confirmed_rate: int | None
    false_rate: int | None


class QualityPage(Schema):
    count: int
    items: list[QualityOut]


def _quality(q) -> QualityOut:
    return QualityOut(organization_id=q.organization_id, label=q.label, staff_id=q.staff_id, total=q.total,
                      confirmed=q.confirmed, false=q.false, other=q.other, pending=q.pending,
                      confirmed_rate=q.confirmed_rate, false_rate=q.false_rate)


@router.get("/quality", response=QualityPage, summary="Confirmed and false rates per contractor and person")
def quality(request, query: Query[ListQuery]):
    require_role(request.user, STAFF_ROLES)
    rows = [r for q in finding_quality(user=request.user) for r in (q, *q.people)]
    start, stop = page_bounds(limit=query.limit, offset=query.offset)
    return {"count": len(rows), "items": [_quality(r) for r in rows[start:stop]]}
