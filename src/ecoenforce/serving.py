"""How the web app is served: static files collected once, and the gunicorn command line.

`ecoenforce up` (and whatever supervises the web process) calls `collect_static()` before starting and
`gunicorn_argv()` for the command to run, so a benchmark, the demo and a real installation serve the same way.
The numbers behind the worker model are in docs/benchmarks.md ("Web capacity").
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from django.conf import settings

STAMP = ".collected"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4


def _static_fingerprint() -> str:
    """What collectstatic would read: every source file's path, size and time, and the storage that writes them."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def collect_static(*, force: bool = False) -> bool:
    """Collect static files into STATIC_ROOT (hashed names, .gz and .br) unless nothing changed since the last time.

    Returns True when it collected. Compressing the vendor files takes tens of seconds on two cores, so a
    restart with the same files skips it.
    """
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = _static_fingerprint()
    if not force and stamp.exists() and stamp.read_text() == fingerprint and (root / "staticfiles.json").exists():
        return False
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    stamp.write_text(fingerprint)
    return True


def gunicorn_argv(*, host: str, port: int, workers: int = DEFAULT_WORKERS, threads: int = DEFAULT_THREADS,
                  access_log: bool = True) -> list[str]:
    """The command that serves the web app (execv it, or run it under a supervisor)."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    argv = [
        gunicorn, "ecoenforce.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers), "--threads", str(threads),
        # Several instances share a machine (demo, tests, benchmarks): no control socket at one fixed path.
        "--no-control-socket",
    ]
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv
