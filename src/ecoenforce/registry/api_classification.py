"""Classification endpoints under /api/v1/registry/: catalogue, risk with reasons, positive list, pool imports."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Role
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.registry.catalogue.selectors import catalogue_current_version, matters_current
from ecoenforce.registry.pools.services import IMPORT_ROLES, pool_file_import
from ecoenforce.registry.positive.labels import criterion_label
from ecoenforce.registry.positive.selectors import positive_entries_for_user
from ecoenforce.registry.positive.services import (
    DECIDE_ROLES,
    entity_for_applicant,
    positive_list_apply,
    positive_list_decide,
    positive_list_eligibility,
)
from ecoenforce.registry.risk_labels import reason_label
from ecoenforce.registry.risk_services import risk_classify, risk_explain
from ecoenforce.registry.selectors import entity_get_for_user

router = Router(tags=["classification"])


class MatterOut(Schema):
    code: str
    name: str
    kind: str
    law: str
    article: str
    basis_text: str
    level: str
    penalty_kinds: list[str]
    fine_min: Decimal | None
    fine_max: Decimal | None
    fine_rule: str
    text_verified: bool
    version_year: int

    @staticmethod
    def from_model(m) -> MatterOut:
        return MatterOut(code=m.code, name=m.name, kind=m.kind, law=m.law, article=m.article, basis_text=m.basis_text,
                         level=m.level, penalty_kinds=m.penalty_kind_list, fine_min=m.fine_min, fine_max=m.fine_max,
                         fine_rule=m.fine_rule, text_verified=m.text_verified, version_year=m.version.year)


@router.get("/catalogue", response=list[MatterOut], summary="Matters of the current enforcement-item catalogue")
def catalogue(request, q: str = "", kind: str = ""):
    return [MatterOut.from_model(m) for m in matters_current(q=q, kind=kind).select_related("version")]


@router.get("/catalogue/{code}", response=MatterOut, summary="One current matter (cases cite only these)")
def catalogue_matter(request, code: str):
    version = catalogue_current_version()
    matter = version.matters.filter(code=code).select_related("version").first() if version else None
    if matter is None:
        raise NotFound()
    return MatterOut.from_model(matter)


class ReasonOut(Schema):
    factor: str
    detail: str
    points: int
    text: str


class RiskOut(Schema):
    entity_id: int
    as_of: str
    score: int
    risk_class: str
    reasons: list[ReasonOut]
    saved_class: str
    saved_on: str | None


@router.get("/entities/{entity_id}/risk", response=RiskOut, summary="An entity's score and class with the reasons")
def entity_risk(request, entity_id: int):
    require_role(request.user, STAFF_ROLES)
    entity = entity_get_for_user(user=request.user, entity_id=entity_id)
    today = timezone.localdate()
    result = risk_explain(entity=entity, as_of=today)
    return RiskOut(entity_id=entity.pk, as_of=today.isoformat(), score=result.score, risk_class=result.risk_class,
                   reasons=[ReasonOut(factor=r.factor, detail=r.detail, points=r.points, text=str(reason_label(r)["text"]))
                            for r in result.reasons],
                   saved_class=entity.risk_class,
                   saved_on=entity.risk_scored_on.isoformat() if entity.risk_scored_on else None)


class ClassifyOut(Schema):
    total: int
    key: int
    general: int
    special: int
    changed: int


@router.post("/classify", response=ClassifyOut, summary="Classify every entity of the caller's jurisdiction now")
def classify(request):
    require_role(request.user, [Role.UNIT_LEADER])
    return risk_classify(actor=request.user, as_of=timezone.localdate(), user_scope=request.user)


class CriterionOut(Schema):
    key: str
    met: bool | None
    text: str
    fact: str


class EligibilityOut(Schema):
    entity_id: int
    eligible: bool
    criteria: list[CriterionOut]


@router.get("/entities/{entity_id}/positive-list", response=EligibilityOut,
            summary="Positive-list eligibility, criterion by criterion")
def entity_positive(request, entity_id: int):
    entity = entity_for_applicant(user=request.user, entity_id=entity_id)
    result = positive_list_eligibility(entity=entity)
    return EligibilityOut(entity_id=entity.pk, eligible=result.eligible,
                          criteria=[CriterionOut(**{k: str(v) if k in ("text", "fact") else v
                                                    for k, v in criterion_label(c).items()})
                                    for c in result.criteria])


class EntryOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    status: str
    applied_at: str
    valid_from: str | None
    valid_until: str | None
    removal_reason: str

    @staticmethod
    def from_model(e) -> EntryOut:
        return EntryOut(id=e.pk, entity_id=e.entity_id, entity_name=e.entity.name, status=e.status,
                        applied_at=e.applied_at.isoformat(),
                        valid_from=e.valid_from.isoformat() if e.valid_from else None,
                        valid_until=e.valid_until.isoformat() if e.valid_until else None,
                        removal_reason=e.removal_reason)


@router.get("/positive-list", response=list[EntryOut], summary="Positive-list entries of the jurisdiction")
def positive_list(request, status: str = ""):
    require_role(request.user, STAFF_ROLES)
    return [EntryOut.from_model(e) for e in positive_entries_for_user(user=request.user, status=status)[:500]]


class ApplyIn(Schema):
    entity_id: int
    note: str = ""


@router.post("/positive-list", response={200: EntryOut, 201: EntryOut},
             summary="Apply for the positive list (idempotent while an application is open)")
def positive_apply(request, payload: ApplyIn):
    entry, created = positive_list_apply(actor=request.user, entity_id=payload.entity_id, note=payload.note)
    return Status(201 if created else 200, EntryOut.from_model(entry))


class DecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/positive-list/{entry_id}/decision", response=EntryOut, summary="Approve or reject an application")
def positive_decide(request, entry_id: int, payload: DecisionIn):
    require_role(request.user, DECIDE_ROLES)
    return EntryOut.from_model(positive_list_decide(actor=request.user, entry_id=entry_id, approve=payload.approve,
                                                    note=payload.note))


class ProblemOut(Schema):
    row: int
    column: str
    problem: str
    action: str


class ImportOut(Schema):
    kind: str
    ok: bool
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ProblemOut]
    notices: list[ProblemOut] = []  # columns not imported (not one of the layout's)


class ImportQuery(Schema):
    dry_run: bool = False


@router.post("/pools/{kind}", response={200: ImportOut, 422: ImportOut},
             summary="Import entities or inspectors from .xlsx/.csv (all rows or none)")
def pool_import(request, kind: str, query: Query[ImportQuery], file: File[UploadedFile | None] = None):
    require_role(request.user, IMPORT_ROLES)
    if kind not in ("entities", "inspectors"):
        raise ValidationFailed(_("Choose what to import: entities or inspectors."))
    data = upload_read(request, file)  # over the size cap: a translated 422
    if data is None:
        raise ValidationFailed(_("Choose a .xlsx or .csv file to import."), details={"file": [_("Required.")]})
    report = pool_file_import(kind=kind, actor=request.user, data=data, filename=file.name or "upload.csv",
                              dry_run=query.dry_run)
    body = ImportOut(kind=kind, ok=report.ok, dry_run=query.dry_run, rows=report.rows, created=report.created,
                     updated=report.updated, unchanged=report.unchanged,
                     problems=[ProblemOut(**p.__dict__) for p in report.problems],
                     notices=[ProblemOut(**p.__dict__) for p in report.notices])
    return Status(200 if report.ok else 422, body)
