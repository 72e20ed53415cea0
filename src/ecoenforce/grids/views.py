"""Grid pages: the grids with their statistics and the map (staff), grids and plans (unit leaders), and the grid
member's phone pages: start a patrol, the track from the phone, report a problem, end the patrol."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.files import blob_open
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.models import Region, Role
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.grids import services
from ecoenforce.grids.forms import (
    GridForm,
    GridMembersForm,
    PatrolFinishForm,
    PatrolPlanForm,
    PatrolProblemForm,
    PatrolStartForm,
)
from ecoenforce.grids.geo import BANDS
from ecoenforce.grids.selectors import (
    entities_in_grid,
    grid_get_for_user,
    grid_map_data,
    grid_stats,
    grids_for_user,
    member_choices,
    patrol_get_for_user,
    patrol_open_for,
    patrol_photo_for_user,
    patrols_for_user,
    period_default,
    plans_for_user,
    problems_for_user,
)
from ecoenforce.registry.models import RegulatedEntity

VIEW_ROLES = (*STAFF_ROLES, Role.GRID_MEMBER)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    start, end = period_default()
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or start.isoformat())
        end = dt.date.fromisoformat(request.GET.get("to") or end.isoformat())
    except ValueError:
        pass
    return (start, end) if start <= end else (end, start)


def _files(request: HttpRequest, name: str = "photos") -> list[bytes]:
    if getattr(request, "upload_too_large", False):
        upload_read(request, None)
    return [upload_read(request, f) for f in request.FILES.getlist(name)[:services.MAX_POINTS_PER_POST]]


def _legend() -> list[tuple[str, str]]:
    words = {"good": _("%(n)d %% or more visited"), "fair": _("%(n)d %% or more visited"),
             "poor": _("below %(n)d %% visited")}
    lower = {name: round(100 * low) for low, name in BANDS}
    return [("good", words["good"] % {"n": lower["good"]}), ("fair", words["fair"] % {"n": lower["fair"]}),
            ("poor", words["poor"] % {"n": lower["fair"]}), ("none", _("no entity located in the grid"))]


@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    """Grids of the jurisdiction with this period's coverage, patrols done vs planned and response time."""
    require_role(request.user, VIEW_ROLES)
    start, end = _period(request)
    stats = grid_stats(user=request.user, start=start, end=end)
    return render(request, "grids/grid_list.html", {
        "stats": stats, "start": start, "end": end,
        "may_plan": has_role(request.user, services.PLAN_ROLES)})


@login_required
def grid_map(request: HttpRequest) -> HttpResponse:
    """The grids on a map drawn from their own boundaries (no tile server), coloured by coverage."""
    require_role(request.user, VIEW_ROLES)
    start, end = _period(request)
    stats = grid_stats(user=request.user, start=start, end=end)
    return render(request, "grids/grid_map.html", {
        "stats": stats, "start": start, "end": end, "map_data": grid_map_data(stats), "legend": _legend()})


