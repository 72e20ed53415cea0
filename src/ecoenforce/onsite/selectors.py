"""On-site reads: the inspector's work list, the checklist for an entity, records and evidence — a record is read by
its officers and by staff whose jurisdiction covers it (through core.access); anything else is "not found"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import OPEN_STAGES
from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import User
from ecoenforce.leads.models import Lead
from ecoenforce.onsite.checklists import Group, Item
from ecoenforce.onsite.models import Evidence, InquiryRecord, OnSiteRecord, Subject
from ecoenforce.onsite.services import OFFICER_ROLES, checklists_current
from ecoenforce.planning.models import InspectionTask
from ecoenforce.registry.models import RegulatedEntity


@dataclass(frozen=True)
class WorkItem:
    subject: str  # Subject value
    subject_id: int
    entity: RegulatedEntity
    title: str
    due_on: dt.date | None

    @property
    def subject_label(self) -> str:
        return str(Subject(self.subject).label)


def worklist_for_user(*, user: User) -> list[WorkItem]:
    """What the officer has to inspect: drawn tasks not yet recorded, checks on the open cases they handle, leads
    assigned to them to verify — the earliest due first."""
    if not has_role(user, OFFICER_ROLES):
        return []
    items: list[WorkItem] = []
    tasks = (InspectionTask.objects.filter(inspectors=user, status=InspectionTask.Status.ASSIGNED)
             .select_related("entity__region", "entity__industry", "round"))
    for t in tasks:
        items.append(WorkItem(Subject.TASK, t.pk, t.entity, t.round.title, t.due_on))
    cases = (Case.objects.filter(handlers=user, stage__in=[str(s) for s in OPEN_STAGES])
             .select_related("entity__region", "entity__industry"))
    for c in cases:
        items.append(WorkItem(Subject.CASE, c.pk, c.entity, f"{c.number} {c.title}", c.stage_due))
    leads = (Lead.objects.filter(assigned_to=user, status=Lead.Status.NEW, entity__isnull=False)
             .select_related("entity__region", "entity__industry"))
    for lead in leads:
        items.append(WorkItem(Subject.LEAD, lead.pk, lead.entity, f"{lead.number} {lead.title}", lead.assignment_due))
    return sorted(items, key=lambda i: (i.due_on or dt.date.max, i.subject, i.subject_id))


def entity_recent_events(entity: RegulatedEntity, limit: int = 5) -> list:
    """The entity's latest dated facts (inspections, cases, penalties, warnings, tips), shown on the record forms so
    the inspector has them in the plant, offline (the forms are cached with the work list)."""
    return list(entity.events.order_by("-date", "-id")[:limit])


def checklist_for_entity(entity: RegulatedEntity) -> tuple[Group, list[Item], int]:
    """The checklist in force for the entity's industry (its group's items, then the general ones) and the version."""
    checklists, version = checklists_current()
    group, items = checklists.items_for(entity.industry.code if entity.industry_id else None)
    return group, items, version


def _visible(qs: QuerySet, user: User) -> QuerySet:
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    mine = Q(created_by=user) | Q(signatures__officer=user)
    in_scope = scope_by_region(qs, user=user).values("pk")
    return qs.filter(mine | Q(pk__in=in_scope)).distinct()


def records_for_user(*, user: User) -> QuerySet[OnSiteRecord]:
    return _visible(OnSiteRecord.objects.select_related("entity", "region", "created_by"), user).order_by(
        "-received_at", "-id")


def inquiries_for_user(*, user: User) -> QuerySet[InquiryRecord]:
    return _visible(InquiryRecord.objects.select_related("entity", "region", "created_by"), user).order_by(
        "-received_at", "-id")


def record_get_for_user(*, user: User, record_id: object) -> OnSiteRecord:
    record = records_for_user(user=user).filter(pk=record_id).first() if str(record_id).isdigit() else None
    if record is None:
        raise NotFound()
    return record


def inquiry_get_for_user(*, user: User, record_id: object) -> InquiryRecord:
    record = inquiries_for_user(user=user).filter(pk=record_id).first() if str(record_id).isdigit() else None
    if record is None:
        raise NotFound()
    return record


def record_by_key(*, user: User, key: str) -> OnSiteRecord:
    record = records_for_user(user=user).filter(idempotency_key=str(key or "")).first()
    if record is None:
        raise NotFound()
    return record


def evidence_for_record(record) -> QuerySet[Evidence]:
    field = "onsite_record" if isinstance(record, OnSiteRecord) else "inquiry_record"
    return Evidence.objects.filter(**{field: record}).select_related("uploaded_by").order_by("number", "id")


def case_for_evidence(*, user: User, case_id: object) -> Case:
    """The case whose evidence the user may read (staff whose jurisdiction covers it), else NotFound."""
    if not has_role(user, STAFF_ROLES):
        raise NotFound()
    case = (scope_by_region(Case.objects.select_related("entity", "organization"), user=user).filter(pk=case_id)
            .first() if str(case_id).isdigit() else None)
    if case is None:
        raise NotFound()
    return case


def evidence_for_case(*, user: User, case_id: object) -> QuerySet[Evidence]:
    """Everything filed as evidence on a case: attached to it directly, or to its records."""
    case = case_for_evidence(user=user, case_id=case_id)
    return (Evidence.objects.filter(Q(case=case) | Q(onsite_record__case=case) | Q(inquiry_record__case=case))
            .select_related("uploaded_by", "onsite_record", "inquiry_record").order_by("created_at", "id"))


def evidence_get_for_user(*, user: User, evidence_id: object) -> Evidence:
    """One evidence item for someone who may read its record or its case."""
    ev = Evidence.objects.select_related("onsite_record", "inquiry_record", "case").filter(pk=evidence_id).first() \
        if str(evidence_id).isdigit() else None
    if ev is None:
        raise NotFound()
    if ev.onsite_record_id:
        record_get_for_user(user=user, record_id=ev.onsite_record_id)
    elif ev.inquiry_record_id:
        inquiry_get_for_user(user=user, record_id=ev.inquiry_record_id)
    elif not (has_role(user, STAFF_ROLES) and scope_by_region(Evidence.objects.filter(pk=ev.pk), user=user).exists()):
        raise NotFound()
    return ev
