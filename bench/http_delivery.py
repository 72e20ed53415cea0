"""Cold load of heavy pages on a throttled phone connection: static files as they were (plain, 60-second cache)
against the collected ones (hashed, brotli/gzip, immutable), both served by gunicorn in the same run.

    make up                    # the demo city must be seeded (stop it again: this starts its own servers)
    .venv/bin/python bench/http_delivery.py [--runs 5] [--profile slow4g|fast4g]

Chromium (Debian's) loads each page in a fresh context — empty cache, like a phone that never visited — over
Chrome DevTools' network throttling (no CPU throttling: the machine is shared, network is what changed). A
signed-in session cookie is made over HTTP first so the sign-in page does not warm the cache. Reported per page
and configuration: median load-event time, bytes on the wire, requests; then a second page in the same context
(the cache now warm) and whether it revalidated anything.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")

# Chrome DevTools presets (bytes/s, ms): "Slow 4G" (formerly "Fast 3G") and "Fast 4G".
PROFILES = {
    "slow4g": {"latency": 562.5, "downloadThroughput": 1.6e6 / 8 * 0.9, "uploadThroughput": 750e3 / 8 * 0.9},
    "fast4g": {"latency": 165.0, "downloadThroughput": 9e6 / 8 * 0.9, "uploadThroughput": 1.5e6 / 8 * 0.9},
}
CONFIGS = {
    # name: (settings module, port)
    "before: plain files, max-age 60": ("http_delivery_plain_settings", 8114),
    "after: hashed + brotli, immutable": ("ecoenforce.settings", 8104),
}
USER, PASSWORD = "cityleader", "Demo@2026"


def start(settings_module: str, port: int) -> subprocess.Popen:
    from ecoenforce.serving import gunicorn_argv

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module,
           "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}"}
    argv = gunicorn_argv(host="127.0.0.1", port=port, workers=2, access_log=False)
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server on {port} did not start:\n{proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.5)
    raise SystemExit(f"server on {port} did not answer")


def session_cookie(base: str) -> dict:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": base + "/"}))
    found = {c.name: c.value for c in jar}
    if "sessionid" not in found:
        raise SystemExit(f"could not sign in as {USER} on {base}")
    return found


def load(browser, base: str, cookies: dict, profile: dict, paths: list[str]) -> list[dict]:
    """Load `paths` one after another in one fresh context; per page: load time, bytes, requests, revalidations."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **profile})
    tally = {"bytes": 0, "requests": 0, "not_modified": 0}
    cdp.on("Network.loadingFinished", lambda e: tally.__setitem__("bytes", tally["bytes"] + e["encodedDataLength"]))
    cdp.on("Network.requestWillBeSent", lambda e: tally.__setitem__("requests", tally["requests"] + 1))
    cdp.on("Network.responseReceived",
           lambda e: tally.__setitem__("not_modified", tally["not_modified"] + (e["response"]["status"] == 304)))
    results = []
    for path in paths:
        for key in tally:
            tally[key] = 0
        page.goto(base + path, wait_until="load", timeout=120_000)
        ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        results.append({"ms": ms, **tally})
    context.close()
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="slow4g")
    args = ap.parse_args()

    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from ecoenforce.serving import collect_static
    from ecoenforce.warnings.models import Warning

    warning = Warning.objects.order_by("pk").first()
    if warning is None:
        print("no demo data: run `make up` (or `ecoenforce demo`) first", file=sys.stderr)
        return 1
    collect_static()
    paths = ["/", f"/warnings/{warning.pk}/"]
    servers = {name: start(module, port) for name, (module, port) in CONFIGS.items()}
    figures: dict[str, list[list[dict]]] = {name: [] for name in CONFIGS}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            cookies = {name: session_cookie(f"http://127.0.0.1:{port}") for name, (_m, port) in CONFIGS.items()}
            for _run in range(args.runs):  # alternate, so a busy moment on the machine hits both
                for name, (_module, port) in CONFIGS.items():
                    figures[name].append(load(browser, f"http://127.0.0.1:{port}", cookies[name],
                                              PROFILES[args.profile], paths))
            browser.close()
    finally:
        for proc in servers.values():
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)

    print(f"profile {args.profile}: {PROFILES[args.profile]}, {args.runs} runs, phone viewport 390×844")
    labels = ["dashboard, cold (empty cache)", "warning with chart, next (cache warm)"]
    print("| page | configuration | median load ms | KB on the wire | requests | revalidated (304) |")
    print("|---|---|---|---|---|---|")
    medians = {}
    for i, label in enumerate(labels):
        for name in CONFIGS:
            rows = [run[i] for run in figures[name]]
            ms = statistics.median(r["ms"] for r in rows)
            medians[(i, name)] = ms
            print(f"| {label} | {name} | {ms:.0f} | {statistics.median(r['bytes'] for r in rows) / 1024:.0f} | "
                  f"{statistics.median(r['requests'] for r in rows):.0f} | "
                  f"{statistics.median(r['not_modified'] for r in rows):.0f} |")
    before, after = list(CONFIGS)
    for i, label in enumerate(labels):
        print(f"{label}: after / before = {medians[(i, after)] / medians[(i, before)]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
