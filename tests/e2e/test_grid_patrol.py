"""A grid member on a phone (390×844): signs in to their own work queue, starts a patrol, the phone's location goes
into the track, reports a problem — first with a file that is not a photo (refused in words, nothing written), then
with a photo — ends the patrol; the officers open a case from the lead it raised."""

from __future__ import annotations

import pytest
from browser_steps import sign_in, submit, wujin_staff
from django.db import transaction
from playwright.sync_api import expect

from ecoenforce.core.models import Role
from ecoenforce.grids.models import Patrol, PatrolProblem
from ecoenforce.grids.services import grid_create
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_convert
from factories import make_entity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[119.90, 31.70], [120.00, 31.70], [120.00, 31.80], [119.90, 31.80], [119.90, 31.70]]],
}


def test_a_grid_members_patrol_raises_a_lead_that_becomes_a_case(
    live_server, browser, shot, settings, tmp_path
):
    settings.FILES_DIR = tmp_path / "files"
    county, _industry, people = wujin_staff(
        [
            ("leader", Role.UNIT_LEADER, "陈建华", "32041200003"),
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("grid", Role.GRID_MEMBER, "蒋春华", ""),
        ]
    )
    with transaction.atomic():
        grid_create(
            actor=people["leader"],
            code="WJ-HT-01",
            name="湖塘镇第一网格",
            region=county,
            boundary=SQUARE,
            member_ids=[people["grid"].pk],
        )
    not_a_photo = tmp_path / "现场.jpg"
    not_a_photo.write_bytes(b"%!PS-Adobe not a photo")
    photo = tmp_path / "排口.png"
    photo.write_bytes(PNG)
    context = browser.new_context(
        service_workers="block",
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        has_touch=True,
        is_mobile=True,
        geolocation={"latitude": 31.745, "longitude": 119.95},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    sign_in(page, base, "grid")
    assert page.url.endswith("/work/")
    page.goto(f"{base}/grids/patrols/new/")
    submit(page, page.locator("[data-testid=patrol-start] button[type=submit]"))
    # A locator wait, not wait_for_function: the page's CSP forbids the eval its polling relies on.
    expect(page.locator("[data-testid=track-count]")).not_to_have_text("0", timeout=15_000)
    assert len(Patrol.objects.get().track) >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "patrol-01-under-way")

    page.fill("#id_title", "雨水排口有黄色浑浊水排出")
    page.set_input_files("#id_photos", str(not_a_photo))
    submit(page, page.locator("[data-testid=problem-submit]"))
    assert "JPG" in page.locator("[data-testid=patrol-error]").inner_text()
    assert not PatrolProblem.objects.exists() and not Lead.objects.exists()
    page.fill("#id_title", "雨水排口有黄色浑浊水排出")
    page.click("[data-geolocate]")
    expect(page.locator("#id_latitude")).not_to_have_value("", timeout=15_000)
    page.set_input_files("#id_photos", str(photo))
    submit(page, page.locator("[data-testid=problem-submit]"))
    assert page.locator("[data-testid=problem]").count() == 1
    submit(page, page.locator("[data-testid=finish-submit]"))
    assert page.locator("[data-testid=patrol-ended]").inner_text().strip() != "进行中"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "patrol-02-ended")

    lead = Lead.objects.get()
    assert lead.source == Lead.Source.GRID and lead.patrol_problem.photos.count() == 1
    with transaction.atomic():
        entity = make_entity(region=county, actor=people["leader"], name="常州恒泰化工有限公司")
        case = lead_convert(
            lead_id=lead.pk,
            actor=people["zhou"],
            title="",
            facts="",
            entity=entity,
            handlers=[people["zhou"], people["wu"]],
        )
    assert Lead.objects.get().case == case
    page.goto(f"{base}/grids/problems/")
    assert "已立案" in page.locator("[data-testid=problem-row]").inner_text()
    context.close()
