"""Capacity: N signed-in users without think time against the real serving stack (gunicorn as `make up` runs it).

    make up                        # once, to seed the demo city; then stop it (or point --base at it)
    .venv/bin/python bench/http_capacity.py [--users 20] [--seconds 30] [--workers 2 --threads 4] [--base URL]

Without --base it starts gunicorn itself with `ecoenforce.serving.gunicorn_argv` — the command `make up` runs —
on port 8114 against the demo database, and stops it at the end. Each virtual user signs in with its own
session (the demo's staff logins in turn), then requests the dashboard and the main list pages in rotation,
each answer read in full on a kept-alive connection, the next request sent at once.

Reported, from the same run: the sign-in page (anonymous, no database) under the same load as the baseline,
then per page p50/p95 and for all pages together p50/p95 and pages per second, with ratios to the baseline.
The load generator is asyncio in one process (≈5 % of one core at 100 pages/s) on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")

PASSWORD = "Demo@2026"
# Leaders see every page below: the city's (all six counties) and Wujin's, mixed as on a busy morning.
USERS = ["cityleader", "leader"]
PAGES = ["/", "/cases/", "/leads/", "/registry/entities/", "/warnings/", "/planning/rounds/"]
BASELINE = "/accounts/login/"


class Connection:
    """One kept-alive HTTP/1.1 connection: GET a path, read the whole answer, return (status, body bytes)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, path: str, cookie: str = "", *, method: str = "GET", body: bytes = b"",
                  headers: dict | None = None) -> tuple[int, dict, bytes]:
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: identity"]
            if cookie:
                lines.append(f"Cookie: {cookie}")
            for key, value in (headers or {}).items():
                lines.append(f"{key}: {value}")
            if body:
                lines.append(f"Content-Length: {len(body)}")
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            try:
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                await self.close()  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
                continue
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            found = {}
            for line in header_lines:
                if ":" in line:
                    key, value = line.split(":", 1)
                    found.setdefault(key.strip().lower(), []).append(value.strip())
            if "chunked" in ",".join(found.get("transfer-encoding", [])):
                content = b""
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                    content += await self.reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                content = await self.reader.readexactly(int(found.get("content-length", ["0"])[0]))
            if "close" in ",".join(found.get("connection", [])).lower():
                await self.close()
            return int(status_line.split()[1]), found, content
        raise RuntimeError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


def cookies_from(headers: dict) -> dict:
    out = {}
    for value in headers.get("set-cookie", []):
        name, _, rest = value.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


async def sign_in(host: str, port: int, username: str) -> str:
    conn = Connection(host, port)
    _status, headers, body = await conn.get(BASELINE)
    jar = cookies_from(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _body = await conn.get(BASELINE, cookie, method="POST", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{host}:{port}/"})
    await conn.close()
    jar.update(cookies_from(headers))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"could not sign in as {username} (status {status})")
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"


async def drive(host: str, port: int, cookies: list[str], paths: list[str], seconds: float, warmup: float):
    """Every user loops over `paths` (each starting at a different one) until time is up; returns samples."""
    samples: list[tuple[str, float]] = []
    errors: list[str] = []
    start = time.perf_counter()
    stop_at = start + warmup + seconds

    async def user(index: int, cookie: str):
        conn = Connection(host, port)
        i = index
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            status, _headers, _body = await conn.get(path, cookie)
            t1 = time.perf_counter()
            if status != 200:
                errors.append(f"{path}: {status}")
            if t0 >= start + warmup and t1 <= stop_at:
                samples.append((path, (t1 - t0) * 1000))
        await conn.close()

    await asyncio.gather(*(user(i, c) for i, c in enumerate(cookies)))
    return samples, errors


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    import django

    from ecoenforce.serving import collect_static, gunicorn_argv

    django.setup()
    collect_static()
    argv = gunicorn_argv(host="127.0.0.1", port=port, workers=workers, threads=threads, access_log=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{BASELINE}", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(proc.stderr.read().decode()[-2000:]) from None
            time.sleep(0.5)
    raise SystemExit("the server did not answer")


async def run(args) -> int:
    url = urllib.parse.urlsplit(args.base)
    host, port = url.hostname, url.port or 80
    cookies = [await sign_in(host, port, USERS[i % len(USERS)]) for i in range(args.users)]
    base_samples, base_errors = await drive(host, port, [""] * args.users, [BASELINE], args.seconds / 2, 2)
    samples, errors = await drive(host, port, cookies, PAGES, args.seconds, 3)
    if errors or base_errors:
        print(f"non-200 answers: {len(errors) + len(base_errors)}, e.g. {(errors + base_errors)[:5]}")
    base_ms = [ms for _p, ms in base_samples]
    base_rate = len(base_samples) / (args.seconds / 2)
    all_ms = [ms for _p, ms in samples]
    rate = len(samples) / args.seconds
    print(f"{args.users} users, no think time, {args.seconds:g} s measured after 3 s warm-up; server {args.base} "
          f"({args.describe})")
    print("| what | p50 ms | p95 ms | pages/s | × baseline p95 |")
    print("|---|---|---|---|---|")
    print(f"| baseline: sign-in page (anonymous) | {pct(base_ms, .5):.0f} | {pct(base_ms, .95):.0f} | "
          f"{base_rate:.0f} | 1.0 |")
    for path in PAGES:
        ms = [m for p, m in samples if p == path]
        print(f"| {path} | {pct(ms, .5):.0f} | {pct(ms, .95):.0f} | {len(ms) / args.seconds:.1f} | "
              f"{pct(ms, .95) / pct(base_ms, .95):.1f} |")
    print(f"| **all signed-in pages** | {pct(all_ms, .5):.0f} | {pct(all_ms, .95):.0f} | {rate:.0f} | "
          f"{pct(all_ms, .95) / pct(base_ms, .95):.1f} |")
    print(f"pages/s, signed-in pages / baseline: {rate / base_rate:.2f}; mean page "
          f"{statistics.mean(all_ms):.0f} ms")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: serving's)")
    ap.add_argument("--threads", type=int, default=None, help="threads per worker (default: serving's)")
    ap.add_argument("--base", default="", help="an already running server instead of starting one")
    ap.add_argument("--port", type=int, default=8114)
    args = ap.parse_args()
    proc = None
    if not args.base:
        from ecoenforce import serving

        workers = args.workers or serving.DEFAULT_WORKERS
        threads = args.threads or serving.DEFAULT_THREADS
        proc = start_server(args.port, workers, threads)
        args.base = f"http://127.0.0.1:{args.port}"
        args.describe = f"gunicorn, {workers} workers × {threads} threads, started by this run"
    else:
        args.describe = "already running"
    try:
        return asyncio.run(run(args))
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
