"""Sampling endpoints: list, read, request, record a sample, a custody step, the lab's result, close, raise a lead."""

from __future__ import annotations

import datetime as dt
import json

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.sampling import services
from ecoenforce.sampling.models import Result, SamplingRequest
from ecoenforce.sampling.selectors import (
    SamplingFilters,
    request_actions_for_user,
    request_get_for_user,
    request_is_overdue,
    requests_for_user,
)

router = Router(tags=["sampling"])


class FactorOut(Schema):
    code: str
    name: str
    unit: str
    method: str


class StepOut(Schema):
    step: str
    at: dt.datetime
    from_party: str
    to_party: str
    seal_no: str
    seal_intact: bool


class SampleOut(Schema):
    id: int
    sample_no: str
    container: str
    preservation: str
    samplers: str
    seal_no: str
    step: str
    custody: list[StepOut]


class ResultOut(Schema):
    sample_no: str
    factor: str
    factor_name: str
    value: float | None
    below_dl: bool
    shown: str  # "< DL" below the detection limit
    unit: str
    method: str
    detection_limit: float | None
    limit_basis: str  # "point" | "standard" | ""
    limit_value: float | None
    limit_standard: str
    exceeded: bool
    exceedance_ratio: float | None


class RequestOut(Schema):
    id: int
    number: str
    status: str
    medium: str
    entity_id: int
    entity_name: str
    region_code: str
    station: str
    case_id: int | None
    lead_id: int | None
    task_id: int | None
    location: str
    due_on: dt.date
    overdue: bool
    factors: list[FactorOut]
    samples: list[SampleOut]
    results: list[ResultOut]
    report_number: str
    report_sha256: str
    raised_lead: str
    allowed_actions: list[str]

    @staticmethod
    def from_model(req: SamplingRequest, user, *, full: bool = True) -> RequestOut:
        samples, results = [], []
        if full:
            for s in req.samples.prefetch_related("steps"):
                samples.append(SampleOut(id=s.pk, sample_no=s.sample_no, container=s.container,
                                         preservation=s.preservation, samplers=s.samplers, seal_no=s.seal_no,
                                         step=s.step, custody=[StepOut(step=x.step, at=x.at, from_party=x.from_party,
                                                                       to_party=x.to_party, seal_no=x.seal_no,
                                                                       seal_intact=x.seal_intact) for x in s.steps.all()]))
            for r in Result.objects.filter(sample__request=req).select_related("sample", "factor", "limit__standard"):
                results.append(ResultOut(
                    sample_no=r.sample.sample_no, factor=r.factor.code, factor_name=r.factor.name, value=r.value,
                    below_dl=r.below_dl, shown="< DL" if r.below_dl else (f"{r.value:g}" if r.value is not None else ""),
                    unit=r.unit, method=r.method, detection_limit=r.detection_limit, limit_basis=r.limit_basis,
                    limit_value=r.limit_value, limit_standard=(f"{r.limit.standard.code} {r.limit.category}"
                                                               if r.limit_id else ""),
                    exceeded=r.exceeded, exceedance_ratio=r.exceedance_ratio))
        return RequestOut(
            id=req.pk, number=req.number, status=req.status, medium=req.medium, entity_id=req.entity_id,
            entity_name=req.entity.name, region_code=req.region.code, station=req.station.name, case_id=req.case_id,
            lead_id=req.lead_id, task_id=req.task_id, location=req.location, due_on=req.due_on,
            overdue=request_is_overdue(req), factors=[FactorOut(code=f.code, name=f.name, unit=f.unit, method=f.method)
                                                      for f in req.factors.all()],
            samples=samples, results=results, report_number=req.report_number, report_sha256=req.report_sha256,
            raised_lead=req.raised_lead.number if req.raised_lead_id else "",
            allowed_actions=[t.action for t in request_actions_for_user(user=user, req=req)])


class RequestQuery(ListQuery):
    q: str = ""
    status: str = ""
    region: str = ""
    overdue: str = ""


class RequestPage(Schema):
    count: int
    items: list[RequestOut]


class RequestIn(Schema):
    medium: str
    factors: list[str]
    case_id: int | None = None
    lead_id: int | None = None
    task_id: int | None = None
    station_id: int | None = None
    point_id: int | None = None
    outlet_id: int | None = None
    location: str = ""
    purpose: str = ""
    standard_id: int | None = None
    category: str = ""
    methods: dict[str, str] = {}


class SampleIn(Schema):
    sample_no: str
    container: str
    samplers: str
    preservation: str = ""
    location: str = ""
    sampled_at: dt.datetime | None = None
    note: str = ""


