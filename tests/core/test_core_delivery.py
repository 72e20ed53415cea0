"""Delivery: static files hashed, gzip- and brotli-compressed and cached for good; a favicon; error pages in the
product's layout and language (403, 404, a failed CSRF check, and a 500 that renders with the database down)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings

from ecoenforce.serving import collect_static

MANIFEST = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
IMMUTABLE = "max-age=315360000, public, immutable"


@pytest.mark.slow
@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_cached_for_good(tmp_path):
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=str(tmp_path), WHITENOISE_USE_FINDERS=False):
        assert collect_static() is True
        assert collect_static() is False  # nothing changed: a restart does not compress everything again
        hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        echarts = hashed["vendor/echarts/echarts.min.js"]
        assert re.fullmatch(r"vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js", echarts)
        source = (tmp_path / echarts).stat().st_size
        assert (tmp_path / f"{echarts}.br").stat().st_size < source / 3
        assert (tmp_path / f"{echarts}.gz").stat().st_size < source / 2.5

        client = Client()
        page = client.get("/accounts/login/").content.decode()
        css = hashed["vendor/tabler/tabler.min.css"]
        assert f'href="/static/{css}"' in page
        assert f'href="/static/{hashed["ecoenforce/favicon.svg"]}"' in page

        brotli = client.get(f"/static/{css}", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert (brotli.status_code, brotli["Content-Encoding"], brotli["Cache-Control"]) == (200, "br", IMMUTABLE)
        body = b"".join(brotli.streaming_content)
        assert len(body) == (tmp_path / f"{css}.br").stat().st_size
        gzip = client.get(f"/static/{css}", HTTP_ACCEPT_ENCODING="gzip")
        assert (gzip["Content-Encoding"], gzip["Cache-Control"]) == ("gzip", IMMUTABLE)
        plain = client.get("/static/vendor/tabler/tabler.min.css")  # the unhashed name may change: short cache
        assert plain["Cache-Control"] == "max-age=60, public"

        icon = client.get("/favicon.ico")
        assert (icon.status_code, icon["Content-Type"]) == (200, "image/x-icon")
        assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"


def _error_page(response) -> tuple[int, str, str]:
    html = response.content.decode()
    title = re.search(r'data-testid="error-title">([^<]*)<', html).group(1)
    message = re.search(r'data-testid="error-message">([^<]*)<', html).group(1)
    return response.status_code, title, message


@pytest.mark.django_db
def test_an_unknown_address_gets_a_translated_page_in_the_layout(inspector_wj):
    anonymous = Client()
    response = anonymous.get("/no/such/page/")
    assert _error_page(response) == (404, "页面不存在", "此地址没有页面。请检查地址，或从菜单重新开始。")
    assert '<a href="/public/" class="btn btn-outline-secondary">首页</a>' in response.content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    english.force_login(inspector_wj)
    response = english.get("/cases/nothing-here/")
    assert _error_page(response) == (
        404, "Page not found", "There is no page at this address. Check the address, or start again from the menu.")
    assert 'data-testid="whoami"' in response.content.decode()  # the signed-in layout, with the menu
    assert english.get("/api/v1/no-such-endpoint").json() == {
        "code": "NotFound", "details": {},
        "message": "There is no page at this address. Check the address, or start again from the menu."}


@pytest.mark.django_db
def test_a_form_with_an_expired_csrf_token_gets_a_translated_page(inspector_wj):
    client = Client(enforce_csrf_checks=True)
    client.force_login(inspector_wj)
    response = client.post("/accounts/tokens/", {"name": "平板"})
    status, title, message = _error_page(response)
    assert (status, title) == (403, "表单已过期")
    assert message.startswith("表单未被接受：")


@pytest.mark.django_db
def test_the_500_page_renders_with_the_database_down(monkeypatch, inspector_wj):
    client = Client(raise_request_exception=False)
    client.force_login(inspector_wj)
    client.cookies["django_language"] = "en"

    def down(self):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", down)
    response = client.get("/cases/")
    assert _error_page(response) == (500, "Server error", (
        "The server failed while answering. If you were saving something, check whether it was saved before you "
        "try again. If it keeps happening, tell the administrator the time it happened."))
    assert 'href="/static/vendor/tabler/tabler.min.css"' in response.content.decode()
    api = client.get("/api/v1/leads/")
    assert (api.status_code, api.json()["code"]) == (500, "ServerError")


def test_every_page_names_the_favicon():
    base = (Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / "templates" / "base.html").read_text()
    assert "<link rel=\"icon\" href=\"{% static 'ecoenforce/favicon.svg' %}\" type=\"image/svg+xml\">" in base
