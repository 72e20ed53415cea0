"""A citizen files a tip on a phone (390×844) without signing in — first without saying where (refused in words,
what was typed kept), then with the county, an address, the phone's location and a photo — keeps the tracking code,
and later follows the tip by typing the code: the bureau verified it and the outcome is there in plain words."""

from __future__ import annotations

import pytest
from browser_steps import reference, submit, wujin_staff
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

    page.goto(f"{base}/tips/")
    page.fill("#id_title", WHAT)
    submit(page, page.locator("[data-testid=tip-submit]"))
    assert "请选择您看到问题的区县" in page.locator("[data-testid=form-error]").inner_text()
    assert page.input_value("#id_title") == WHAT
    assert not Tip.objects.exists()

    page.select_option("#id_region", str(county.pk))
    page.fill("#id_address", "武宜路88号东侧桥下")
    page.click("[data-testid=geolocate]")
    # A locator wait, not wait_for_function: the page's CSP forbids the eval its polling relies on.
    expect(page.locator("#id_latitude")).not_to_have_value("", timeout=15_000)
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
    assert (tip.lead.region, str(tip.latitude), tip.photos.count()) == (county, "31.705000", 1)

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
