"""Lead reads through the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from ecoenforce.core.access import get_in_scope, scope_by_region
from ecoenforce.core.models import User
from ecoenforce.leads.models import Lead


@dataclass(frozen=True)
class LeadFilters:
    """One filter definition for the inbox, its export and the API."""

    q: str = ""
    status: str = ""
    source: str = ""
    region: str = ""

    @classmethod
    def from_query(cls, params) -> LeadFilters:
        """Read the filters from request.GET (or any mapping)."""
        return cls(**{f: (params.get(f) or "").strip() for f in cls.__dataclass_fields__})


def lead_list_for_user(*, user: User, filters: LeadFilters = LeadFilters()) -> QuerySet[Lead]:
    """Leads the user may see, filtered, newest first."""
    qs = scope_by_region(Lead.objects.select_related("entity", "region", "case"), user=user)
    if filters.q:
        qs = qs.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q) | Q(entity__name__icontains=filters.q))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    return qs.order_by("-received_at", "-id")


def lead_get_for_user(*, user: User, lead_id: object) -> Lead:
    """One lead, or NotFound if it is outside the user's reach."""
    return get_in_scope(Lead.objects.select_related("entity", "region", "case", "created_by"), user=user, pk=lead_id)


def lead_stats_for_user(*, user: User) -> dict:
    """Leads by status and source, for the dashboard."""
    qs = scope_by_region(Lead.objects.all(), user=user)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_source = dict(qs.filter(status=Lead.Status.NEW).values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    return {"open": by_status.get(Lead.Status.NEW, 0), "by_status": by_status, "open_by_source": by_source}