class CustodyIn(Schema):
    step: str  # sealed | handed_over | received (sampled is recorded with the sample)
    from_party: str
    to_party: str = ""
    seal_no: str = ""
    seal_intact: bool = True
    at: dt.datetime | None = None
    note: str = ""


class ResultForm(Schema):
    report_number: str
    conclusion: str = ""
    # JSON list: [{"sample_id", "factor" (code) or "factor_id", "value", "not_detected", "unit", "method",
    # "detection_limit"}]
    rows: str


class NoteIn(Schema):
    reason: str = ""


class LeadOut(Schema):
    id: int
    number: str


@router.get("/", response=RequestPage, summary="List sampling requests")
def list_requests(request, query: Query[RequestQuery]):
    require_role(request.user, STAFF_ROLES)
    qs = requests_for_user(user=request.user, filters=SamplingFilters(**query.filters())).prefetch_related("factors")
    count, page = list_page(qs, query)
    return {"count": count, "items": [RequestOut.from_model(r, request.user, full=False) for r in page]}


@router.get("/{request_id}", response=RequestOut, summary="Read one sampling request with custody and results")
def get_request(request, request_id: int):
    require_role(request.user, STAFF_ROLES)
    return RequestOut.from_model(request_get_for_user(user=request.user, request_id=request_id), request.user)


@router.post("/", response={201: RequestOut}, summary="Request sampling from a case, a lead or a drawn task")
def create_request(request, payload: RequestIn):
    req = services.request_create(actor=request.user, medium=payload.medium, factors=payload.factors,
                                  case_id=payload.case_id, lead_id=payload.lead_id, task_id=payload.task_id,
                                  station_id=payload.station_id, point_id=payload.point_id,
                                  outlet_id=payload.outlet_id, location=payload.location, purpose=payload.purpose,
                                  standard_id=payload.standard_id, category=payload.category, methods=payload.methods)
    req = request_get_for_user(user=request.user, request_id=req.pk)
    return Status(201, RequestOut.from_model(req, request.user))


@router.post("/{request_id}/samples", response={201: RequestOut}, summary="Record a sample taken")
def record_sample(request, request_id: int, payload: SampleIn):
    services.sample_record(actor=request.user, request_id=request_id, sample_no=payload.sample_no,
                           container=payload.container, samplers=payload.samplers, preservation=payload.preservation,
                           location=payload.location, sampled_at=payload.sampled_at, note=payload.note)
    req = request_get_for_user(user=request.user, request_id=request_id)
    return Status(201, RequestOut.from_model(req, request.user))


@router.post("/samples/{sample_id}/custody", response={201: RequestOut}, summary="Record the next custody step")
def custody_step(request, sample_id: int, payload: CustodyIn):
    row = services.custody_step_record(actor=request.user, sample_id=sample_id, step=payload.step,
                                       from_party=payload.from_party, to_party=payload.to_party,
                                       seal_no=payload.seal_no, seal_intact=payload.seal_intact, at=payload.at,
                                       note=payload.note)
    req = request_get_for_user(user=request.user, request_id=row.sample.request_id)
    return Status(201, RequestOut.from_model(req, request.user))


@router.post("/{request_id}/result", response=RequestOut, summary="Record the lab's result with its report file")
def record_result(request, request_id: int, form: Form[ResultForm], report: File[UploadedFile] = None):
    try:
        rows = json.loads(form.rows)
    except ValueError:
        rows = None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationFailed(_("Give the results as a JSON list of objects, one per sample and factor."),
                               details={"rows": [_("A JSON list of objects.")]})
    data = upload_read(request, report, max_bytes=services.REPORT_MAX_BYTES)
    services.result_record(actor=request.user, request_id=request_id, rows=rows, report_number=form.report_number,
                           conclusion=form.conclusion, report=data, report_name=report.name if report else "")
    return RequestOut.from_model(request_get_for_user(user=request.user, request_id=request_id), request.user)


@router.post("/{request_id}/close", response=RequestOut, summary="Close a reported request")
def close_request(request, request_id: int, payload: NoteIn):
    services.request_close(actor=request.user, request_id=request_id, note=payload.reason)
    return RequestOut.from_model(request_get_for_user(user=request.user, request_id=request_id), request.user)


@router.post("/{request_id}/cancel", response=RequestOut, summary="Cancel a request before the lab has it")
def cancel_request(request, request_id: int, payload: NoteIn):
    services.request_cancel(actor=request.user, request_id=request_id, reason=payload.reason)
    return RequestOut.from_model(request_get_for_user(user=request.user, request_id=request_id), request.user)


@router.post("/{request_id}/lead", response={201: LeadOut}, summary="Raise a lead from an exceedance")
def raise_lead(request, request_id: int):
    lead = services.request_raise_lead(actor=request.user, request_id=request_id)
    return Status(201, {"id": lead.pk, "number": lead.number})
