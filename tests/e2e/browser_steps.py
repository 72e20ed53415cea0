"""Steps the browser tests share: reference rows on the flushed live-server database, signing in and out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from ecoenforce.core.models import Organization, Region, User
from ecoenforce.registry.models import Industry

PASSWORD = "Loop@2026x"


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    """Live-server tests run on a flushed database: make the reference rows they need if missing."""
    return Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[
        0
    ]


def reference() -> tuple[Region, Region, Industry]:
    """常州市, 武进区 and one industry."""
    province = _region("320000", "江苏省", "province", None)
    city = _region("320400", "常州市", "city", province)
    county = _region("320412", "武进区", "county", city)
    industry = Industry.objects.get_or_create(
        code="1713", defaults={"name_zh": "棉印染精加工", "name_en": "Cotton dyeing"}
    )[0]
    return city, county, industry


def wujin_staff(staff: list[tuple[str, str, str, str]]) -> tuple[Region, Industry, dict[str, User]]:
    """The city bureau and Wujin's brigade with these (username, role, name, certificate) people, all at Wujin."""
    city_region, county_region, industry = reference()
    city = Organization.objects.create(
        name="常州市生态环境综合行政执法支队",
        short_name="常",
        kind=Organization.Kind.CITY_BUREAU,
        region=city_region,
    )
    wujin = Organization.objects.create(
        name="武进区生态环境综合行政执法大队",
        short_name="武",
        parent=city,
        kind=Organization.Kind.COUNTY_BUREAU,
        region=county_region,
    )
    people = {}
    for username, role, name, cert in staff:
        user = User(username=username, role=role, full_name=name, organization=wujin, certificate_no=cert)
        user.set_password(PASSWORD)
        user.save()
        people[username] = user
    return county_region, industry, people


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(re.compile(r".*/$"))


def sign_out(page) -> None:
    page.click("form[action$='/logout/'] button")
    page.wait_for_url(re.compile(r".*/accounts/login/$"))


def submit(page, button) -> None:
    """Click a form's button and wait for the page the server answers with (a redirect or the form again)."""
    with page.expect_navigation():
        button.click()


def wait_until(page, script: str, arg=None, what: str = "") -> None:
    """Poll `script` in the page until it is truthy (30 s). Polled with evaluate, not wait_for_function: the
    product's CSP forbids the eval Playwright's polling relies on."""
    for _ in range(300):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(what)


@contextmanager
def phone_with_work_list(browser, base: str, username: str) -> Iterator[tuple]:
    """(context, page): a phone-sized touch browser, signed in, on the work list with the service worker in
    control (it keeps the day's forms for offline use); closed afterwards."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, base, username)
        page.goto(f"{base}/onsite/")
        wait_until(page, "navigator.serviceWorker.controller !== null", what="the service worker never took the page")
        yield context, page
    finally:
        context.close()
