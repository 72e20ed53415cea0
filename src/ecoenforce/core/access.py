"""The access choke points: every list and object load for a user passes through here.

An object outside the user's jurisdiction is reported as not found, never as forbidden, so that
the existence of another county's records is not revealed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet

from ecoenforce.core.errors import NotFound, PermissionDenied
from ecoenforce.core.models import Organization, Role, User


def scope_by_region(qs: QuerySet, *, user: User, field: str = "region__code") -> QuerySet:
    """Restrict a queryset to the user's jurisdiction by the region code of `field`."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    prefix = user.jurisdiction_prefix
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{field}__startswith": prefix})


def get_in_scope(qs: QuerySet, *, user: User, pk: object, field: str = "region__code") -> Model:
    """Load one object the user may see, or raise NotFound."""
    try:
        return scope_by_region(qs, user=user, field=field).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def home_region_q(user: User, *, field: str = "region__code") -> Q:
    """Work that belongs to the user's own bureau (not merely within its jurisdiction): the bureau's own region,
    and for a higher-level bureau (the city detachment) the regions below it that have no enforcement bureau of their
    own. Queues use it so that a county's work waits for that county's leader, not for every leader above.
    """
    org = user.organization if user.is_authenticated else None
    if org is None:
        return Q(pk__in=[])
    code = org.region.code
    own = Q(**{field: code})
    if org.region.level == "county":
        return own
    staffed = (Organization.objects.filter(kind__in=ENFORCEMENT_KINDS, region__code__startswith=org.region.prefix)
               .exclude(region__code=code).values_list("region__code", flat=True))
    return own | (Q(**{f"{field}__startswith": org.region.prefix}) & ~Q(**{f"{field}__in": staffed}))


def require_role(user: User, roles: Iterable[str]) -> None:
    """Raise PermissionDenied unless the user holds one of `roles` (administrators hold every role)."""
    if not user.is_authenticated:
        raise PermissionDenied()
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return
    if user.role not in set(roles):
        raise PermissionDenied()


def has_role(user: User, roles: Iterable[str]) -> bool:
    """True if `require_role` would pass."""
    try:
        require_role(user, roles)
    except PermissionDenied:
        return False
    return True


# Roles that work cases and leads inside a bureau (enterprise, public and partner roles do not).
STAFF_ROLES = (Role.INSPECTOR, Role.UNIT_LEADER, Role.LEGAL_REVIEWER, Role.MONITORING_OPERATOR)

# Organizations that enforce in their own region (partners and contractors do not take a region's work).
ENFORCEMENT_KINDS = (Organization.Kind.CITY_BUREAU, Organization.Kind.COUNTY_BUREAU)
