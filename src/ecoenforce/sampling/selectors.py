"""Sampling reads, always through the user's jurisdiction (the entity's county): out of reach = not found."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, DateField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import STAFF_ROLES, get_in_scope, has_role, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.filters import ListFilters, filter_field, search_field, yes_no
from ecoenforce.core.models import Organization, User
from ecoenforce.sampling.models import SamplingRequest
from ecoenforce.sampling.workflow import OPEN, Status, Transition, transitions_from

OPEN_VALUES = [s.value for s in OPEN]


def request_is_overdue(req: SamplingRequest, today=None) -> bool:
    """Still waiting for the lab's result after its due date."""
    return req.status in OPEN_VALUES and req.due_on < (today or timezone.localdate())


@dataclass(frozen=True)
class SamplingFilters(ListFilters):
    """One filter definition for the request list, its export and the API."""

    q: str = search_field()
    status: str = filter_field(_("Status"), lambda r: r.status_label)
    region: str = filter_field(_("County"), lambda r: r.region.name)
    overdue: str = filter_field(_("Overdue"), lambda r: yes_no(request_is_overdue(r)))  # "yes" → only overdue


def _base() -> QuerySet[SamplingRequest]:
    return SamplingRequest.objects.select_related("entity", "region", "station", "requested_by", "case", "lead",
                                                  "task", "outlet", "point__device", "standard", "raised_lead")


def requests_for_user(*, user: User, filters: SamplingFilters = SamplingFilters()) -> QuerySet[SamplingRequest]:
    """The requests the user may see (staff, in the jurisdiction), filtered, newest first."""
    if not has_role(user, STAFF_ROLES):
        return SamplingRequest.objects.none()
    qs = scope_by_region(_base(), user=user)
    if filters.q:
        qs = qs.filter(Q(number__icontains=filters.q) | Q(entity__name__icontains=filters.q))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.overdue == "yes":
        qs = qs.filter(status__in=OPEN_VALUES, due_on__lt=timezone.localdate())
    return qs.order_by("-requested_at", "-id")


def request_get_for_user(*, user: User, request_id: object) -> SamplingRequest:
    """One request, or NotFound when it lies outside the user's role or jurisdiction."""
    if not has_role(user, STAFF_ROLES):
        raise NotFound()
    return get_in_scope(_base(), user=user, pk=request_id)


def requests_for_case(*, user: User, case) -> QuerySet[SamplingRequest]:
    """The requests made from one case (the case page's panel), in the user's reach."""
    return requests_for_user(user=user).filter(case=case)


def is_station_member(user: User, req: SamplingRequest) -> bool:
    """The user works at the request's monitoring station (administrators count as everyone)."""
    return bool(user.is_superuser or user.role == "administrator" or
                (user.organization_id is not None and user.organization_id == req.station_id))


def request_actions_for_user(*, user: User, req: SamplingRequest) -> list[Transition]:
    """The moves this user may make on this request now (table order)."""
    return [t for t in transitions_from(req.status) if has_role(user, t.roles)
            and (not t.station_only or is_station_member(user, req))]


def stations_for(entity) -> QuerySet[Organization]:
    """The monitoring stations whose region covers the entity's county (the nearest first)."""
    code = entity.region.code
    prefixes = {code[:2], code[:4], code}
    return (Organization.objects.filter(kind=Organization.Kind.MONITORING_STATION)
            .select_related("region").order_by("-region__code", "name")
            .filter(region__code__in=[p.ljust(6, "0") for p in prefixes]))


def _queue_due() -> Case:
    return Case(When(status__in=OPEN_VALUES, then=F("due_on")), default=Value(None), output_field=DateField())


def station_waiting(user: User) -> QuerySet[SamplingRequest]:
    """The station's open requests (a member's queue), the soonest due first."""
    if user.organization_id is None:
        return SamplingRequest.objects.none()
    return (scope_by_region(_base(), user=user).filter(station_id=user.organization_id, status__in=OPEN_VALUES)
            .annotate(queue_due=_queue_due()).order_by("due_on", "id"))


def requester_waiting(user: User) -> QuerySet[SamplingRequest]:
    """A requester's requests that need them: overdue at the station, or reported and awaiting their reading."""
    today = timezone.localdate()
    return (scope_by_region(_base(), user=user).filter(requested_by=user)
            .filter(Q(status__in=OPEN_VALUES, due_on__lt=today) | Q(status=Status.REPORTED))
            .annotate(queue_due=_queue_due()).order_by("due_on", "id"))
