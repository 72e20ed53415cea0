"""Issue 9 item 3: the installable web app — the service worker from the site root with the scope header and a
JavaScript type (no inline script anywhere: the CSP stays), the manifest (生态环境执法, icons, start on the work
list, standalone), the offline page in both languages, and the outbox on every signed-in page."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_with_its_scope():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "__VERSION__" not in body and "ee-shell-" in body
    config = json.loads(body.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert "/onsite/" in config["pages"] and config["offline"] == "/offline/"
    assert config["static"] == settings.STATIC_URL  # never static(""): the manifest storage has no entry for it
    for url in config["shell"]:  # every pre-cached file exists
        assert finders.find(url.removeprefix(config["static"])), url
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_manifest_installs_the_work_list():
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    doc = json.loads(response.content)
    assert (doc["name"], doc["start_url"], doc["display"]) == ("生态环境执法", "/onsite/", "standalone")
    sizes = {icon["sizes"] for icon in doc["icons"]}
    assert {"192x192", "512x512"} <= sizes and any(i.get("purpose") == "maskable" for i in doc["icons"])


def test_the_offline_page_speaks_both_languages():
    body = Client().get("/offline/").content.decode()
    assert "没有网络" in body and "No network" in body
    assert "<script>" not in body


def test_signed_in_pages_carry_the_manifest_and_the_outbox(client, inspector_wj):
    client.force_login(inspector_wj)
    body = client.get("/planning/tasks/").content.decode()
    assert 'rel="manifest"' in body and "offline/register.js" in body and "offline/outbox.js" in body
    assert 'data-outbox' in body and f'name="ecoenforce-user" content="{inspector_wj.pk}"' in body
