"""A citizen files a tip on a phone (390×844) without signing in — first without saying where (refused in words,
what was typed kept), then with the county, an address, the phone's location moved by a tap on the map, and a
photo — keeps the tracking code, and later follows the tip by typing the code: the bureau verified it and the
outcome is there in plain words."""

from __future__ import annotations

import pytest
from browser_steps import reference, sign_in, submit, wujin_staff
from django.db import transaction
from playwright.sync_api import expect

from ecoenforce.core.models import Role
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_close
from ecoenforce.social.models import Tip

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WHAT = "夜间有管子向河里排黑水，气味刺鼻"


def test_a_citizen_files_a_tip_on_a_phone_and_follows_it_by_code(
    live_server, browser, shot, settings, tmp_path
):
    settings.FILES_DIR = tmp_path / "files"
    _city, county, _industry = reference()
    _county, _industry, people = wujin_staff([("zhou", Role.INSPECTOR, "周明", "32041200001")])
    photo = tmp_path / "河道.png"
    photo.write_bytes(PNG)
    context = browser.new_context(
        service_workers="block",
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        has_touch=True,
        is_mobile=True,
        geolocation={"latitude": 31.705, "longitude": 119.94},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    # The map runs under the Content-Security-Policy (no inline script, nothing from another site).
    page.add_init_script("""window.__csp = []; document.addEventListener('securitypolicyviolation',
      e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));""")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{base}/tips/", timeout=60_000)  # the browser's first page: slow on a busy machine
    page.fill("#id_title", WHAT)
    submit(page, page.locator("[data-testid=tip-submit]"))
    assert "请选择您看到问题的区县" in page.locator("[data-testid=form-error]").inner_text()
    assert page.input_value("#id_title") == WHAT
    assert not Tip.objects.exists()

    page.select_option("#id_region", str(county.pk))
    page.fill("#id_address", "武宜路88号东侧桥下")
    tip_map = page.locator("[data-testid=tip-map]")
    expect(tip_map).to_be_visible()  # shown by tip-map.js; without JavaScript only the two fields are there
    page.click("[data-testid=geolocate]")
    # A locator wait, not wait_for_function: the page's CSP forbids the eval its polling relies on.
    expect(page.locator("#id_latitude")).to_have_value("31.705000", timeout=15_000)
    expect(tip_map.locator("svg path")).to_have_count(1)  # the phone's spot is marked (no grids in this city)
    # The citizen moves the spot by tapping the map a little to the right of it: the fields take the tapped spot.
    box = tip_map.bounding_box()
    tip_map.tap(position={"x": box["width"] / 2 + 40, "y": box["height"] / 2 - 20})
    expect(page.locator("#id_longitude")).not_to_have_value("119.940000")
    tapped = (float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude")))
    assert abs(tapped[0] - 31.705) < 0.01 and 119.94 < tapped[1] < 119.95, tapped
    assert tip_map.locator(".leaflet-tile").count() == 0  # no map tiles: nothing loaded from a tile server
    assert page.evaluate("window.__csp") == [] and errors == []
    page.set_input_files("#id_photos", str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "tip-01-phone-form")
    submit(page, page.locator("[data-testid=tip-submit]"))
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert len(code) == 14 and "收到举报" not in code
    assert page.locator("[data-testid=tip-steps] li[data-done='1']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "tip-02-tracking-code")
    tip = Tip.objects.select_related("lead").get()
    assert (tip.lead.region, float(tip.latitude), float(tip.longitude), tip.photos.count()) == (county, *tapped, 1)

    # The officer sees the spot on the lead's own map.
    staff = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = staff.new_page()
    desk.set_default_timeout(15_000)
    sign_in(desk, base, "zhou")
    desk.goto(f"{base}/leads/{tip.lead_id}/")
    expect(desk.locator("[data-testid=lead-tip-map] svg path")).to_have_count(1)
    shot(desk, "tip-02b-lead-spot")
    staff.close()

    with transaction.atomic():
        lead_close(
            lead_id=tip.lead_id,
            actor=people["zhou"],
            reason=Lead.CloseReason.NO_VIOLATION,
            note="周明夜间复查，排口无排放",
        )

    page.goto(f"{base}/tips/")
    page.fill("[data-testid=find-code]", code.lower())
    submit(page, page.locator("[data-testid=find-code] + button"))
    assert "经核查，未发现违法行为。" in page.locator("[data-testid=tip-outcome]").inner_text()
    text = page.inner_text("body")
    assert "周明" not in text and "复查" not in text and tip.lead.number not in text
    shot(page, "tip-03-outcome")
    context.close()
