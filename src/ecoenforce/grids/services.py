"""Grid writes: grids and their members, patrol plans (unit leaders), patrols, their GPS track and the problems they
report (grid members). Each write is one transaction with its audit event; a problem becomes a lead through
`leads.services.lead_create` (source grid patrol), idempotent by the form's token."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import get_in_scope, require_role, scope_by_region
from ecoenforce.core.attachments import attachments_check, attachments_store
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Region, Role, User
from ecoenforce.grids import geo
from ecoenforce.grids.models import Grid, Patrol, PatrolPhoto, PatrolPlan, PatrolProblem
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.registry.models import RegulatedEntity

PLAN_ROLES = (Role.UNIT_LEADER,)
MAX_TRACK_POINTS = 20_000
MAX_POINTS_PER_POST = 500


def _boundary_messages() -> dict[str, str]:
    return {
        "not_polygon": _("The boundary must be a GeoJSON Polygon: {\"type\": \"Polygon\", \"coordinates\": [[[lon, lat], …]]}."),
        "bad_number": _("Every corner of the boundary must be a [longitude, latitude] pair of numbers."),
        "too_few": _("A boundary needs at least three corners and the first repeated at the end."),
        "too_many": _("The boundary has too many corners (at most %(n)d).") % {"n": geo.MAX_VERTICES},
        "not_closed": _("The boundary is not closed: repeat the first corner at the end."),
        "outside_china": _("A corner of the boundary lies outside China: check that each pair is longitude first, "
                           "then latitude."),
        "self_intersecting": _("The boundary crosses itself: draw the corners in order around the area."),
        "no_area": _("The boundary encloses no area."),
    }


def boundary_parse(boundary: object) -> dict:
    """The boundary as a GeoJSON Polygon dict, or ValidationFailed saying what to change."""
    if isinstance(boundary, str):
        try:
            boundary = json.loads(boundary)
        except ValueError:
            raise ValidationFailed(_("The boundary is not valid JSON."), details={"boundary": [_("Paste GeoJSON.")]}) from None
    problems = geo.polygon_problems(boundary)
    if problems:
        words = _boundary_messages()
        messages = [words[p] for p in problems]
        raise ValidationFailed(messages[0], details={"boundary": messages})
    if boundary.get("type") == "Feature":
        boundary = boundary["geometry"]
    return {"type": "Polygon", "coordinates": [[[lon, lat] for lon, lat in geo.outer_ring(boundary)]]}


def _members(actor: User, region: Region, member_ids: Sequence[object]) -> list[User]:
    ids = {int(i) for i in member_ids if str(i).isdigit()}
    members = [u for u in User.objects.filter(pk__in=ids, role=Role.GRID_MEMBER, is_active=True)
               .select_related("organization__region")
               if u.jurisdiction_prefix is not None and region.code.startswith(u.jurisdiction_prefix)]
    if len(members) != len(ids) or len(ids) != len([i for i in member_ids if str(i).strip()]):
        raise ValidationFailed(_("Choose grid members whose organization covers %(county)s.") % {"county": region.name},
                               details={"members": [_("Not a grid member of this county.")]})
    return members


@transaction.atomic
def grid_create(*, actor: User, code: str, name: str, region: Region | None, boundary: object, town: str = "",
                member_ids: Sequence[object] = ()) -> Grid:
    """A unit leader draws a grid inside a county of the jurisdiction."""
    require_role(actor, PLAN_ROLES)
    code, name = (code or "").strip(), (name or "").strip()
    problems = {}
    if not code:
        problems["code"] = [_("Required.")]
    elif Grid.objects.filter(code=code).exists():
        problems["code"] = [_("Another grid has this code.")]
    if not name:
        problems["name"] = [_("Required.")]
    if region is None or region.level != Region.Level.COUNTY or not scope_by_region(
            Region.objects.filter(pk=region.pk), user=actor, field="code").exists():
        problems["region"] = [_("Choose a county of your jurisdiction.")]
    if problems:
        raise ValidationFailed(_("Give the grid a code, a name and a county of your jurisdiction."), details=problems)
    shape = boundary_parse(boundary)
    members = _members(actor, region, member_ids)
    grid = Grid.objects.create(code=code[:32], name=name[:100], region=region, town=(town or "").strip()[:64],
                               boundary=shape)
    grid.members.set(members)
    audit_record(actor=actor, obj=grid, action="grid.create", after={
        "code": grid.code, "name": grid.name, "region": region.code, "corners": len(shape["coordinates"][0]) - 1,
        "members": sorted(m.pk for m in members)})
    return grid


@transaction.atomic
def grid_members_set(*, actor: User, grid_id: object, member_ids: Sequence[object]) -> Grid:
    """Assign the grid members who patrol a grid (replacing the previous list)."""
    require_role(actor, PLAN_ROLES)
    grid = get_in_scope(Grid.objects.select_related("region"), user=actor, pk=grid_id)
    members = _members(actor, grid.region, member_ids)
    before = sorted(grid.members.values_list("pk", flat=True))
    grid.members.set(members)
    audit_record(actor=actor, obj=grid, action="grid.members", before={"members": before},
                 after={"members": sorted(m.pk for m in members)})
    return grid


@transaction.atomic
def patrol_plan_create(*, actor: User, grid_id: object, starts_on: dt.date | None, ends_on: dt.date | None,
                       patrols_planned: int | None, entity_ids: Sequence[object] = (), note: str = "") -> PatrolPlan:
    """How many patrols a grid gets in a period and which entities they visit (entities of the grid's county)."""
    require_role(actor, PLAN_ROLES)
    grid = get_in_scope(Grid.objects.select_related("region"), user=actor, pk=grid_id)
    problems = {}
    if starts_on is None or ends_on is None or ends_on < starts_on:
        problems["ends_on"] = [_("Give a period whose end is not before its start.")]
    if not patrols_planned or patrols_planned < 1 or patrols_planned > 1000:
        problems["patrols_planned"] = [_("Give a number of patrols from 1 to 1000.")]
    ids = {int(i) for i in entity_ids if str(i).isdigit()}
    entities = list(RegulatedEntity.objects.filter(pk__in=ids, region=grid.region))
    if len(entities) != len(ids):
        problems["entities"] = [_("Choose entities of the grid's county.")]
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], details=problems)
    plan = PatrolPlan.objects.create(grid=grid, starts_on=starts_on, ends_on=ends_on, patrols_planned=patrols_planned,
                                     note=(note or "").strip(), created_by=actor)
    plan.entities.set(entities)
    audit_record(actor=actor, obj=plan, action="patrol_plan.create", region_code=grid.region.code, after={
        "grid": grid.code, "from": starts_on, "to": ends_on, "patrols": patrols_planned,
        "entities": sorted(e.pk for e in entities)})
    return plan


