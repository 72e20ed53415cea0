"""Referral endpoints: referrals (list, send, answer, close) and joint inspections (list, plan, record a result)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.core.models import Region, Role
from ecoenforce.referrals import services
from ecoenforce.referrals.selectors import joint_inspections_for_user, referrals_for_user

router = Router(tags=["referrals"])
VIEW_ROLES = (*STAFF_ROLES, Role.PARTNER)


class ReferralOut(Schema):
    id: int
    number: str
    direction: str
    department_id: int
    department_name: str
    region_code: str
    lead_id: int | None
    case_id: int | None
    entity_id: int | None
    title: str
    request: str
    urgent: bool
    deadline: dt.date
    status: str
    sent_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None


def _referral(r) -> ReferralOut:
    return ReferralOut(id=r.pk, number=r.number, direction=r.direction, department_id=r.department_id,
                       department_name=r.department.name, region_code=r.region.code, lead_id=r.lead_id,
                       case_id=r.case_id, entity_id=r.entity_id, title=r.title, request=r.request, urgent=r.urgent,
                       deadline=r.deadline, status=r.status, sent_at=r.sent_at, answer=r.answer,
                       answered_at=r.answered_at, closed_at=r.closed_at)


class ReferralQuery(ListQuery):
    direction: str = ""
    status: str = ""
    overdue: bool = False


class ReferralPage(Schema):
    count: int
    items: list[ReferralOut]


@router.get("/", response=ReferralPage, summary="Referrals (a partner: its own department's; staff: the jurisdiction's)")
def referral_list(request, query: Query[ReferralQuery]):
    require_role(request.user, VIEW_ROLES)
    total, page = list_page(referrals_for_user(user=request.user, **query.filters()), query)
    return {"count": total, "items": [_referral(r) for r in page]}


class ReferralIn(Schema):
    department_id: int | None = None
    title: str
    request: str
    lead_id: int | None = None
    case_id: int | None = None
    entity_id: int | None = None
    region_code: str = ""
    urgent: bool = False


@router.post("/", response={201: ReferralOut}, summary="Send a referral (staff: to a department; partner: to the bureau)")
def referral_send(request, payload: ReferralIn):
    region = Region.objects.filter(code=payload.region_code).first() if payload.region_code else None
    r = services.referral_send(actor=request.user, department_id=payload.department_id, title=payload.title,
                               request=payload.request, lead_id=payload.lead_id, case_id=payload.case_id,
                               entity_id=payload.entity_id, region=region, urgent=payload.urgent)
    return 201, _referral(r)


class AnswerIn(Schema):
    answer: str
    make_lead: bool = False


@router.post("/{referral_id}/answer", response=ReferralOut, summary="Answer a referral addressed to one's side")
def referral_answer(request, referral_id: int, payload: AnswerIn):
    return _referral(services.referral_answer(actor=request.user, referral_id=referral_id, answer=payload.answer,
                                              make_lead=payload.make_lead))


@router.post("/{referral_id}/close", response=ReferralOut, summary="Acknowledge the answer and close (the sender)")
def referral_close(request, referral_id: int):
    return _referral(services.referral_close(actor=request.user, referral_id=referral_id))


class JointOut(Schema):
    id: int
    entity_id: int
    title: str
    planned_on: dt.date
    department_ids: list[int]
    results: int


def _joint(j) -> JointOut:
    return JointOut(id=j.pk, entity_id=j.entity_id, title=j.title, planned_on=j.planned_on,
                    department_ids=sorted(d.pk for d in j.departments.all()), results=len(j.results.all()))


class JointPage(Schema):
    count: int
    items: list[JointOut]


@router.get("/joint", response=JointPage, summary="Joint inspections")
def joint_list(request, query: Query[ListQuery]):
    require_role(request.user, VIEW_ROLES)
    total, page = list_page(joint_inspections_for_user(user=request.user), query)
    return {"count": total, "items": [_joint(j) for j in page]}


class JointIn(Schema):
    entity_id: int
    title: str = ""
    planned_on: dt.date
    department_ids: list[int]
    officer_ids: list[int] = []


@router.post("/joint", response={201: JointOut}, summary="Plan a joint inspection with partner departments")
def joint_plan(request, payload: JointIn):
    j = services.joint_inspection_plan(actor=request.user, entity_id=payload.entity_id, title=payload.title,
                                       planned_on=payload.planned_on, department_ids=payload.department_ids,
                                       officer_ids=payload.officer_ids)
    return 201, _joint(j)


class ResultIn(Schema):
    findings: str
    violation: bool


class ResultOut(Schema):
    id: int
    department_id: int
    violation: bool


@router.post("/joint/{inspection_id}/results", response={201: ResultOut}, summary="Record one's department's result")
def joint_result(request, inspection_id: int, payload: ResultIn):
    r = services.joint_result_record(actor=request.user, inspection_id=inspection_id, findings=payload.findings,
                                     violation=payload.violation)
    return 201, ResultOut(id=r.pk, department_id=r.department_id, violation=r.violation)
