"""On-site endpoints (/api/v1/onsite/): the officer's work list, the checklist for an entity, on-site and inquiry
records (POST with an idempotency key: a resend answers 200 with the first record; GET), and evidence — a single
upload with its declared SHA-256, or a file already sent in chunks (/api/v1/uploads) attached by its hash.

Signatures travel as base64 PNGs (what signature_pad's `toDataURL()` gives; the `data:image/png;base64,` prefix may
stay). Reads go through the selectors: a record the caller may not read answers 404 like a missing one."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.files import blob_open
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.onsite import selectors, services
from ecoenforce.onsite.labels import group_name, item_text
from ecoenforce.onsite.models import Evidence, InquiryRecord, OnSiteRecord
from ecoenforce.registry.models import RegulatedEntity

router = Router(tags=["onsite"])
MAX_UPLOAD = 10 * 1024 * 1024  # a single-shot upload; larger files go in chunks through /api/v1/uploads


def _png(raw: str | None, field: str) -> bytes | None:
    if not raw:
        return None
    text = raw.split(",", 1)[1] if raw.startswith("data:") else raw
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("A signature is not a base64 PNG."), details={field: [_("Draw it again.")]}) from None


class WorkItemOut(Schema):
    subject: str
    subject_label: str
    subject_id: int
    entity_id: int
    entity_name: str
    entity_address: str
    industry_code: str
    title: str
    due_on: dt.date | None


class ChecklistItemOut(Schema):
    code: str
    text: str
    basis: str


class ChecklistOut(Schema):
    group: str
    name: str
    version: int
    items: list[ChecklistItemOut]


class OfficerIn(Schema):
    user_id: int
    signature_png: str = Field(..., description="base64 PNG drawn on the screen")


class FindingIn(Schema):
    result: str = Field(..., description="compliant | problem | not_applicable")
    note: str = ""


class RecordIn(Schema):
    idempotency_key: str = Field(..., min_length=8, max_length=64)
    subject: str = Field(..., description="task | case | lead")
    subject_id: int
    started_at: dt.datetime
    ended_at: dt.datetime
    device_now: dt.datetime | None = Field(None, description="the phone's clock when it sent this")
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    location: str = Field("", max_length=200)
    officers: list[OfficerIn]
    party_name: str = Field("", max_length=64)
    party_post: str = Field("", max_length=64)
    party_id_last4: str = Field("", max_length=6)
    party_signature_png: str | None = None
    party_refused: bool = False
    witness_name: str = Field("", max_length=64)
    witness_signature_png: str | None = None
    findings: dict[str, FindingIn]
    summary: str = ""
    party_statement: str = ""
    open_case: bool = False


class SignatureOut(Schema):
    role: str
    name: str
    certificate_no: str
    sha256: str


class RecordOut(Schema):
    id: int
    number: str
    subject: str
    subject_id: int
    entity_id: int
    entity_name: str
    started_at: dt.datetime
    ended_at: dt.datetime
    received_at: dt.datetime
    clock_flagged: bool
    clock_offset_seconds: int | None
    latitude: float | None
    longitude: float | None
    party_refused: bool
    problems_found: bool
    checklist_group: str
    checklist_version: int
    findings: list[dict]
    signatures: list[SignatureOut]
    raised_lead_id: int | None
    opened_case_id: int | None

    @staticmethod
    def from_model(r: OnSiteRecord) -> RecordOut:
        return RecordOut(
            id=r.pk, number=r.number, subject=r.subject, subject_id=r.task_id or r.case_id or r.lead_id,
            entity_id=r.entity_id, entity_name=r.entity.name, started_at=r.started_at, ended_at=r.ended_at,
            received_at=r.received_at, clock_flagged=r.clock_flagged, clock_offset_seconds=r.clock_offset_seconds,
            latitude=float(r.latitude) if r.latitude is not None else None,
            longitude=float(r.longitude) if r.longitude is not None else None, party_refused=r.party_refused,
            problems_found=r.problems_found, checklist_group=r.checklist_group, checklist_version=r.checklist_version,
            findings=r.findings, signatures=[SignatureOut(role=s.role, name=s.name, certificate_no=s.certificate_no,
                                                          sha256=s.sha256) for s in r.signatures.all()],
            raised_lead_id=r.raised_lead_id, opened_case_id=r.opened_case_id)


class QaIn(Schema):
    q: str
    a: str


class InquiryIn(Schema):
    idempotency_key: str = Field(..., min_length=8, max_length=64)
    subject: str
    subject_id: int
    started_at: dt.datetime
    ended_at: dt.datetime
    device_now: dt.datetime | None = None
    location: str = Field("", max_length=200)
    officers: list[OfficerIn]
    interviewee_name: str = Field("", max_length=64)
    interviewee_post: str = Field("", max_length=64)
    interviewee_id_last4: str = Field("", max_length=6)
    interviewee_signature_png: str | None = None
    interviewee_refused: bool = False
    witness_name: str = Field("", max_length=64)
    witness_signature_png: str | None = None
    qa: list[QaIn]


class InquiryOut(Schema):
    id: int
    number: str
    subject: str
    entity_id: int
    interviewee_name: str
    clock_flagged: bool
    qa: list[dict]
    signatures: list[SignatureOut]

    @staticmethod
    def from_model(r: InquiryRecord) -> InquiryOut:
        return InquiryOut(id=r.pk, number=r.number, subject=r.subject, entity_id=r.entity_id,
                          interviewee_name=r.interviewee_name, clock_flagged=r.clock_flagged, qa=r.qa,
                          signatures=[SignatureOut(role=s.role, name=s.name, certificate_no=s.certificate_no,
                                                   sha256=s.sha256) for s in r.signatures.all()])


class EvidenceOut(Schema):
    id: int
    number: int
    kind: str
    sha256: str
    size: int
    content_type: str
    original_name: str
    captured_at: dt.datetime | None
    time_source: str
    latitude: float | None
    longitude: float | None
    position_source: str
    thumbnail_sha256: str
    record_id: int | None
    case_id: int | None

    @staticmethod
    def from_model(e: Evidence) -> EvidenceOut:
        return EvidenceOut(id=e.pk, number=e.number, kind=e.kind, sha256=e.sha256, size=e.size,
                           content_type=e.content_type, original_name=e.original_name, captured_at=e.captured_at,
                           time_source=e.time_source, latitude=float(e.latitude) if e.latitude is not None else None,
                           longitude=float(e.longitude) if e.longitude is not None else None,
                           position_source=e.position_source, thumbnail_sha256=e.thumbnail_sha256,
                           record_id=e.onsite_record_id, case_id=e.case_id)


class EvidenceByHashIn(Schema):
    sha256: str = Field(..., min_length=64, max_length=64, description="a blob completed through /api/v1/uploads")
    kind: str
    captured_at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    original_name: str = Field("", max_length=200)


@router.get("/worklist", response=list[WorkItemOut], summary="My on-site work: drawn tasks, case checks, leads")
def worklist(request):
    require_role(request.user, STAFF_ROLES)
    return [WorkItemOut(subject=i.subject, subject_label=i.subject_label, subject_id=i.subject_id,
                        entity_id=i.entity.pk, entity_name=i.entity.name, entity_address=i.entity.address,
                        industry_code=i.entity.industry.code if i.entity.industry_id else "", title=i.title,
                        due_on=i.due_on) for i in selectors.worklist_for_user(user=request.user)]


@router.get("/checklists", response=list[ChecklistOut], summary="The checklists in force (all groups)")
def checklists(request):
    require_role(request.user, STAFF_ROLES)
    lists, version = services.checklists_current()
    return [ChecklistOut(group=g.key, name=group_name(g), version=version,
                         items=[ChecklistItemOut(code=i.code, text=item_text(i), basis=i.basis) for i in g.items])
            for g in lists.groups.values()]


@router.get("/checklists/entity/{entity_id}", response=ChecklistOut,
            summary="The checklist for one entity (its industry's items, then the general ones)")
def checklist_for_entity(request, entity_id: int):
    require_role(request.user, STAFF_ROLES)
    from ecoenforce.registry.selectors import entity_get_for_user

    entity: RegulatedEntity = entity_get_for_user(user=request.user, entity_id=entity_id)
    group, items, version = selectors.checklist_for_entity(entity)
    return ChecklistOut(group=group.key, name=group_name(group), version=version,
                        items=[ChecklistItemOut(code=i.code, text=item_text(i), basis=i.basis) for i in items])


@router.post("/records", response={201: RecordOut, 200: RecordOut},
             summary="File an on-site record (a resend with the same idempotency key answers 200 with the first)")
def create_record(request, payload: RecordIn):
    require_role(request.user, STAFF_ROLES)
    record, created = services.onsite_record_submit(
        actor=request.user, idempotency_key=payload.idempotency_key, subject=payload.subject,
        subject_id=payload.subject_id, started_at=payload.started_at, ended_at=payload.ended_at,
        device_now=payload.device_now, latitude=payload.latitude, longitude=payload.longitude,
        accuracy_m=payload.accuracy_m, location=payload.location,
        officers=[services.OfficerSign(o.user_id, _png(o.signature_png, "officers") or b"") for o in payload.officers],
        party_name=payload.party_name, party_post=payload.party_post, party_id_last4=payload.party_id_last4,
        party_signature=_png(payload.party_signature_png, "party_signature"), party_refused=payload.party_refused,
        witness_name=payload.witness_name, witness_signature=_png(payload.witness_signature_png, "witness_signature"),
        findings={k: v.dict() for k, v in payload.findings.items()}, summary=payload.summary,
        party_statement=payload.party_statement, open_case=payload.open_case)
    return Status(201 if created else 200, RecordOut.from_model(record))


@router.get("/records/{record_id}", response=RecordOut, summary="Read one on-site record")
def get_record(request, record_id: int):
    require_role(request.user, STAFF_ROLES)
    return RecordOut.from_model(selectors.record_get_for_user(user=request.user, record_id=record_id))


@router.post("/records/{record_id}/evidence", response={201: EvidenceOut},
             summary="Attach a file (at most 10 MB; larger ones in chunks) with its declared SHA-256")
def add_evidence(request, record_id: int, kind: Form[str], declared_sha256: Form[str],
                 captured_at: Form[str] = "", latitude: Form[str] = "", longitude: Form[str] = "",
                 file: File[UploadedFile] = None):
    require_role(request.user, STAFF_ROLES)
    record = selectors.record_get_for_user(user=request.user, record_id=record_id)
    data = upload_read(request, file, max_bytes=MAX_UPLOAD)
    if data is None:
        raise ValidationFailed(_("Attach the file."), details={"file": [_("Required.")]})
    ev = services.evidence_add(user=request.user, data=data, declared_sha256=declared_sha256, kind=kind,
                               captured_at=captured_at or None, lat=latitude or None, lon=longitude or None,
                               record=record, original_name=file.name if file is not None else "")
    return Status(201, EvidenceOut.from_model(ev))


@router.post("/records/{record_id}/evidence/by-hash", response={201: EvidenceOut},
             summary="Attach a file already uploaded in chunks (/api/v1/uploads), by its SHA-256")
def add_evidence_by_hash(request, record_id: int, payload: EvidenceByHashIn):
    require_role(request.user, STAFF_ROLES)
    record = selectors.record_get_for_user(user=request.user, record_id=record_id)
    with blob_open(payload.sha256) as fh:
        ev = services.evidence_add(user=request.user, data=fh, declared_sha256=payload.sha256, kind=payload.kind,
                                   captured_at=payload.captured_at, lat=payload.latitude, lon=payload.longitude,
                                   record=record, original_name=payload.original_name)
    return Status(201, EvidenceOut.from_model(ev))


@router.get("/records/{record_id}/evidence", response=list[EvidenceOut], summary="The evidence on a record")
def list_evidence(request, record_id: int):
    require_role(request.user, STAFF_ROLES)
    record = selectors.record_get_for_user(user=request.user, record_id=record_id)
    return [EvidenceOut.from_model(e) for e in selectors.evidence_for_record(record)]


@router.post("/inquiries", response={201: InquiryOut, 200: InquiryOut},
             summary="File an inquiry record (调查询问笔录; idempotent on its key)")
def create_inquiry(request, payload: InquiryIn):
    require_role(request.user, STAFF_ROLES)
    record, created = services.inquiry_record_submit(
        actor=request.user, idempotency_key=payload.idempotency_key, subject=payload.subject,
        subject_id=payload.subject_id, started_at=payload.started_at, ended_at=payload.ended_at,
        device_now=payload.device_now, location=payload.location,
        officers=[services.OfficerSign(o.user_id, _png(o.signature_png, "officers") or b"") for o in payload.officers],
        interviewee_name=payload.interviewee_name, interviewee_post=payload.interviewee_post,
        interviewee_id_last4=payload.interviewee_id_last4,
        interviewee_signature=_png(payload.interviewee_signature_png, "interviewee_signature"),
        interviewee_refused=payload.interviewee_refused, witness_name=payload.witness_name,
        witness_signature=_png(payload.witness_signature_png, "witness_signature"),
        qa=[p.dict() for p in payload.qa])
    return Status(201 if created else 200, InquiryOut.from_model(record))


@router.get("/inquiries/{record_id}", response=InquiryOut, summary="Read one inquiry record")
def get_inquiry(request, record_id: int):
    require_role(request.user, STAFF_ROLES)
    return InquiryOut.from_model(selectors.inquiry_get_for_user(user=request.user, record_id=record_id))
