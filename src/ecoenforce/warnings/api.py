"""Warnings endpoints: the desk (list, read, dismiss, notify, lead), rule runs, electricity batch, video webhook."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema

from ecoenforce.core.access import require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.warnings import runs, selectors, services
from ecoenforce.warnings.inputs.lake_writer import PayloadError, electricity_rows, video_rows
from ecoenforce.warnings.models import ElectronicNotice
from ecoenforce.warnings.tasks import rule_run_task

router = Router(tags=["warnings"])
PAYLOAD = Body[dict]  # free-form JSON: validated by the lake writer, which says what to fix


class WarningOut(Schema):
    id: int
    rule: str
    mn: str
    pollutant: str
    entity_id: int
    entity_name: str
    region_code: str
    start: dt.datetime
    end: dt.datetime
    severity: str
    value: float
    threshold: float
    hits: int
    status: str
    dismiss_reason: str
    lead_id: int | None

    @staticmethod
    def from_model(w) -> WarningOut:
        return WarningOut(id=w.pk, rule=w.rule, mn=w.mn, pollutant=w.pollutant, entity_id=w.entity_id,
                          entity_name=w.entity.name, region_code=w.region.code, start=w.start, end=w.end,
                          severity=w.severity, value=w.value, threshold=w.threshold, hits=w.hits, status=w.status,
                          dismiss_reason=w.dismiss_reason, lead_id=w.lead_id)  # fmt: skip


class WarningQuery(ListQuery):
    q: str = ""
    status: str = ""
    rule: str = ""
    severity: str = ""
    region: str = ""
    mine: str = ""


class WarningPage(Schema):
    count: int
    items: list[WarningOut]


class DismissIn(Schema):
    reason: str
    note: str = ""


class NoticeIn(Schema):
    deadline: dt.date
    message: str


class NoticeOut(Schema):
    id: int
    deadline: dt.date
    status: str


class NoticeFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class NoticeAnswerOut(Schema):
    id: int
    deadline: dt.date
    status: str
    message: str
    sent_at: dt.datetime
    response: str
    answered_at: dt.datetime | None
    files: list[NoticeFileOut]


class LeadIn(Schema):
    note: str = ""


class LeadRef(Schema):
    lead_id: int
    number: str


class RunIn(Schema):
    window_from: dt.datetime
    window_to: dt.datetime
    engine: str = "duckdb"


class RunOut(Schema):
    id: int
    status: str
    progress: int
    events_found: int
    warnings_created: int
    warnings_updated: int
    error: str


class Stored(Schema):
    rows: int
    files: int


@router.get("/", response=WarningPage)
def list_warnings(request, query: Query[WarningQuery]):
    """Warnings in the caller's jurisdiction."""
    require_role(request.user, services.OPERATOR_ROLES)
    qs = selectors.warning_list_for_user(user=request.user, filters=selectors.WarningFilters(**query.filters()))
    count, page = list_page(qs, query)
    return {"count": count, "items": [WarningOut.from_model(w) for w in page]}


@router.get("/{warning_id}", response=WarningOut)
def get_warning(request, warning_id: int):
    """One warning."""
    require_role(request.user, services.OPERATOR_ROLES)
    return WarningOut.from_model(selectors.warning_get_for_user(user=request.user, warning_id=warning_id))


@router.post("/{warning_id}/dismiss", response=WarningOut)
def dismiss(request, warning_id: int, body: DismissIn):
    """Dismiss with a reason."""
    w = services.warning_dismiss(actor=request.user, warning_id=warning_id, reason=body.reason, note=body.note)
    return WarningOut.from_model(selectors.warning_get_for_user(user=request.user, warning_id=w.pk))


@router.post("/{warning_id}/notice", response=NoticeOut)
def notify(request, warning_id: int, body: NoticeIn):
    """Send the enterprise an electronic notice with a deadline."""
    n = services.warning_notify(actor=request.user, warning_id=warning_id, deadline=body.deadline, message=body.message)
    return NoticeOut(id=n.pk, deadline=n.deadline, status=n.status)


@router.get("/{warning_id}/notice", response=NoticeAnswerOut)
def get_notice(request, warning_id: int):
    """The warning's electronic notice and the firm's answer (explanation and files), if any; 404 when none."""
    require_role(request.user, services.OPERATOR_ROLES)
    warning = selectors.warning_get_for_user(user=request.user, warning_id=warning_id)
    n = ElectronicNotice.objects.filter(warning=warning).first()
    if n is None:
        raise NotFound()
    files = [NoticeFileOut(id=a.pk, name=a.name, content_type=a.content_type, size=a.size, sha256=a.sha256,
                           url=reverse("warnings:notice_file", args=[a.pk])) for a in n.attachments.all()]
    return NoticeAnswerOut(id=n.pk, deadline=n.deadline, status=n.status, message=n.message, sent_at=n.sent_at,
                           response=n.response, answered_at=n.answered_at, files=files)


@router.post("/{warning_id}/lead", response=LeadRef)
def raise_lead(request, warning_id: int, body: LeadIn):
    """Raise a lead (idempotent: the same warning gives the same lead)."""
    lead = services.warning_raise_lead(actor=request.user, warning_id=warning_id, note=body.note)
    return LeadRef(lead_id=lead.pk, number=lead.number)


@router.post("/runs", response=RunOut)
def start_run(request, body: RunIn):
    """Run the rules over a window now (the job record shows progress)."""
    require_role(request.user, services.OPERATOR_ROLES)
    run = runs.rule_run_create(actor=request.user, window_from=body.window_from, window_to=body.window_to,
                               engine=body.engine)  # fmt: skip
    rule_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return RunOut(id=run.pk, status=run.status, progress=run.progress, events_found=run.events_found,
                  warnings_created=run.warnings_created, warnings_updated=run.warnings_updated, error=run.error)  # fmt: skip


def _store(request, kind: str, rows_fn, payload: dict) -> dict:
    require_role(request.user, services.INPUT_ROLES)
    try:
        rows = rows_fn(payload)
    except PayloadError as exc:
        raise ValidationFailed(_("The payload was not stored: %(error)s.") % {"error": exc}) from None
    return services.readings_store(actor=request.user, kind=kind, rows=rows)


@router.post("/inputs/electricity", response=Stored)
def electricity_batch(request, payload: PAYLOAD):
    """A batch of electricity readings (production and treatment meters) from registered monitors in the caller's
    jurisdiction (`mn` for the batch, or per reading). All or nothing: an unregistered or out-of-reach MN refuses the
    whole batch (422, each refused reading named in `details`); a stored batch is one audit event."""
    return _store(request, "electricity", electricity_rows, payload)


@router.post("/inputs/video", response=Stored)
def video_event(request, payload: PAYLOAD):
    """A video-analytics event (smoke, unlit treatment equipment …) from a camera registered in the caller's
    jurisdiction; audited."""
    return _store(request, "video", video_rows, payload)
