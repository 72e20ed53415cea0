"""The installable web app: the service worker at the site root (`/sw.js`, scope `/`), the manifest and the page shown
when a page is neither online nor cached. None of them reads the database (a page load never writes, and the
service worker is fetched whether or not anyone is signed in)."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# The shell: what every offline page needs, cached when the service worker installs.
SHELL_STATIC = [
    "vendor/tabler/tabler.min.css", "vendor/tabler/tabler.min.js", "vendor/htmx/htmx.min.js",
    "vendor/idb/idb.umd.js", "vendor/signature_pad/signature_pad.umd.min.js",
    "ecoenforce/app.css", "ecoenforce/fold.js", "ecoenforce/page.js", "ecoenforce/favicon.svg",
    "ecoenforce/offline/register.js", "ecoenforce/offline/outbox.js", "ecoenforce/onsite.js",
    "ecoenforce/icons/icon-192.png", "ecoenforce/icons/icon-512.png",
]
# Pages (and their API twins) kept for offline use, network first: the work list and the day's tasks, their
# checklists and record forms, and the entities' facts. Other pages are never cached.
OFFLINE_PREFIXES = [
    "/onsite/", "/planning/tasks/", "/registry/entities/", "/api/v1/planning/tasks", "/api/v1/onsite/",
]
START_URL = "/onsite/"
OFFLINE_URL = "/offline/"


def _shell() -> list[str]:
    return [static(p) for p in SHELL_STATIC]


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """`/sw.js`: the service worker, its cache name derived from the shell's (hashed) file names, so a new release
    installs a new worker and drops the old caches."""
    config = {"shell": _shell(), "pages": [START_URL, OFFLINE_URL], "offline": OFFLINE_URL,
              "prefixes": OFFLINE_PREFIXES, "static": settings.STATIC_URL}
    body = render_to_string("sync/sw.js", {"config": json.dumps(config, ensure_ascii=False)})
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    """`/manifest.webmanifest`: installs as 生态环境执法, opening on the inspector's work list."""
    doc = {
        "name": "生态环境执法", "short_name": "生态执法", "lang": "zh-CN",
        "description": "生态环境现场执法：当天任务、检查表、现场笔录与证据，离线可用。",
        "start_url": START_URL, "scope": "/", "display": "standalone", "orientation": "portrait",
        "background_color": "#f6f8fb", "theme_color": "#1f7a3a",
        "icons": [
            {"src": static("ecoenforce/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("ecoenforce/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("ecoenforce/icons/maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(doc, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8")


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page that is neither reachable nor cached: in both languages, since it
    is cached once and shown whatever the language chosen later."""
    return HttpResponse(render_to_string("sync/offline.html", {}))
