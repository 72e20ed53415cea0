"""Every kind of page still works under the Content-Security-Policy: no violation is reported, ECharts draws,
htmx and the page behaviours load, the admin and the API docs run."""

from __future__ import annotations

import pytest
from browser_steps import PASSWORD, sign_in, wujin_staff

from ecoenforce.core.models import Role, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Collect what the browser refuses: securitypolicyviolation events survive navigation through the init script.
WATCH = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));"""


def test_pages_run_under_the_policy(live_server, page):
    _region, _industry, people = wujin_staff([("chen", Role.UNIT_LEADER, "陈建华", "32041200003")])
    admin = User(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, full_name="系统管理员"
    )
    admin.set_password(PASSWORD)
    admin.save()
    base = live_server.url
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, base, "chen")  # lands on the work queue
    assert page.evaluate("window.__csp") == []
    page.goto(base + "/")  # the dashboard, with its charts
    assert page.evaluate("typeof htmx") == "object"
    charts = page.locator("[data-chart]")
    assert charts.count() == 3
    for i in range(3):  # ECharts drew into every chart box
        assert charts.nth(i).locator("canvas").count() == 1
    for path in ("/accounts/tokens/", "/accounts/password/", "/cases/", "/public/"):
        page.goto(base + path)
        assert page.evaluate("window.__csp") == [], path

    page.goto(base + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI rendered the operations
    assert page.evaluate("window.__csp") == []

    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + "/admin/core/user/add/")
    page.wait_for_selector("#id_username")
    assert page.evaluate("window.__csp") == []
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
    assert people["chen"].username == "chen"
