"""Finding a region in a real browser: the admin's region field is a search box (Django's own autocomplete, from our
static files, under the Content-Security-Policy) and a list filter with thousands of counties gets a search box."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_steps import PASSWORD

from ecoenforce.core.models import Region, Role, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


def _all_regions() -> None:
    """The live server's database is flushed between tests: put the 3,212 divisions back, parents first."""
    rows = json.loads(
        (
            Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / "core" / "seed" / "regions.json"
        ).read_text(encoding="utf-8")
    )["regions"]
    have = set(Region.objects.values_list("code", flat=True))
    for level in ("province", "city", "county"):
        parents = {r.code: r for r in Region.objects.all()}
        Region.objects.bulk_create(
            [
                Region(code=r["code"], name=r["name"], level=level, parent=parents.get(r["parent"]))
                for r in rows
                if r["level"] == level and r["code"] not in have
            ]
        )


def test_a_region_is_found_by_typing_and_shown_with_its_city(live_server, page):
    _all_regions()
    admin = User(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, full_name="系统管理员"
    )
    admin.set_password(PASSWORD)
    admin.save()
    base = live_server.url
    page.add_init_script(WATCH)
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)

    page.goto(base + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + "/admin/registry/regulatedentity/add/")
    page.click(".field-region .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "城区")
    options = page.locator(".select2-results__option")
    options.filter(has_text="阳泉市 / 城区").wait_for()
    assert options.nth(0).inner_text() in {"阳泉市 / 城区", "晋城市 / 城区", "汕尾市 / 城区"}
    options.filter(has_text="阳泉市 / 城区").click()
    assert page.locator("select[name=region]").input_value() == str(Region.objects.get(code="140302").pk)
    assert (
        page.locator(".field-region .select2-selection__rendered")
        .inner_text()
        .strip()
        .endswith("阳泉市 / 城区")
    )

    # The entity list's county filter (an administrator sees the whole country) is searchable too.
    page.goto(base + "/registry/entities/")
    page.fill("[data-testid=select-search]", "阳泉 城区")
    assert page.locator("select[name=region]").input_value() == "140302"
    assert (
        page.locator("select[name=region] option:not([hidden])").count() == 2
    )  # "All counties" and the match
    assert page.evaluate("window.__csp") == []
    assert foreign == []
