"""No page scrolls sideways and every list keeps its key columns in sight, at desktop and phone sizes, in Chinese
and English, for each role's pages (the list is `pages_to_fit.PAGES`; add yours there)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from e2e_chromium import CHROMIUM, CHROMIUM_ARGS, OUTPUT
from pages_to_fit import PAGES, demo_objects
from playwright.sync_api import expect

from ecoenforce.demo.seed import DEMO_PASSWORD, DemoSeeder

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
LANGS = ("zh-hans", "en")

# A table's columns out of sight: its nearest scrolling box is narrower than its content (as pagecheck.py measures).
HIDDEN_COLUMNS = """() => [...document.querySelectorAll('table')].map(t => {
  let box = t.parentElement;
  while (box && box.scrollWidth <= box.clientWidth + 1 && box !== document.body) box = box.parentElement;
  return box && box !== document.body ? box.scrollWidth - box.clientWidth : 0; }).filter(px => px > 1)"""
# Each key column: its heading and its first row's cell shown and inside the window.
KEY_COLUMNS = """(keys) => keys.map(key => {
  const heads = [...document.querySelectorAll(`th[data-key="${key}"]`)];
  if (!heads.length) return `${key}: no such column`;
  for (const th of heads) {
    const inside = el => { const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth + 0.5; };
    if (!inside(th)) return `${key}: heading out of sight`;
    const table = th.closest('table'), index = [...th.parentElement.children].indexOf(th);
    const row = [...table.tBodies].flatMap(b => [...b.rows]).find(r => !r.classList.contains('fold-row')
      && r.cells.length === th.parentElement.children.length);
    if (row && !inside(row.cells[index])) return `${key}: cells out of sight`;
  }
  return null; }).filter(Boolean)"""


class SmallDemo(DemoSeeder):
    """The demo city at 5 % of its entities and a few days of monitoring: the same pages, in seconds."""

    def monitoring_warnings(self) -> None:
        from ecoenforce.warnings.demo import monitoring_demo

        monitoring_demo(entities=6, days=4, end=self.today - dt.timedelta(days=1))


@pytest.fixture
def small_demo(seeded_reference, settings, tmp_path):
    settings.LAKE_DIR = tmp_path / "lake"
    settings.SPOOL_DIR = tmp_path / "spool"
    settings.DEVICE_SNAPSHOT = tmp_path / "gateway" / "devices.json"
    settings.FILES_DIR = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert SmallDemo(entity_scale=0.05, log=lambda *_: None).run()
    return demo_objects()


@pytest.mark.skipif(
    "postgres" in os.environ.get("DATABASE_URL", ""),
    reason="layout does not depend on the database; run once, on SQLite",
)
def test_every_page_fits_with_its_key_columns_in_sight(live_server, small_demo):
    # The browser starts after the demo is seeded: the demo's gateway feed runs its own asyncio loop, which cannot
    # start while Playwright's is running (so this test does not use the module-wide `browser` fixture).
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            problems, visits = _visit_every_page(browser, live_server.url, small_demo)
        finally:
            browser.close()
    assert visits == 2 * 2 * sum(len(p.users) for p in PAGES)
    assert problems == [], "\n".join(problems)


def _visit_every_page(browser, base: str, objects: dict) -> tuple[list[str], int]:
    problems: list[str] = []
    visits = 0
    for size, (width, height) in SIZES.items():
        for lang in LANGS:
            by_user: dict[str | None, list] = {}
            for spec in PAGES:
                for user in spec.users:
                    by_user.setdefault(user, []).append(spec)
            for user, specs in by_user.items():
                context = browser.new_context(
                    service_workers="block", viewport={"width": width, "height": height}, locale=lang
                )
                context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
                page = context.new_page()
                page.set_default_timeout(20_000)
                errors: list[str] = []
                page.on(
                    "console",
                    lambda m, errors=errors: errors.append(m.text[:120]) if m.type == "error" else None,
                )
                if user:
                    page.goto(f"{base}/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", DEMO_PASSWORD)
                    with page.expect_navigation():
                        page.press("#id_password", "Enter")
                for spec in specs:
                    path = spec.path.format(**objects)
                    where = f"{size} {lang} {user or 'public'} {path}"
                    errors.clear()
                    response = page.goto(base + path)
                    expect(page.locator("html")).to_have_attribute("data-fold-ready", "1", timeout=15_000)
                    visits += 1
                    found = []
                    if response is None or response.status >= 400:
                        found.append(f"status {response.status if response else 'none'}")
                    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if sideways > 0:
                        found.append(f"scrolls sideways by {sideways}px")
                    found += [f"a table hides {px}px of columns" for px in page.evaluate(HIDDEN_COLUMNS)]
                    found += page.evaluate(KEY_COLUMNS, list(spec.keys))
                    found += [f"console: {e}" for e in errors]
                    if found:
                        OUTPUT.mkdir(parents=True, exist_ok=True)
                        name = f"fit-{size}-{lang}-{user}-{path.strip('/').replace('/', '_').replace('?', '_')}.png"
                        page.screenshot(path=str(OUTPUT / name), full_page=True)
                        problems.append(f"{where}: {'; '.join(found)}")
                context.close()
    return problems, visits