def _member_grid(actor: User, grid_id: object) -> Grid:
    """The grid if the actor is one of its members; otherwise not found."""
    if actor.role != Role.GRID_MEMBER or not str(grid_id).isdigit():
        raise NotFound()
    grid = Grid.objects.filter(pk=grid_id, members=actor).select_related("region").first()
    if grid is None:
        raise NotFound()
    return grid


def _own_patrol(actor: User, patrol_id: object, *, open_only: bool = True) -> Patrol:
    if actor.role != Role.GRID_MEMBER or not str(patrol_id).isdigit():
        raise NotFound()
    patrol = (Patrol.objects.select_for_update(of=("self",)).select_related("grid__region")
              .filter(pk=patrol_id, member=actor).first())
    if patrol is None:
        raise NotFound()
    if open_only and patrol.ended_at is not None:
        raise ValidationFailed(_("This patrol has ended; start a new one."), code="patrol_ended")
    return patrol


@transaction.atomic
def patrol_start(*, actor: User, grid_id: object) -> Patrol:
    """A grid member starts a patrol of one of their grids (the patrol already open is returned instead)."""
    grid = _member_grid(actor, grid_id)
    open_patrol = Patrol.objects.filter(member=actor, ended_at__isnull=True).first()
    if open_patrol is not None:
        return open_patrol
    now = timezone.now()
    today = timezone.localdate(now)
    plan = grid.plans.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on", "-id").first()
    patrol = Patrol.objects.create(grid=grid, plan=plan, member=actor, started_at=now)
    audit_record(actor=actor, obj=patrol, action="patrol.start", region_code=grid.region.code, after={"grid": grid.code, "plan": plan.pk if plan else None})
    return patrol


def _location(latitude: object, longitude: object, *, field: str = "latitude") -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        lat = lon = math.nan
    if not geo.in_china(lat, lon):
        raise ValidationFailed(_("These coordinates are not in China (latitude %(lat)s, longitude %(lon)s). Use the "
                                 "location button again, or leave them empty.") % {"lat": latitude, "lon": longitude},
                               details={field: [_("Not a place in China.")]})
    return round(Decimal(str(lat)), 6), round(Decimal(str(lon)), 6)


