"""Lead reads through the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import ENFORCEMENT_KINDS, get_in_scope, home_region_q, scope_by_region
from ecoenforce.core.filters import ListFilters, filter_field, search_field
from ecoenforce.core.models import Role, User
from ecoenforce.leads.models import Lead


@dataclass(frozen=True)
class LeadFilters(ListFilters):
    """One filter definition for the inbox, its export and the API."""

    q: str = search_field()
    status: str = filter_field(_("Status"), lambda x: x.get_status_display())
    source: str = filter_field(_("Source"), lambda x: x.get_source_display())
    region: str = filter_field(_("County"), lambda x: x.region.name)
    # "me": assigned to the user; "none": nobody assigned yet
    assignee: str = filter_field(_("Assigned to"), lambda x: x.assigned_to.display_name if x.assigned_to else "")


def lead_list_for_user(*, user: User, filters: LeadFilters = LeadFilters()) -> QuerySet[Lead]:
    """Leads the user may see, filtered, newest first."""
    qs = scope_by_region(Lead.objects.select_related("entity", "region", "case", "assigned_to"), user=user)
    if filters.q:
        qs = qs.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q) | Q(entity__name__icontains=filters.q))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.assignee == "me":
        qs = qs.filter(assigned_to=user)
    elif filters.assignee == "none":
        qs = qs.filter(assigned_to__isnull=True)
    return qs.order_by("-received_at", "-id")


def leads_assigned_to(user: User) -> QuerySet[Lead]:
    """New leads a leader gave this user to verify, the earliest deadline first."""
    return (scope_by_region(Lead.objects.filter(assigned_to=user, status=Lead.Status.NEW), user=user)
            .select_related("entity", "region").order_by(F("assignment_due").asc(nulls_last=True), "received_at", "id"))


def leads_to_assign(user: User) -> QuerySet[Lead]:
    """New leads of the leader's own bureau that nobody has been given yet, the longest-waiting first."""
    return (scope_by_region(Lead.objects.filter(status=Lead.Status.NEW, assigned_to__isnull=True), user=user)
            .filter(home_region_q(user)).select_related("entity", "region").order_by("received_at", "id"))


def lead_assignable_officers(*, user: User, lead: Lead) -> QuerySet[User]:
    """Active certified officers the user may give this lead to: of an enforcement bureau inside the user's
    jurisdiction whose own jurisdiction covers the lead's county."""
    codes, region = [], lead.region
    while region is not None:
        codes.append(region.code)
        region = region.parent
    prefix = user.jurisdiction_prefix
    if prefix is None:
        return User.objects.none()
    return (User.objects.filter(is_active=True, role__in=(Role.INSPECTOR, Role.UNIT_LEADER),
                                organization__kind__in=ENFORCEMENT_KINDS, organization__region__code__in=codes,
                                organization__region__code__startswith=prefix)
            .exclude(certificate_no="").select_related("organization").order_by("organization__region__code", "full_name", "pk"))


def lead_get_for_user(*, user: User, lead_id: object) -> Lead:
    """One lead, or NotFound if it is outside the user's reach."""
    return get_in_scope(Lead.objects.select_related("entity", "region", "case", "created_by", "assigned_to", "assigned_by"),
                        user=user, pk=lead_id)


def lead_stats_for_user(*, user: User) -> dict:
    """Leads by status and source, for the dashboard."""
    qs = scope_by_region(Lead.objects.all(), user=user)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_source = dict(qs.filter(status=Lead.Status.NEW).values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    return {"open": by_status.get(Lead.Status.NEW, 0), "by_status": by_status, "open_by_source": by_source}
