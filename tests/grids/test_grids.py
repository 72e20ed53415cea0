"""Grid patrols (issue 12 item 2): grids validated as areas, plans, a member's patrol with its track, a problem that
becomes a lead and then a case, coverage and response statistics, and each role's landing page."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import AuditEvent, Role
from ecoenforce.grids import geo
from ecoenforce.grids.models import Grid, Patrol, PatrolPhoto, PatrolProblem
from ecoenforce.grids.selectors import grid_stats, patrol_get_for_user, period_default
from ecoenforce.grids.services import (
    grid_create,
    patrol_finish,
    patrol_plan_create,
    patrol_problem_report,
    patrol_start,
    patrol_track_add,
)
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_convert

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
SQUARE = {"type": "Polygon", "coordinates": [[[119.90, 31.70], [120.00, 31.70], [120.00, 31.80], [119.90, 31.80],
                                              [119.90, 31.70]]]}


def test_boundary_checks_are_pure_and_name_the_problem():
    assert geo.polygon_problems(SQUARE) == []
    open_ring = {"type": "Polygon", "coordinates": [SQUARE["coordinates"][0][:-1]]}
    assert geo.polygon_problems(open_ring) == ["not_closed"]
    swapped = {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in SQUARE["coordinates"][0]]]}
    assert geo.polygon_problems(swapped) == ["outside_china"]
    bow = {"type": "Polygon", "coordinates": [[[119.9, 31.7], [120.0, 31.8], [120.0, 31.7], [119.9, 31.8], [119.9, 31.7]]]}
    assert geo.polygon_problems(bow) == ["self_intersecting"]
    assert geo.polygon_problems({"type": "Point", "coordinates": [119.9, 31.7]}) == ["not_polygon"]
    assert geo.contains(geo.outer_ring(SQUARE), 31.75, 119.95)
    assert not geo.contains(geo.outer_ring(SQUARE), 31.85, 119.95)
    assert geo.band(0.9) == "good" and geo.band(0.6) == "fair" and geo.band(0.1) == "poor" and geo.band(None) == "none"


@pytest.fixture
def grid(leader_wj, region_wj, grid_member, entity_wj):
    type(entity_wj).objects.filter(pk=entity_wj.pk).update(latitude=Decimal("31.75"), longitude=Decimal("119.95"))
    return grid_create(actor=leader_wj, code="WJ-01", name="湖塘镇第一网格", region=region_wj, town="湖塘镇",
                       boundary=SQUARE, member_ids=[grid_member.pk])


@pytest.mark.django_db
def test_a_bad_boundary_is_refused_in_words_and_nothing_is_written(leader_wj, region_wj, region_xb, inspector_xb):
    with pytest.raises(ValidationFailed) as exc:
        grid_create(actor=leader_wj, code="X", name="x", region=region_wj,
                    boundary={"type": "Polygon", "coordinates": [[[31.7, 119.9], [31.8, 120.0], [31.7, 120.0], [31.7, 119.9]]]})
    assert "China" in str(exc.value.message) or "中国" in str(exc.value.message)
    with pytest.raises(ValidationFailed):
        grid_create(actor=leader_wj, code="X", name="x", region=region_wj, boundary="{not json")
    with pytest.raises(ValidationFailed):  # another county than the leader's
        grid_create(actor=leader_wj, code="X", name="x", region=region_xb, boundary=SQUARE)
    with pytest.raises(ValidationFailed):  # an inspector is not a grid member
        grid_create(actor=leader_wj, code="X", name="x", region=region_wj, boundary=SQUARE, member_ids=[inspector_xb.pk])
    assert not Grid.objects.exists()


@pytest.mark.django_db
def test_a_patrol_raises_a_lead_that_becomes_a_case(grid, leader_wj, grid_member, entity_wj, inspector_wj, inspector2_wj,
                                                     settings, tmp_path):
    settings.FILES_DIR = tmp_path
    start, end = period_default()
    patrol_plan_create(actor=leader_wj, grid_id=grid.pk, starts_on=start, ends_on=end, patrols_planned=4,
                       entity_ids=[entity_wj.pk])
    patrol = patrol_start(actor=grid_member, grid_id=grid.pk)
    assert patrol.plan is not None
    assert patrol_start(actor=grid_member, grid_id=grid.pk) == patrol  # the open one is continued
    now = int(time.time())
    assert patrol_track_add(actor=grid_member, patrol_id=patrol.pk,
                            points=[[31.74, 119.93, now - 30, 5], [31.745, 119.94, now, 6]]) == 2
    with pytest.raises(ValidationFailed):  # one impossible point: none of the batch is kept
        patrol_track_add(actor=grid_member, patrol_id=patrol.pk, points=[[31.75, 119.95, now, 5], [95, 119.9, now, 5]])
    assert len(Patrol.objects.get(pk=patrol.pk).track) == 2

    token = uuid.uuid4().hex
    with pytest.raises(ValidationFailed):  # a "photo" that is not an image
        patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=token, title="排口异常",
                              photos=[b"MZ\x90\x00 not an image"])
    with pytest.raises(ValidationFailed):  # an impossible place
        patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=token, title="排口异常",
                              latitude=31.75, longitude=200)
    assert not Lead.objects.filter(source=Lead.Source.GRID).exists() and not PatrolPhoto.objects.exists()
    problem = patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=token, title="雨水排口异常排水",
                                    entity_id=entity_wj.pk, latitude=31.751, longitude=119.951, photos=[JPEG])
    again = patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=token, title="雨水排口异常排水")
    assert again.pk == problem.pk and Lead.objects.filter(source=Lead.Source.GRID).count() == 1
    lead = problem.lead
    assert lead.source == Lead.Source.GRID and lead.entity == entity_wj and lead.created_by == grid_member
    assert problem.photos.get().content_type == "image/jpeg"
    patrol_finish(actor=grid_member, patrol_id=patrol.pk, entity_ids=[entity_wj.pk], notes="巡查完毕")

    # The officers see it in their inbox and open a case from it (the existing lead → case path).
    case = lead_convert(lead_id=lead.pk, actor=inspector_wj, title="", facts="", handlers=[inspector_wj, inspector2_wj])
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.case == case

    stat = grid_stats(user=leader_wj, start=start, end=end)[0]
    assert (stat.entities, stat.visited, stat.patrols_done, stat.patrols_planned) == (1, 1, 1, 4)
    assert stat.coverage == 1 and stat.band == "good" and stat.problems == 1 and stat.response_hours is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"grid.create", "patrol_plan.create", "patrol.start", "patrol.track", "patrol.problem", "patrol.finish"} <= actions
    with pytest.raises(ValidationFailed):  # an ended patrol takes no more points
        patrol_track_add(actor=grid_member, patrol_id=patrol.pk, points=[[31.75, 119.95, now, 5]])


@pytest.mark.django_db
def test_a_member_reaches_only_their_own_grids_and_patrols(grid, grid_member, org_wj, region_wj, leader_wj, inspector_xb):
    from ecoenforce.core.models import User

    other = User.objects.create(username="grid2", role=Role.GRID_MEMBER, organization=org_wj)
    other_grid = grid_create(actor=leader_wj, code="WJ-02", name="第二网格", region=region_wj, boundary=SQUARE,
                             member_ids=[other.pk])
    with pytest.raises(NotFound):
        patrol_start(actor=grid_member, grid_id=other_grid.pk)
    patrol = patrol_start(actor=other, grid_id=other_grid.pk)
    with pytest.raises(NotFound):
        patrol_get_for_user(user=grid_member, patrol_id=patrol.pk)
    with pytest.raises(NotFound):
        patrol_track_add(actor=grid_member, patrol_id=patrol.pk, points=[[31.75, 119.95, int(time.time()), 5]])
    with pytest.raises(NotFound):  # another county's officer
        patrol_get_for_user(user=inspector_xb, patrol_id=patrol.pk)
    assert patrol_get_for_user(user=leader_wj, patrol_id=patrol.pk) == patrol


@pytest.mark.django_db
def test_the_member_lands_on_their_work_and_reports_from_the_phone_pages(grid, grid_member, leader_wj, settings, tmp_path):
    settings.FILES_DIR = tmp_path
    start, end = period_default()
    patrol_plan_create(actor=leader_wj, grid_id=grid.pk, starts_on=start, ends_on=end, patrols_planned=2)
    client = Client()
    client.force_login(grid_member)
    assert client.get("/accounts/home/")["Location"] == "/work/"
    work = client.get("/work/")
    assert work.status_code == 200 and "WJ-01" in work.content.decode()
    response = client.post("/grids/patrols/new/", {"grid": grid.pk})
    patrol = Patrol.objects.get(member=grid_member)
    assert response["Location"] == f"/grids/patrols/{patrol.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "patrol.js" in page and "<script>" not in page
    bad = client.post(f"/grids/patrols/{patrol.pk}/problem/", {"token": uuid.uuid4().hex, "title": "黑水",
                                                               "photos": [_upload(b"%!PS not a photo")]})
    assert bad.status_code == 422 and not PatrolProblem.objects.exists()
    good = client.post(f"/grids/patrols/{patrol.pk}/problem/", {"token": uuid.uuid4().hex, "title": "黑水入河",
                                                                "photos": [_upload(JPEG)]})
    assert good.status_code == 302 and PatrolProblem.objects.count() == 1
    track = client.post(f"/grids/patrols/{patrol.pk}/track/", {"points": [[31.75, 119.95, int(time.time()), 4]]},
                        content_type="application/json")
    assert track.json() == {"total": 1}
    assert client.get("/grids/problems/").status_code == 200
    assert client.get("/leads/").status_code == 403  # the inbox stays the officers'


@pytest.mark.django_db
def test_the_map_draws_own_boundaries_without_tiles(grid, leader_wj):
    client = Client()
    client.force_login(leader_wj)
    page = client.get("/grids/map/").content.decode()
    assert "vendor/leaflet/leaflet.js" in page and "grids-map.js" in page and "WJ-01" in page
    assert "tile.openstreetmap" not in page and "{z}" not in page
    api = client.get("/api/v1/grids/").json()
    assert api["count"] == 1 and api["items"][0]["code"] == "WJ-01"


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def _said(lang: str, call) -> str:
    """What the service says, in this language, to the input the page was sent."""
    from django.utils import translation

    with translation.override(lang), pytest.raises(ValidationFailed) as exc:
        call()
    return str(exc.value.message)


def _in_language(lang: str, text: str) -> bool:
    import re

    # the sentence's opening words (it may name a department or an entity in Chinese either way)
    return bool(re.search(r"[\u4e00-\u9fff]", text[:12])) == (lang == "zh-hans")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_refused_report_keeps_what_was_typed_and_says_why_in_the_page_language(grid, grid_member, settings,
                                                                                  tmp_path, lang):
    from html import escape

    settings.FILES_DIR = tmp_path
    patrol = patrol_start(actor=grid_member, grid_id=grid.pk)
    client = Client()
    client.force_login(grid_member)
    client.cookies["django_language"] = lang
    typed = {"token": uuid.uuid4().hex, "title": "雨水排口有黄色浑浊水排出", "description": "排口下游五十米处水色发黄",
             "latitude": "31.751", "longitude": "119.951"}
    page = client.post(f"/grids/patrols/{patrol.pk}/problem/", {**typed, "photos": [_upload(b"%!PS not a photo")]})
    said = _said(lang, lambda: patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=uuid.uuid4().hex,
                                                     title="x", photos=[b"%!PS not a photo"]))
    body = page.content.decode()
    assert page.status_code == 422 and escape(said) in body and _in_language(lang, said)
    assert all(value in body for value in typed.values())  # the token too: sent again, still one lead
    assert not PatrolProblem.objects.exists()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_leaders_grid_and_plan_forms_keep_what_was_typed(grid, leader_wj, region_wj, lang):
    import json
    from html import escape

    from django.utils import translation

    client = Client()
    client.force_login(leader_wj)
    client.cookies["django_language"] = lang
    bow = {"type": "Polygon", "coordinates": [[[119.9, 31.7], [120.0, 31.8], [120.0, 31.7], [119.9, 31.8],
                                               [119.9, 31.7]]]}
    typed = {"code": "WJ-02", "name": "湖塘镇第二网格", "town": "湖塘镇"}
    page = client.post("/grids/new/", {**typed, "region": region_wj.pk, "boundary": json.dumps(bow)})
    said = _said(lang, lambda: grid_create(actor=leader_wj, code="WJ-02", name="x", region=region_wj, boundary=bow))
    body = page.content.decode()
    assert page.status_code == 400 and escape(said) in body and _in_language(lang, said)
    assert all(value in body for value in typed.values()) and "119.9, 31.8" in body
    assert f'value="{region_wj.pk}" selected' in body and Grid.objects.count() == 1
    page = client.post("/grids/plans/new/", {"grid": grid.pk, "starts_on": "2026-13-45", "ends_on": "2026-12-31",
                                             "patrols_planned": "3", "note": "重点看雨水排口"})
    with translation.override(lang):
        said = translation.gettext("Give the dates as year-month-day.")
    body = page.content.decode()
    assert page.status_code == 400 and escape(said) in body and _in_language(lang, said)
    assert "重点看雨水排口" in body and 'value="2026-13-45"' in body and 'value="3"' in body
