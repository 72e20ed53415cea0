"""Grid reads: staff see the grids of their jurisdiction; a grid member sees only the grids they are assigned to and
their own patrols. Coverage, patrols done against planned and response time per grid, for a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import Role, User
from ecoenforce.grids import geo
from ecoenforce.grids.models import Grid, Patrol, PatrolPhoto, PatrolPlan, PatrolProblem
from ecoenforce.registry.models import RegulatedEntity


def _is_member(user: User) -> bool:
    return user.is_authenticated and user.role == Role.GRID_MEMBER


def grids_for_user(*, user: User) -> QuerySet[Grid]:
    """Grids the user may see: a member's own; staff's in the jurisdiction."""
    qs = Grid.objects.select_related("region").prefetch_related("members")
    if _is_member(user):
        return scope_by_region(qs.filter(members=user), user=user)
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    return scope_by_region(qs, user=user)


def grid_get_for_user(*, user: User, grid_id: object) -> Grid:
    try:
        return grids_for_user(user=user).get(pk=grid_id)
    except (Grid.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def patrols_for_user(*, user: User, grid: Grid | None = None) -> QuerySet[Patrol]:
    qs = Patrol.objects.select_related("grid__region", "member").order_by("-started_at", "-id")
    if grid is not None:
        qs = qs.filter(grid=grid)
    if _is_member(user):
        return qs.filter(member=user)
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    return scope_by_region(qs, user=user, field="grid__region__code")


def patrol_get_for_user(*, user: User, patrol_id: object) -> Patrol:
    try:
        return patrols_for_user(user=user).get(pk=patrol_id)
    except (Patrol.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def patrol_open_for(user: User) -> Patrol | None:
    """The member's patrol under way, if any."""
    if not _is_member(user):
        return None
    return Patrol.objects.filter(member=user, ended_at__isnull=True).select_related("grid").first()


def patrol_photo_for_user(*, user: User, photo_id: object) -> PatrolPhoto:
    try:
        photo = PatrolPhoto.objects.select_related("patrol").get(pk=photo_id)
    except (PatrolPhoto.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    patrol_get_for_user(user=user, patrol_id=photo.patrol_id)
    return photo


def problems_for_user(*, user: User) -> QuerySet[PatrolProblem]:
    qs = PatrolProblem.objects.select_related("lead", "lead__entity", "patrol__grid").order_by("-reported_at", "-id")
    if _is_member(user):
        return qs.filter(patrol__member=user)
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    return scope_by_region(qs, user=user, field="lead__region__code")


def plans_for_user(*, user: User) -> QuerySet[PatrolPlan]:
    qs = PatrolPlan.objects.select_related("grid__region").order_by("-starts_on", "grid__code")
    if _is_member(user):
        return qs.filter(grid__members=user)
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    return scope_by_region(qs, user=user, field="grid__region__code")


def plans_waiting(user: User) -> QuerySet[PatrolPlan]:
    """Plans in force today for the member's grids (the member's work queue), the nearest end first."""
    today = timezone.localdate()
    return plans_for_user(user=user).filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on", "id")


def entities_in_grid(grid: Grid, entities: list[RegulatedEntity] | None = None) -> list[RegulatedEntity]:
    """The entities of the grid's county whose coordinates lie inside its boundary."""
    ring = geo.outer_ring(grid.boundary)
    if entities is None:
        entities = list(RegulatedEntity.objects.filter(region=grid.region, latitude__isnull=False,
                                                       longitude__isnull=False))
    return [e for e in entities if e.region_id == grid.region_id and e.latitude is not None
            and geo.contains(ring, float(e.latitude), float(e.longitude))]


@dataclass
class GridStats:
    grid: Grid
    entities: int
    visited: int
    patrols_done: int
    patrols_planned: int
    problems: int
    triaged: int
    response_hours: float | None

    @property
    def coverage(self) -> float | None:
        return None if not self.entities else self.visited / self.entities

    @property
    def coverage_percent(self) -> int | None:
        return None if self.coverage is None else round(100 * self.coverage)

    @property
    def band(self) -> str:
        return geo.band(self.coverage)


def period_default(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current month."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def grid_stats(*, user: User, start: dt.date, end: dt.date, grids: QuerySet[Grid] | None = None) -> list[GridStats]:
    """Per grid in the period: entities in it and visited on an ended patrol (coverage), patrols done vs planned,
    problems reported and the mean hours from a problem to its lead's triage (closed or case opened)."""
    grids = list(grids if grids is not None else grids_for_user(user=user))
    if not grids:
        return []
    regions = {g.region_id for g in grids}
    located = list(RegulatedEntity.objects.filter(region_id__in=regions, latitude__isnull=False, longitude__isnull=False)
                   .only("id", "name", "region_id", "latitude", "longitude"))
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    out = []
    for grid in grids:
        inside = {e.pk for e in entities_in_grid(grid, located)}
        patrols = Patrol.objects.filter(grid=grid, ended_at__isnull=False, started_at__gte=since, started_at__lt=until)
        visited = set(Patrol.entities_visited.through.objects.filter(patrol__in=patrols)
                      .values_list("regulatedentity_id", flat=True))
        planned = sum(PatrolPlan.objects.filter(grid=grid, starts_on__lte=end, ends_on__gte=start)
                      .values_list("patrols_planned", flat=True))
        problems = list(PatrolProblem.objects.filter(patrol__grid=grid, reported_at__gte=since, reported_at__lt=until)
                        .select_related("lead"))
        waits = [(p.lead.triaged_at - p.reported_at).total_seconds() / 3600 for p in problems if p.lead.triaged_at]
        out.append(GridStats(grid=grid, entities=len(inside), visited=len(visited & inside),
                             patrols_done=patrols.count(), patrols_planned=planned, problems=len(problems),
                             triaged=len(waits), response_hours=round(sum(waits) / len(waits), 1) if waits else None))
    return out


def grid_map_data(stats: list[GridStats], *, with_entities: bool = True) -> dict:
    """GeoJSON for the map: each grid's polygon with its coverage band, and the entities inside as points."""
    features, points = [], []
    for s in stats:
        features.append({"type": "Feature", "geometry": s.grid.boundary, "properties": {
            "code": s.grid.code, "name": s.grid.name, "band": s.band, "coverage": s.coverage_percent,
            "done": s.patrols_done, "planned": s.patrols_planned}})
        if with_entities:
            for e in entities_in_grid(s.grid):
                points.append({"name": e.name, "lat": float(e.latitude), "lon": float(e.longitude)})
    return {"type": "FeatureCollection", "features": features, "points": points}


def member_choices(*, user: User, grid: Grid | None = None) -> QuerySet[User]:
    """Grid members a leader may assign (of an organization inside the leader's jurisdiction)."""
    prefix = user.jurisdiction_prefix
    if prefix is None:
        return User.objects.none()
    qs = User.objects.filter(role=Role.GRID_MEMBER, is_active=True, organization__region__code__startswith=prefix)
    if grid is not None:
        codes = [grid.region.code, grid.region.code[:4] + "00", grid.region.code[:2] + "0000"]
        qs = qs.filter(Q(organization__region__code__in=codes))
    return qs.select_related("organization").order_by("full_name", "pk")


def public_outlines() -> list[dict]:
    """The grids' boundaries as a public map may draw them (the tip form's map): the polygon, the town, the grid's
    name and its county's id — never its members, plans, patrols or figures."""
    return [{"type": "Feature", "geometry": g.boundary,
             "properties": {"name": g.name, "town": g.town, "county": g.region_id}}
            for g in Grid.objects.only("name", "town", "region_id", "boundary").order_by("region__code", "code")]
