"""The firm's side over the API (/api/v1/enterprise/): its rectification tasks (list, submit evidence), compliance
calendar, disclosure reports (list, save a draft, publish), self-inspections and help visits. An enterprise user
reaches its own facilities only; anything else is "not found"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from ecoenforce.compliance import selectors, services
from ecoenforce.compliance.files import MAX_FILE_BYTES, MAX_FILES
from ecoenforce.compliance.obligations import obligations_for_firm
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.tables.uploads import upload_read

router = Router(tags=["enterprise"])


class RectificationOut(Schema):
    id: int
    entity_id: int
    entity: str
    source: str
    source_ref: str
    title: str
    requirements: str
    deadline: dt.date
    status: str
    status_label: str
    overdue: bool

    @staticmethod
    def of(r) -> RectificationOut:
        return RectificationOut(
            id=r.pk, entity_id=r.entity_id, entity=r.entity.name, source=r.source, source_ref=r.source_ref,
            title=r.title, requirements=r.requirements, deadline=r.deadline, status=r.status,
            status_label=str(r.get_status_display()),
            overdue=r.status in selectors.AWAITING_FIRM and r.deadline < timezone.localdate())


class RectificationQuery(ListQuery):
    status: str = ""


class RectificationPage(Schema):
    count: int
    items: list[RectificationOut]


@router.get("/rectifications", response=RectificationPage, summary="My facilities' rectification tasks")
def list_rectifications(request, query: Query[RectificationQuery]):
    count, page = list_page(selectors.rectifications_for_firm(user=request.user, status=query.status), query)
    return {"count": count, "items": [RectificationOut.of(r) for r in page]}


@router.post("/rectifications/{rectification_id}/submit", response=RectificationOut,
             summary="Submit the evidence (text and files) of a task; on an own self-inspection task, close it")
def submit_rectification(request, rectification_id: int, text: Form[str] = "",
                         files: File[list[UploadedFile]] = None):
    selectors.require_firm(request.user)
    uploads = list(files or [])[:MAX_FILES + 1]
    if getattr(request, "upload_too_large", False):
        raise ValidationFailed(details={"attachments": ["too large"]})
    data = [(u.name, upload_read(request, u, max_bytes=MAX_FILE_BYTES)) for u in uploads]
    task = services.rectification_submit(actor=request.user, rectification_id=rectification_id, text=text,
                                         files=data)
    return RectificationOut.of(task)


class ObligationOut(Schema):
    due: dt.date
    kind: str
    kind_label: str
    title: str
    entity: str
    url: str
    overdue: bool


class ObligationPage(Schema):
    count: int
    items: list[ObligationOut]


@router.get("/calendar", response=ObligationPage, summary="My facilities' dated obligations, soonest first")
def calendar(request, query: Query[ListQuery]):
    today = timezone.localdate()
    found = obligations_for_firm(user=request.user, today=today)
    start = max(query.offset, 0)
    items = found[start:start + max(1, min(query.limit, 500))]
    return {"count": len(found), "items": [ObligationOut(due=o.due, kind=o.kind, kind_label=o.kind_label(),
                                                         title=o.title, entity=o.entity, url=o.url,
                                                         overdue=o.due < today) for o in items]}


class DisclosureOut(Schema):
    id: int
    entity_id: int
    entity: str
    year: int
    carbon_market: bool
    status: str
    sections: dict[str, str]
    published_at: dt.datetime | None

    @staticmethod
    def of(r) -> DisclosureOut:
        return DisclosureOut(id=r.pk, entity_id=r.entity_id, entity=r.entity.name, year=r.year,
                             carbon_market=r.carbon_market, status=r.status, sections=r.sections,
                             published_at=r.published_at)


class DisclosurePage(Schema):
    count: int
    items: list[DisclosureOut]


class DisclosureIn(Schema):
    sections: dict[str, str]
    carbon_market: bool = False


@router.get("/disclosures", response=DisclosurePage, summary="My annual disclosure reports")
def list_disclosures(request, query: Query[ListQuery]):
    count, page = list_page(selectors.disclosure_reports_for_firm(user=request.user), query)
    return {"count": count, "items": [DisclosureOut.of(r) for r in page]}


@router.put("/facilities/{entity_id}/disclosures/{year}", response=DisclosureOut, summary="Save a report as a draft")
def save_disclosure(request, entity_id: int, year: int, body: DisclosureIn):
    return DisclosureOut.of(services.disclosure_save(actor=request.user, entity_id=entity_id, year=year,
                                                     sections=body.sections, carbon_market=body.carbon_market))


@router.post("/disclosures/{report_id}/publish", response=DisclosureOut,
             summary="Publish a draft (refused, naming them, when required sections are missing)")
def publish_disclosure(request, report_id: int):
    return DisclosureOut.of(services.disclosure_publish(actor=request.user, report_id=report_id))


class HelpVisitOut(Schema):
    id: int
    entity: str
    date: dt.date
    topic: str
    officers: list[str]
    notes: str
    follow_ups: str


class HelpVisitPage(Schema):
    count: int
    items: list[HelpVisitOut]


@router.get("/help-visits", response=HelpVisitPage, summary="The bureau's help visits to my facilities")
def list_help_visits(request, query: Query[ListQuery]):
    count, page = list_page(selectors.help_visits_for_firm(user=request.user), query)
    return {"count": count, "items": [HelpVisitOut(
        id=v.pk, entity=v.entity.name, date=v.date, topic=v.topic, notes=v.notes, follow_ups=v.follow_ups,
        officers=[o.full_name or o.username for o in v.officers.all()]) for v in page]}


class SelfInspectionOut(Schema):
    id: int
    entity: str
    template: str
    period_start: dt.date
    period_end: dt.date
    problems: int
    answers: dict


class SelfInspectionPage(Schema):
    count: int
    items: list[SelfInspectionOut]


@router.get("/self-inspections", response=SelfInspectionPage, summary="My self-inspections, newest first")
def list_self_inspections(request, query: Query[ListQuery]):
    count, page = list_page(selectors.self_inspections_for_firm(user=request.user), query)
    return {"count": count, "items": [SelfInspectionOut(
        id=s.pk, entity=s.entity.name, template=s.template, period_start=s.period_start, period_end=s.period_end,
        problems=s.problems, answers=s.answers) for s in page]}
