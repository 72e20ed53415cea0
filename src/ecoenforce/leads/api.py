"""Lead endpoints: list, read, create, close and convert leads."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Region, User
from ecoenforce.leads import services
from ecoenforce.leads.selectors import LeadFilters, lead_get_for_user, lead_list_for_user
from ecoenforce.registry.selectors import entity_get_for_user

router = Router(tags=["leads"])


class LeadOut(Schema):
    id: int
    number: str
    source: str
    status: str
    title: str
    description: str
    entity_id: int | None
    entity_name: str | None
    region_code: str
    received_at: dt.datetime
    close_reason: str
    case_id: int | None
    assigned_to_id: int | None
    assigned_to_name: str | None
    assignment_due: dt.date | None

    @staticmethod
    def from_model(lead) -> LeadOut:
        return LeadOut(
            id=lead.pk, number=lead.number, source=lead.source, status=lead.status, title=lead.title,
            description=lead.description, entity_id=lead.entity_id, entity_name=lead.entity.name if lead.entity else None,
            region_code=lead.region.code, received_at=lead.received_at, close_reason=lead.close_reason,
            case_id=lead.case_id, assigned_to_id=lead.assigned_to_id,
            assigned_to_name=lead.assigned_to.display_name if lead.assigned_to else None,
            assignment_due=lead.assignment_due,
        )


class LeadQuery(ListQuery):
    q: str = ""
    status: str = ""
    source: str = ""
    region: str = ""
    assignee: str = ""


class LeadPage(Schema):
    count: int
    items: list[LeadOut]


class LeadIn(Schema):
    title: str
    source: str = "manual"
    description: str = ""
    entity_id: int | None = None
    region_code: str | None = None
    location: str = ""
    external_ref: str | None = Field(None, max_length=48)
    # The tipster, stored under seal: accepted here, never returned by any endpoint.
    reporter_name: str = Field("", max_length=64)
    reporter_phone: str = Field("", max_length=32)


class LeadCloseIn(Schema):
    reason: str
    note: str


class LeadConvertIn(Schema):
    title: str = ""
    facts: str = ""
    handler_ids: list[int]
    entity_id: int | None = None


class LeadAssignIn(Schema):
    assignee_id: int
    due_on: dt.date | None = None
    note: str = ""


class CaseRef(Schema):
    case_id: int
    number: str


@router.get("/", response=LeadPage, summary="List leads in the inbox")
def list_leads(request, query: Query[LeadQuery]):
    require_role(request.user, STAFF_ROLES)
    count, page = list_page(lead_list_for_user(user=request.user, filters=LeadFilters(**query.filters())), query)
    return {"count": count, "items": [LeadOut.from_model(x) for x in page]}


@router.get("/{lead_id}", response=LeadOut, summary="Read one lead")
def get_lead(request, lead_id: int):
    require_role(request.user, STAFF_ROLES)
    return LeadOut.from_model(lead_get_for_user(user=request.user, lead_id=lead_id))


@router.post("/", response={201: LeadOut, 200: LeadOut}, summary="Create a lead (idempotent on external_ref)")
def create_lead(request, payload: LeadIn):
    require_role(request.user, STAFF_ROLES)
    entity = entity_get_for_user(user=request.user, entity_id=payload.entity_id) if payload.entity_id else None
    region = None
    if payload.region_code and entity is None:
        region = Region.objects.filter(code=payload.region_code).first()
        prefix = request.user.jurisdiction_prefix
        if region is None or prefix is None or not region.code.startswith(prefix):
            raise ValidationFailed(details={"region_code": ["Unknown region, or outside your jurisdiction."]})
    # A caller's references are its own: namespaced by organisation, a reference can neither return nor reveal
    # another unit's lead (the check for a repeat is scoped to the caller).
    owner = f"o{request.user.organization_id}" if request.user.organization_id else f"u{request.user.pk}"
    lead, created = services.lead_create(
        source=payload.source, title=payload.title, entity=entity, region=region, description=payload.description,
        location=payload.location, created_by=request.user,
        external_ref=f"api:{owner}:{payload.external_ref}" if payload.external_ref else None,
        reporter_name=payload.reporter_name, reporter_phone=payload.reporter_phone,
    )
    lead = lead_get_for_user(user=request.user, lead_id=lead.pk)
    return (201 if created else 200), LeadOut.from_model(lead)


@router.post("/{lead_id}/close", response=LeadOut, summary="Close a lead with a reason")
def close_lead(request, lead_id: int, payload: LeadCloseIn):
    lead = lead_get_for_user(user=request.user, lead_id=lead_id)
    services.lead_close(lead_id=lead.pk, actor=request.user, reason=payload.reason, note=payload.note)
    return LeadOut.from_model(lead_get_for_user(user=request.user, lead_id=lead_id))


@router.post("/{lead_id}/convert", response={201: CaseRef}, summary="Open a case from a lead")
def convert_lead(request, lead_id: int, payload: LeadConvertIn):
    lead = lead_get_for_user(user=request.user, lead_id=lead_id)
    # The person converting the lead handles the case, with the co-handlers named (as on the page).
    handlers = [request.user, *User.objects.filter(pk__in=payload.handler_ids, organization=request.user.organization)
                .exclude(pk=request.user.pk)]
    entity = entity_get_for_user(user=request.user, entity_id=payload.entity_id) if payload.entity_id else None
    case = services.lead_convert(lead_id=lead.pk, actor=request.user, title=payload.title, facts=payload.facts,
                                 handlers=handlers, entity=entity)
    return 201, {"case_id": case.pk, "number": case.number}


@router.post("/{lead_id}/assign", response=LeadOut, summary="Give a new lead to an officer to verify (unit leaders)")
def assign_lead(request, lead_id: int, payload: LeadAssignIn):
    services.lead_assign(lead_id=lead_id, actor=request.user, assignee_id=payload.assignee_id, due_on=payload.due_on,
                         note=payload.note)
    return LeadOut.from_model(lead_get_for_user(user=request.user, lead_id=lead_id))