@login_required
def grid_new(request: HttpRequest) -> HttpResponse:
    """A unit leader draws a grid: code, name, county, town, the boundary as GeoJSON, its members."""
    require_role(request.user, services.PLAN_ROLES)
    prefix = request.user.jurisdiction_prefix or ""
    counties = Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent")
    form = GridForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = counties.filter(pk=data["region"] if data["region"].isdigit() else None).first()
        try:
            grid = services.grid_create(actor=request.user, code=data["code"], name=data["name"], region=region,
                                        town=data["town"], boundary=data["boundary"], member_ids=data["members"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Grid %(code)s saved.") % {"code": grid.code})
            return redirect("grids:detail", grid_id=grid.pk)
    return render(request, "grids/grid_form.html", {
        "counties": counties, "members": member_choices(user=request.user), "form": form,
        "chosen": form["members"].value() or []}, status=400 if form.errors else 200)


@login_required
def grid_detail(request: HttpRequest, grid_id: int) -> HttpResponse:
    """One grid: its map, members (a leader changes them here), plans, patrols and statistics."""
    require_role(request.user, VIEW_ROLES)
    grid = grid_get_for_user(user=request.user, grid_id=grid_id)
    form = GridMembersForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grid_members_set(actor=request.user, grid_id=grid.pk, member_ids=form.cleaned_data["members"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Grid members saved."))
            return redirect("grids:detail", grid_id=grid.pk)
    start, end = _period(request)
    stats = grid_stats(user=request.user, start=start, end=end, grids=grids_for_user(user=request.user).filter(pk=grid.pk))
    may_plan = has_role(request.user, services.PLAN_ROLES)
    return render(request, "grids/grid_detail.html", {
        "grid": grid, "stat": stats[0], "start": start, "end": end, "map_data": grid_map_data(stats), "legend": _legend(),
        "plans": grid.plans.order_by("-starts_on")[:20], "patrols": patrols_for_user(user=request.user, grid=grid)[:20],
        "may_plan": may_plan, "form": form,
        "members": member_choices(user=request.user, grid=grid) if may_plan else [],
        "chosen": set(form["members"].value() if form.is_bound else
                      (str(pk) for pk in grid.members.values_list("pk", flat=True)))},
        status=400 if form.errors else 200)


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """A unit leader plans a grid's patrols for a period and names the entities to visit."""
    require_role(request.user, services.PLAN_ROLES)
    grid = grid_get_for_user(user=request.user, grid_id=request.GET.get("grid") or request.POST.get("grid"))
    start, end = period_default()
    form = PatrolPlanForm(request.POST if request.method == "POST" else None,
                          initial={"starts_on": start, "ends_on": end, "patrols_planned": 4})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.patrol_plan_create(actor=request.user, grid_id=grid.pk, starts_on=data["starts_on"],
                                        ends_on=data["ends_on"], patrols_planned=data["patrols_planned"] or 0,
                                        entity_ids=data["entities"], note=data["note"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Patrol plan saved."))
            return redirect("grids:detail", grid_id=grid.pk)
    return render(request, "grids/plan_form.html", {
        "grid": grid, "form": form, "entities": entities_in_grid(grid), "chosen": form["entities"].value() or []},
        status=400 if form.errors else 200)


@login_required
def patrol_list(request: HttpRequest) -> HttpResponse:
    """A member's own patrols (and the button to start one); staff see the patrols of their jurisdiction."""
    require_role(request.user, VIEW_ROLES)
    page = Paginator(patrols_for_user(user=request.user).prefetch_related("problems"), 50).get_page(request.GET.get("page"))
    return render(request, "grids/patrol_list.html", {
        "page": page, "open_patrol": patrol_open_for(request.user),
        "is_member": request.user.role == Role.GRID_MEMBER,
        "plans": plans_for_user(user=request.user).filter(ends_on__gte=dt.date.today())[:10]})


@login_required
def patrol_new(request: HttpRequest) -> HttpResponse:
    """A grid member chooses a grid and starts a patrol (a patrol already under way is continued)."""
    if request.user.role != Role.GRID_MEMBER:
        require_role(request.user, ())
    open_patrol = patrol_open_for(request.user)
    if open_patrol is not None:
        return redirect("grids:patrol_detail", patrol_id=open_patrol.pk)
    grids = grids_for_user(user=request.user)
    form = PatrolStartForm(request.POST if request.method == "POST" else None,
                           initial={"grid": request.GET.get("grid", "")})
    if request.method == "POST" and form.is_valid():  # a grid not the member's is not found
        patrol = services.patrol_start(actor=request.user, grid_id=form.cleaned_data["grid"])
        return redirect("grids:patrol_detail", patrol_id=patrol.pk)
    return render(request, "grids/patrol_new.html", {"grids": grids, "chosen": str(form["grid"].value() or "")})


def _patrol_page(request: HttpRequest, patrol, *, problem_form: PatrolProblemForm | None = None,
                 finish_form: PatrolFinishForm | None = None, status: int = 200) -> HttpResponse:
    own_open = patrol.member_id == request.user.pk and patrol.ended_at is None
    track = [[p[0], p[1]] for p in patrol.track]
    data = grid_map_data(grid_stats(user=request.user, start=patrol.started_at.date(), end=patrol.started_at.date(),
                                    grids=type(patrol.grid).objects.filter(pk=patrol.grid_id)), with_entities=True)
    data["track"] = track
    return render(request, "grids/patrol_detail.html", {
        "patrol": patrol, "own_open": own_open, "problem_form": problem_form or PatrolProblemForm(),
        "finish_form": finish_form or PatrolFinishForm(), "map_data": data,
        "entities": entities_in_grid(patrol.grid) if own_open else [],
        "county_entities": RegulatedEntity.objects.filter(region=patrol.grid.region).order_by("name")[:300] if own_open else [],
        "problems": patrol.problems.select_related("lead").prefetch_related("photos"),
        "photos": patrol.photos.filter(problem__isnull=True),
        "visited": patrol.entities_visited.order_by("name")}, status=status)


@login_required
def patrol_detail(request: HttpRequest, patrol_id: int) -> HttpResponse:
    """A patrol: under way on the member's phone (track, report a problem, end), or its log afterwards."""
    require_role(request.user, VIEW_ROLES)
    patrol = patrol_get_for_user(user=request.user, patrol_id=patrol_id)
    return _patrol_page(request, patrol)


@login_required
@require_POST
def patrol_track(request: HttpRequest, patrol_id: int) -> HttpResponse:
    """Track points from the phone's geolocation (static/ecoenforce/patrol.js), as JSON."""
    try:
        body = json.loads(request.body or b"{}")
        total = services.patrol_track_add(actor=request.user, patrol_id=patrol_id,
                                          points=body.get("points") if isinstance(body, dict) else None)
    except ValueError:
        return JsonResponse({"message": _("The track points could not be read.")}, status=400)
    except ValidationFailed as exc:
        return JsonResponse({"message": str(exc.message)}, status=422)
    return JsonResponse({"total": total})


@login_required
@require_POST
def patrol_problem(request: HttpRequest, patrol_id: int) -> HttpResponse:
    """Report a problem seen on the patrol: a lead for the officers."""
    patrol = patrol_get_for_user(user=request.user, patrol_id=patrol_id)
    form = PatrolProblemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.patrol_problem_report(
                actor=request.user, patrol_id=patrol.pk, token=data["token"], title=data["title"],
                description=data["description"], entity_id=data["entity"] or None,
                latitude=data["latitude"] or None, longitude=data["longitude"] or None, photos=_files(request))
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Reported as lead %(number)s: the officers will verify it.")
                             % {"number": problem.lead.number})
            return redirect("grids:patrol_detail", patrol_id=patrol.pk)
    return _patrol_page(request, patrol, problem_form=form, status=422)


@login_required
@require_POST
def patrol_finish(request: HttpRequest, patrol_id: int) -> HttpResponse:
    """End the patrol with the entities visited, notes and photos."""
    patrol = patrol_get_for_user(user=request.user, patrol_id=patrol_id)
    form = PatrolFinishForm(request.POST)
    if form.is_valid():
        try:
            services.patrol_finish(actor=request.user, patrol_id=patrol.pk, entity_ids=form.cleaned_data["visited"],
                                   notes=form.cleaned_data["notes"], photos=_files(request))
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Patrol ended and recorded."))
            return redirect("grids:patrol_detail", patrol_id=patrol.pk)
    return _patrol_page(request, patrol, finish_form=form, status=422)


@login_required
def patrol_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    photo = patrol_photo_for_user(user=request.user, photo_id=photo_id)
    response = FileResponse(blob_open(photo.sha256), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """Problems reported on patrols with what became of them (a member sees their own)."""
    require_role(request.user, VIEW_ROLES)
    page = Paginator(problems_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "grids/problem_list.html", {"page": page, "is_staff": has_role(request.user, STAFF_ROLES)})
