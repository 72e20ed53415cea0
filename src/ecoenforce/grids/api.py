"""Grid endpoints: grids with their statistics, patrols (list, start, track points, report a problem, end)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.core.models import Role
from ecoenforce.grids import services
from ecoenforce.grids.selectors import grid_stats, grids_for_user, patrols_for_user, period_default

router = Router(tags=["grids"])
VIEW_ROLES = (*STAFF_ROLES, Role.GRID_MEMBER)


class GridOut(Schema):
    id: int
    code: str
    name: str
    region_code: str
    town: str
    boundary: dict
    entities: int
    visited: int
    coverage_percent: int | None
    patrols_done: int
    patrols_planned: int
    problems: int
    response_hours: float | None


class GridQuery(ListQuery):
    start: dt.date | None = None
    end: dt.date | None = None


class GridPage(Schema):
    count: int
    items: list[GridOut]


@router.get("/", response=GridPage, summary="Grids with coverage, patrols and response time for a period")
def grid_list(request, query: Query[GridQuery]):
    require_role(request.user, VIEW_ROLES)
    start, end = period_default()
    total, page = list_page(grids_for_user(user=request.user), query)
    stats = grid_stats(user=request.user, start=query.start or start, end=query.end or end, grids=page)
    return {"count": total, "items": [GridOut(
        id=s.grid.pk, code=s.grid.code, name=s.grid.name, region_code=s.grid.region.code, town=s.grid.town,
        boundary=s.grid.boundary, entities=s.entities, visited=s.visited, coverage_percent=s.coverage_percent,
        patrols_done=s.patrols_done, patrols_planned=s.patrols_planned, problems=s.problems,
        response_hours=s.response_hours) for s in stats]}


class PatrolOut(Schema):
    id: int
    grid_id: int
    member_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    track_points: int
    notes: str


def _patrol(p) -> PatrolOut:
    return PatrolOut(id=p.pk, grid_id=p.grid_id, member_id=p.member_id, started_at=p.started_at, ended_at=p.ended_at,
                     track_points=len(p.track), notes=p.notes)


class PatrolPage(Schema):
    count: int
    items: list[PatrolOut]


@router.get("/patrols", response=PatrolPage, summary="Patrols (a grid member's own; staff: the jurisdiction's)")
def patrol_list(request, query: Query[ListQuery]):
    require_role(request.user, VIEW_ROLES)
    total, page = list_page(patrols_for_user(user=request.user), query)
    return {"count": total, "items": [_patrol(p) for p in page]}


class PatrolStart(Schema):
    grid_id: int


@router.post("/patrols", response={201: PatrolOut}, summary="Start a patrol (grid member)")
def patrol_start(request, payload: PatrolStart):
    return 201, _patrol(services.patrol_start(actor=request.user, grid_id=payload.grid_id))


class TrackIn(Schema):
    points: list[list[float | None]]


class TrackOut(Schema):
    total: int


@router.post("/patrols/{patrol_id}/track", response=TrackOut, summary="Add GPS track points [lat, lon, unix s, accuracy]")
def patrol_track(request, patrol_id: int, payload: TrackIn):
    return {"total": services.patrol_track_add(actor=request.user, patrol_id=patrol_id, points=payload.points)}


class ProblemIn(Schema):
    token: str
    title: str
    description: str = ""
    entity_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None


class ProblemOut(Schema):
    id: int
    lead_id: int
    lead_number: str


@router.post("/patrols/{patrol_id}/problems", response={201: ProblemOut}, summary="Report a problem: a lead (grid patrol)")
def patrol_problem(request, patrol_id: int, payload: ProblemIn):
    problem = services.patrol_problem_report(
        actor=request.user, patrol_id=patrol_id, token=payload.token, title=payload.title,
        description=payload.description, entity_id=payload.entity_id, latitude=payload.latitude,
        longitude=payload.longitude)
    return 201, ProblemOut(id=problem.pk, lead_id=problem.lead_id, lead_number=problem.lead.number)


class FinishIn(Schema):
    entity_ids: list[int] = []
    notes: str = ""


@router.post("/patrols/{patrol_id}/finish", response=PatrolOut, summary="End a patrol with the entities visited")
def patrol_finish(request, patrol_id: int, payload: FinishIn):
    return _patrol(services.patrol_finish(actor=request.user, patrol_id=patrol_id, entity_ids=payload.entity_ids,
                                          notes=payload.notes))
