"""Offline sync figures (issue 9): a 20-photo inspection (5 MB each) sent over a throttled link in resumable chunks,
and the inspector's work list loaded on a phone profile.

    .venv/bin/python bench/sync.py [--photos 20] [--mb 5] [--mbit 2] [--chunk-kib 512] [--skip-phone]

Everything runs against the real serving stack (gunicorn, as `make up` runs it) on a fresh SQLite database under
var/bench-sync/ (created, migrated and seeded by this run: one Wujin brigade, three officers, a drawn round), port 8115.

Upload: the client (asyncio, raw HTTP/1.1 on one kept-alive connection) throttles what it writes with a token
bucket at --mbit; each photo goes as the outbox sends it — POST /api/v1/uploads, PUT 512 KiB chunks at the
server's offset, POST complete (the server re-hashes and stores the blob). The baseline, measured in the same run
over the same throttle, is one unchunked request carrying the same bytes to a sink that only reads them: the
ratio is what chunking, hashing, storing and the extra round trips cost over the bare transfer. Then one more
photo is cut off half-way through a chunk (the socket closed), resumed from GET /api/v1/uploads/{id}, and the
bytes sent again are counted. Every blob is verified (SHA-256 of the stored file = the declared one).

Phone: Playwright with Debian's Chromium, 390×844, CDP `Emulation.setCPUThrottlingRate` 4× and
`Network.emulateNetworkConditions` at DevTools' "Fast 3G" (562.5 ms latency, 1.44 Mbit/s down, 0.675 Mbit/s up).
Measured from navigation start to the load event: the sign-in page (same layout, no per-user work; the
baseline), the work list on a first visit (nothing cached), again once the service worker has installed, and
offline from the service worker's cache.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench-sync"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
os.environ["ECOENFORCE_VAR_DIR"] = str(VAR)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")

PASSWORD = "Bench@2026x"
PORT = 8115


# --- the server ---------------------------------------------------------------------------------------------

def prepare() -> None:
    """A fresh database with one brigade, three certified officers and a drawn round (their tasks)."""
    import datetime as dt
    from decimal import Decimal

    import django

    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "ecoenforce.sqlite3").unlink(missing_ok=True)
    shutil.rmtree(VAR / "files", ignore_errors=True)
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from browser_steps import wujin_staff

    from ecoenforce.core.models import Role
    from ecoenforce.planning.rounds import round_commit, round_draw
    from ecoenforce.registry.models import PermitClass, RegulatedEntity
    from ecoenforce.registry.services import entity_create
    from ecoenforce.registry.uscc import uscc_make
    from ecoenforce.serving import collect_static

    county, industry, people = wujin_staff([("zhou", Role.INSPECTOR, "周明", "32041200001"),
                                            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
                                            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003")])
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    for n in range(1, 31):
        entity = entity_create(actor=None, uscc=uscc_make("91320412", f"MA2BT{n:03d}"), name=f"常州基准测试化工有限公司{n}",
                               industry=industry, region=county, address=f"常州市武进区湖塘镇测试路{n}号",
                               permit_class=PermitClass.KEY, legal_representative="张卫东")
        RegulatedEntity.objects.filter(pk=entity.pk).update(risk_class=["special", "key", "general"][n % 3])
    today = timezone.localdate()
    round_ = round_commit(actor=people["chen"], title="基准测试轮次", period_start=today,
                          period_end=today + dt.timedelta(days=30),
                          ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")})
    round_draw(actor=people["chen"], round_id=round_.pk)
    collect_static()
    from django.db import connections

    connections.close_all()


def start_server() -> subprocess.Popen:
    from ecoenforce.serving import gunicorn_argv

    argv = gunicorn_argv(host="127.0.0.1", port=PORT, workers=2, threads=4, access_log=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(proc.stderr.read().decode()[-2000:]) from None
            time.sleep(0.5)
    raise SystemExit("the server did not answer")


# --- a throttled HTTP/1.1 client ----------------------------------------------------------------------------

class Bucket:
    """Token bucket: `rate` bytes per second, bursts of one slice."""

    def __init__(self, mbit: float):
        self.rate = mbit * 1_000_000 / 8
        self.sent = 0
        self.start = None

    async def take(self, n: int) -> None:
        if self.start is None:
            self.start = time.perf_counter()
        self.sent += n
        due = self.start + self.sent / self.rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)

    def reset(self) -> None:
        self.sent, self.start = 0, None


class Cut(Exception):
    """The link dropped (the bench closes the socket on purpose)."""


class Client:
    SLICE = 16 * 1024

    def __init__(self, port: int, bucket: Bucket, cookie: str = "", csrf: str = ""):
        self.port, self.bucket, self.cookie, self.csrf = port, bucket, cookie, csrf
        self.reader = self.writer = None
        self.body_bytes = 0  # request body bytes written (what the link carried)
        self.chunk_bytes = 0  # file bytes in requests that went through whole
        self.cut_bytes = 0  # file bytes of a request cut off (sent again after the resume)

    async def request(self, method: str, path: str, body: bytes = b"", content_type: str = "application/json",
                      cut_after: int | None = None) -> tuple[int, dict]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(body)}",
                f"Content-Type: {content_type}", "Accept: application/json"]
        if self.cookie:
            head += [f"Cookie: {self.cookie}", f"X-CSRFToken: {self.csrf}", f"Referer: http://127.0.0.1:{self.port}/"]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode()
        await self.bucket.take(len(raw))
        self.writer.write(raw)
        view = memoryview(body)
        for start in range(0, len(body), self.SLICE):
            piece = view[start:start + self.SLICE]
            if cut_after is not None and start >= cut_after:
                self.cut_bytes += start
                self.writer.close()
                self.reader = self.writer = None
                raise Cut()
            await self.bucket.take(len(piece))
            self.writer.write(piece)
            self.body_bytes += len(piece)
            await self.writer.drain()
        if content_type == "application/octet-stream":
            self.chunk_bytes += len(body)
        status_line = (await self.reader.readuntil(b"\r\n")).decode()
        headers = {}
        while True:
            line = (await self.reader.readuntil(b"\r\n")).decode().strip()
            if not line:
                break
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        content = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.reader = self.writer = None
        return int(status_line.split()[1]), json.loads(content) if content.startswith(b"{") else {}


def sign_in(username: str) -> tuple[str, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(f"http://127.0.0.1:{PORT}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/accounts/login/", data=form.encode(),
                                     headers={"Referer": f"http://127.0.0.1:{PORT}/"})
    opener.open(request).read()
    jar = {c.name: c.value for c in opener.handlers[[type(h).__name__ for h in opener.handlers].index(
        "HTTPCookieProcessor")].cookiejar}
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}", jar["csrftoken"]


async def upload(client: Client, data: bytes, chunk: int, *, cut_at: int | None = None) -> tuple[str, int]:
    """The outbox's protocol for one file; returns (sha256, chunks). With `cut_at`, the link drops once that many
    bytes of the file went, then the upload resumes from the server's offset on a new connection."""
    sha = hashlib.sha256(data).hexdigest()
    status, session = await client.request("POST", "/api/v1/uploads", json.dumps(
        {"sha256": sha, "size": len(data), "filename": "IMG.jpg"}).encode())
    assert status in (200, 201), session
    received, chunks = session["received"], 0
    while received < len(data):
        piece = data[received:received + chunk]
        cut = None
        if cut_at is not None and received <= cut_at < received + len(piece):
            cut, cut_at = cut_at - received, None
        try:
            status, session = await client.request("PUT", f"/api/v1/uploads/{session['id']}/chunks?offset={received}",
                                                   piece, "application/octet-stream", cut_after=cut)
        except Cut:
            await asyncio.sleep(0.5)  # the server notices the dropped request
            status, session = await client.request("GET", f"/api/v1/uploads/{session['id']}")
            received = session["received"]
            continue
        assert status == 200, session
        received, chunks = session["received"], chunks + 1
    status, done = await client.request("POST", f"/api/v1/uploads/{session['id']}/complete")
    assert status == 200 and done["sha256"] == sha, done
    return sha, chunks