@transaction.atomic
def patrol_track_add(*, actor: User, patrol_id: object, points: object) -> int:
    """Append points the phone reported ([lat, lon, unix seconds, accuracy]); all or none. Returns the track length."""
    patrol = _own_patrol(actor, patrol_id)
    if not isinstance(points, list) or not points or len(points) > MAX_POINTS_PER_POST:
        raise ValidationFailed(_("Send between 1 and %(n)d track points at a time.") % {"n": MAX_POINTS_PER_POST})
    start = patrol.started_at.timestamp() - 60
    end = timezone.now().timestamp() + 300
    clean = []
    for number, point in enumerate(points, start=1):
        try:
            lat, lon, at = float(point[0]), float(point[1]), float(point[2])
            accuracy = float(point[3]) if len(point) > 3 and point[3] is not None else None
        except (TypeError, ValueError, IndexError, KeyError):
            lat = lon = at = math.nan
            accuracy = None
        if not geo.in_china(lat, lon) or not (start <= at <= end):
            raise ValidationFailed(_("Track point %(n)d is not a place in China during this patrol; no point was "
                                     "kept.") % {"n": number}, details={"points": [str(number)]})
        clean.append([round(lat, 6), round(lon, 6), int(at), round(accuracy, 1) if accuracy is not None else None])
    if len(patrol.track) + len(clean) > MAX_TRACK_POINTS:
        raise ValidationFailed(_("This patrol's track is full (%(n)d points). End the patrol and start a new one.")
                               % {"n": MAX_TRACK_POINTS})
    patrol.track = patrol.track + clean
    patrol.save(update_fields=["track"])
    audit_record(actor=actor, obj=patrol, action="patrol.track", region_code=patrol.grid.region.code, after={"added": len(clean), "total": len(patrol.track)})
    return len(patrol.track)


def _store_photos(patrol: Patrol, checked, problem: PatrolProblem | None) -> list[PatrolPhoto]:
    return [PatrolPhoto.objects.create(patrol=patrol, problem=problem, content_type=kind, size=blob.size,
                                       sha256=blob.sha256)
            for blob, (_data, kind) in zip(attachments_store(checked), checked, strict=True)]


def _grid_entity(patrol: Patrol, entity_id: object) -> RegulatedEntity | None:
    if entity_id in (None, ""):
        return None
    entity = RegulatedEntity.objects.filter(pk=entity_id if str(entity_id).isdigit() else None,
                                            region=patrol.grid.region).first()
    if entity is None:
        raise ValidationFailed(_("Choose an entity of the grid's county."), details={"entity": [_("Not in this grid's county.")]})
    return entity


@transaction.atomic
def patrol_problem_report(*, actor: User, patrol_id: object, token: str, title: str, description: str = "",
                          entity_id: object = None, latitude: object = None, longitude: object = None,
                          photos: Sequence[bytes] = ()) -> PatrolProblem:
    """A problem seen on the patrol goes into the lead inbox (source grid patrol); the same form twice, one lead."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise ValidationFailed(_("This form has expired. Reload the page and send it again."))
    ref = "grid:" + hashlib.sha256(f"grid-problem:{token}".encode()).hexdigest()[:56]
    existing = PatrolProblem.objects.filter(lead__external_ref=ref, patrol__member=actor).first()
    if existing is not None:
        return existing
    patrol = _own_patrol(actor, patrol_id)
    if not (title or "").strip():
        raise ValidationFailed(_("Say in a few words what you saw."), details={"title": [_("Required.")]})
    lat, lon = _location(latitude, longitude)
    entity = _grid_entity(patrol, entity_id)
    checked = attachments_check(photos)
    now = timezone.now()
    where = patrol.grid.name + (f" ({lat}, {lon})" if lat is not None else "")
    lead, _created = lead_create(source=Lead.Source.GRID, title=title, region=patrol.grid.region, entity=entity,
                                 description=(description or "").strip(), location=where, created_by=actor,
                                 external_ref=ref, received_at=now)
    problem = PatrolProblem.objects.create(patrol=patrol, lead=lead, latitude=lat, longitude=lon, reported_at=now)
    records = _store_photos(patrol, checked, problem)
    audit_record(actor=actor, obj=patrol, action="patrol.problem", region_code=patrol.grid.region.code, after={
        "lead": lead.number, "entity": entity.pk if entity else None, "coordinates": lat is not None,
        "photos": [{"type": p.content_type, "size": p.size, "sha256": p.sha256} for p in records]})
    return problem


@transaction.atomic
def patrol_finish(*, actor: User, patrol_id: object, entity_ids: Sequence[object] = (), notes: str = "",
                  photos: Sequence[bytes] = ()) -> Patrol:
    """End the patrol with the entities visited (of the grid's county), notes and photos."""
    patrol = _own_patrol(actor, patrol_id)
    ids = {int(i) for i in entity_ids if str(i).isdigit()}
    entities = list(RegulatedEntity.objects.filter(pk__in=ids, region=patrol.grid.region))
    if len(entities) != len(ids) or len(ids) != len([i for i in entity_ids if str(i).strip()]):
        raise ValidationFailed(_("Choose entities of the grid's county."), details={"entities": [_("Not in this grid's county.")]})
    checked = attachments_check(photos)
    patrol.ended_at = timezone.now()
    patrol.notes = (notes or "").strip()
    patrol.save(update_fields=["ended_at", "notes"])
    patrol.entities_visited.set(entities)
    records = _store_photos(patrol, checked, None)
    audit_record(actor=actor, obj=patrol, action="patrol.finish", region_code=patrol.grid.region.code, after={
        "visited": sorted(e.pk for e in entities), "track_points": len(patrol.track),
        "photos": [{"type": p.content_type, "size": p.size, "sha256": p.sha256} for p in records]})
    return patrol
