"""Core reads: the whole-process record and its verification jobs, through the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.models import AuditEvent, AuditVerification, User
from ecoenforce.core.services import AUDIT_ROLES


@dataclass(frozen=True)
class AuditFilters:
    """The record page's filters (object kind, object id, action)."""

    object_type: str = ""
    object_id: str = ""
    action: str = ""

    @classmethod
    def from_query(cls, params) -> AuditFilters:
        """Read the filters from request.GET (or any mapping)."""
        return cls(**{f: (params.get(f) or "").strip()[:64] for f in cls.__dataclass_fields__})


def audit_events_for_user(*, user: User, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEvent]:
    """Events filed under the user's jurisdiction (a county's people see their county's), newest first."""
    require_role(user, AUDIT_ROLES)
    qs = scope_by_region(AuditEvent.objects.select_related("actor"), user=user, field="region_code")
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    return qs.order_by("-seq")


def audit_filter_choices(*, user: User) -> dict[str, list[tuple[str, str]]]:
    """The object kinds and actions present in the user's jurisdiction, by name (nobody types `cases.case`)."""
    from ecoenforce.core.audit_labels import action_label, object_kind_name

    qs = scope_by_region(AuditEvent.objects.all(), user=user, field="region_code").order_by()
    kinds = [(t, object_kind_name(t)) for t in qs.values_list("object_type", flat=True).distinct()]
    actions = [(a, action_label(a)) for a in qs.values_list("action", flat=True).distinct()]
    return {"object_types": sorted(kinds, key=lambda c: c[1]), "actions": sorted(actions, key=lambda c: c[1])}


def audit_verification_latest(*, user: User) -> AuditVerification | None:
    """The most recent chain check (the chain is one for the whole bureau, so is its verdict)."""
    require_role(user, AUDIT_ROLES)
    return AuditVerification.objects.select_related("requested_by").first()


def audit_verification_get(*, user: User, job_id: object) -> AuditVerification:
    """One chain check, or NotFound."""
    from ecoenforce.core.errors import NotFound

    require_role(user, AUDIT_ROLES)
    job = AuditVerification.objects.select_related("requested_by").filter(pk=job_id).first() \
        if str(job_id).isdigit() else None
    if job is None:
        raise NotFound()
    return job