async def sink_baseline(total: bytes, mbit: float) -> float:
    """One unchunked request with the same bytes over the same throttle, to a sink that reads and answers."""
    async def handle(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        while length:
            length -= len(await reader.read(min(length, 1 << 20)))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = Client(port, Bucket(mbit))
    t0 = time.perf_counter()
    await client.request("PUT", "/sink", total, "application/octet-stream")
    seconds = time.perf_counter() - t0
    server.close()
    return seconds


def blob_ok(sha: str) -> bool:
    path = VAR / "files" / "blobs" / sha[:2] / sha
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha


async def upload_figures(args) -> None:
    photos = [b"\xff\xd8\xff\xe0" + os.urandom(args.mb * 1_000_000 - 4) for _ in range(args.photos)]
    total = sum(len(p) for p in photos)
    cookie, csrf = sign_in("zhou")
    baseline = await sink_baseline(b"".join(photos), args.mbit)
    client = Client(PORT, Bucket(args.mbit), cookie, csrf)
    t0 = time.perf_counter()
    shas, chunks = [], 0
    for photo in photos:
        sha, n = await upload(client, photo, args.chunk_kib * 1024)
        shas.append(sha)
        chunks += n
    seconds = time.perf_counter() - t0
    verified = sum(blob_ok(s) for s in shas)
    # One more photo, cut off 60 % into its third chunk, then resumed.
    extra = b"\xff\xd8\xff\xe0" + os.urandom(args.mb * 1_000_000 - 4)
    cut_client = Client(PORT, Bucket(args.mbit), cookie, csrf)
    cut_at = min(int(args.chunk_kib * 1024 * 2.6), len(extra) // 2)
    sha, _n = await upload(cut_client, extra, args.chunk_kib * 1024, cut_at=cut_at)
    # What the link carried for this photo beyond its size: the bytes of the cut request that the server had not
    # kept (a dropped body ends early; the server keeps what arrived and reports it as the offset to resume from).
    sent_again = cut_client.chunk_bytes + cut_client.cut_bytes - len(extra)
    mb = total / 1_000_000
    print(f"Upload: {args.photos} photos × {args.mb} MB = {mb:.0f} MB over a {args.mbit:g} Mbit/s client-side token "
          f"bucket, {args.chunk_kib} KiB chunks ({chunks} PUTs)")
    print("| what | seconds | MB/s | × baseline |")
    print("|---|---|---|---|")
    print(f"| baseline: one unchunked request, same bytes, same throttle, to a sink | {baseline:.1f} | "
          f"{mb / baseline:.2f} | 1.00 |")
    print(f"| outbox protocol: start, chunks at the server's offset, complete (re-hash, store) × {args.photos} | "
          f"{seconds:.1f} | {mb / seconds:.2f} | {seconds / baseline:.2f} |")
    print(f"blobs verified (stored SHA-256 = declared): {verified}/{args.photos}; cut at byte {cut_at:,} of a "
          f"{len(extra):,}-byte photo and resumed from the server's offset: {cut_client.cut_bytes:,} bytes had gone "
          f"before the cut, {sent_again:,} bytes were sent again, blob verified: {blob_ok(sha)}")


# --- the work list on a phone profile -------------------------------------------------------------------------

FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
           "uploadThroughput": 750 * 1024 / 8 * 0.9}


def phone_figures(runs: int) -> None:
    from e2e_chromium import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{PORT}"
    from django.urls import Resolver404, resolve

    try:
        resolve("/onsite/")
        work_list = "/onsite/"
    except Resolver404:
        work_list = None

    def load_ms(page, url: str) -> float:
        page.goto(url, wait_until="load")
        timing = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; "
                               "return n.loadEventEnd - n.startTime; }")
        return float(timing)

    rows: dict[str, list[float]] = {"baseline": [], "cold": [], "warm": [], "offline": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                          device_scale_factor=3, locale="zh-CN")
            # Sign in without opening a signed-in page (which would install the service worker already).
            login = context.request.get(f"{base}/accounts/login/").text()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
            context.request.post(f"{base}/accounts/login/", headers={"Referer": f"{base}/"}, max_redirects=0,
                                 form={"username": "zhou", "password": PASSWORD, "csrfmiddlewaretoken": token})
            target = work_list or "/planning/tasks/"
            fresh = context.new_page()  # signed in, nothing cached, no service worker yet
            cdp = context.new_cdp_session(fresh)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            rows["cold"].append(load_ms(fresh, base + target))
            fresh.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)
            # The worker keeps the shell and the day's forms (fetched under the same throttle): measure once it is
            # done, i.e. the cached pages stop growing.
            seen, still = -1, 0
            while still < 3:
                fresh.wait_for_timeout(1000)
                n = fresh.evaluate("() => caches.open('ee-pages').then(c => c.keys()).then(k => k.length)")
                still, seen = (still + 1, seen) if n == seen else (0, n)
            rows["warm"].append(load_ms(fresh, base + target))
            context.set_offline(True)
            rows["offline"].append(load_ms(fresh, base + target))
            context.close()
            anon = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
            page = anon.new_page()
            cdp = anon.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            rows["baseline"].append(load_ms(page, f"{base}/accounts/login/"))
            anon.close()
        browser.close()
    med = {k: sorted(v)[len(v) // 2] for k, v in rows.items()}
    print(f"\nWork list {work_list or '/planning/tasks/ (the on-site work list is not installed)'} on a phone "
          f"profile: 390×844, CPU 4× slower, Fast 3G; median of {runs} runs, navigation start → load event")
    print("| what | ms | × baseline |")
    print("|---|---|---|")
    labels = {"baseline": "baseline: sign-in page, first visit", "cold": "work list, first visit (nothing cached)",
              "warm": "work list, service worker installed (shell from cache, page from network)",
              "offline": "work list, offline (page and shell from the service worker)"}
    for key in ("baseline", "cold", "warm", "offline"):
        print(f"| {labels[key]} | {med[key]:.0f} | {med[key] / med['baseline']:.2f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=20)
    ap.add_argument("--mb", type=int, default=5)
    ap.add_argument("--mbit", type=float, default=2.0)
    ap.add_argument("--chunk-kib", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3, help="phone-profile runs (median reported)")
    ap.add_argument("--skip-phone", action="store_true")
    ap.add_argument("--skip-upload", action="store_true")
    args = ap.parse_args()
    prepare()
    proc = start_server()
    try:
        if not args.skip_upload:
            asyncio.run(upload_figures(args))
        if not args.skip_phone:
            phone_figures(args.runs)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
