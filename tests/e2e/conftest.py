"""Real-browser fixtures: Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the main thread; the ORM calls these tests make between
# browser steps are plain synchronous code, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from e2e_chromium import CHROMIUM, CHROMIUM_ARGS, OUTPUT  # noqa: E402,F401 (re-exported for the fixtures)


def pytest_collection_modifyitems(session, config, items):
    """Run the browser tests last: Playwright's sync API keeps an event loop in the main thread while open."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make system-deps` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # Service workers are blocked in every browser test but the offline one: the installed worker prefetches the day's
    # pages in parallel, and the live test server shares one SQLite connection across its threads, which then wait on
    # each other for good (a page-fit run hung on it). tests/e2e/test_offline_inspection.py tests the worker itself.
    context = browser.new_context(
        service_workers="block", viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shot():
    """Save a screenshot under test-output/e2e/ and return its path."""
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
