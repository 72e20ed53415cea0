"""A small process supervisor: start every role, restart one that dies (with back-off), stop all on one Ctrl-C.

No Django here: it runs children (`python -m ecoenforce.cli ...`, gunicorn) and relays their output line by line,
prefixed with the role's name. Each child runs in its own session (so a Ctrl-C in the terminal reaches only the
supervisor, which stops the children in order) and is told by the kernel to stop if the supervisor itself dies
(PR_SET_PDEATHSIG on Linux). The state — who runs, since when, restarts, last exit — is written to a JSON file
that `ecoenforce status` reads.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .runstate import write_state

PR_SET_PDEATHSIG = 1
STOP_GRACE = 15.0  # seconds a child gets after SIGTERM before SIGKILL
BACKOFF_FIRST, BACKOFF_MAX, STABLE_AFTER = 1.0, 30.0, 60.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Role:
    """One process of the tree: its name and command line (environment added to the supervisor's own)."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class _Child:
    role: Role
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    last_exit: int | None = None
    last_exit_at: float | None = None
    backoff: float = BACKOFF_FIRST
    start_after: float = 0.0
    buffer: bytes = b""


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat() if epoch else None


class Supervisor:
    """run() blocks until SIGINT/SIGTERM, then stops every child and returns 0."""

    def __init__(self, roles: list[Role], *, state_path: Path, out: Callable[[str], None] | None = None):
        self.children = [_Child(role) for role in roles]
        self.state_path = state_path
        self.out = out or (lambda line: (sys.stdout.write(line + "\n"), sys.stdout.flush()))
        self.started_at = time.time()
        self.stopping = False
        self.selector = selectors.DefaultSelector()

    def say(self, name: str, text: str) -> None:
        """One prefixed output line."""
        self.out(f"{time.strftime('%H:%M:%S')} {name:<9} | {text}")

    def _start(self, child: _Child) -> None:
        role = child.role
        env = {**os.environ, **role.env}
        child.proc = subprocess.Popen(role.argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, start_new_session=True,
                                      preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # fmt: skip
        os.set_blocking(child.proc.stdout.fileno(), False)
        self.selector.register(child.proc.stdout, selectors.EVENT_READ, child)
        child.started_at = time.time()
        self.say(role.name, f"started (pid {child.proc.pid})")

    def _relay(self, child: _Child, final: bool = False) -> None:
        assert child.proc is not None
        with contextlib.suppress(BlockingIOError, OSError, ValueError):
            while True:
                data = child.proc.stdout.read(65536)
                if not data:
                    break
                child.buffer += data
        *lines, child.buffer = child.buffer.split(b"\n")
        if final and child.buffer:
            lines.append(child.buffer)
            child.buffer = b""
        for line in lines:
            self.say(child.role.name, line.decode("utf-8", errors="replace").rstrip("\r"))

    def _reap(self, child: _Child, now: float) -> None:
        """A child exited: relay its last words, schedule its restart with back-off."""
        assert child.proc is not None
        self._relay(child, final=True)
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(child.proc.stdout)
        child.proc.stdout.close()
        child.last_exit, child.last_exit_at = child.proc.returncode, now
        child.proc = None
        if now - child.started_at >= STABLE_AFTER:
            child.backoff = BACKOFF_FIRST  # it had been running fine: restart quickly
        child.start_after = now + child.backoff
        self.say(child.role.name, f"exited with status {child.last_exit}; restarting in {child.backoff:g} s")
        child.backoff = min(BACKOFF_MAX, child.backoff * 2)
        child.restarts += 1

    def write_state(self) -> None:
        """The tree as `ecoenforce status` shows it."""
        write_state(self.state_path, {
            "pid": os.getpid(), "host": socket.gethostname(), "started_at": _iso(self.started_at),
            "stopping": self.stopping,
            "children": {c.role.name: {"pid": c.proc.pid if c.proc else None, "running": c.proc is not None,
                                       "started_at": _iso(c.started_at) if c.proc else None,
                                       "restarts": c.restarts, "last_exit": c.last_exit,
                                       "last_exit_at": _iso(c.last_exit_at), "argv": c.role.argv}
                         for c in self.children},
        })  # fmt: skip

    def run(self) -> int:
        """Start all, supervise until told to stop, stop all."""

        def request_stop(signum, frame):
            self.stopping = True

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for child in self.children:
                self._start(child)
            self.write_state()
            while not self.stopping:
                for key, _mask in self.selector.select(timeout=0.2):
                    self._relay(key.data)
                now = time.time()
                changed = False
                for child in self.children:
                    if child.proc is not None and child.proc.poll() is not None:
                        self._reap(child, now)
                        changed = True
                    elif child.proc is None and now >= child.start_after and not self.stopping:
                        self._start(child)
                        changed = True
                if changed:
                    self.write_state()
        finally:
            self.stopping = True
            self._stop_all()
            self.write_state()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _stop_all(self) -> None:
        """SIGTERM every child (its whole process group), wait, SIGKILL what is left."""
        running = [c for c in self.children if c.proc is not None]
        for child in running:
            self.say(child.role.name, "stopping")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.proc.pid, signal.SIGTERM)
        deadline = time.time() + STOP_GRACE
        for child in running:
            proc = child.proc
            while proc.poll() is None and time.time() < deadline:
                for key, _mask in self.selector.select(timeout=0.1):
                    self._relay(key.data)
            if proc.poll() is None:
                self.say(child.role.name, f"did not stop within {STOP_GRACE:g} s: killed")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            self._relay(child, final=True)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(proc.stdout)
            proc.stdout.close()
            child.last_exit, child.last_exit_at, child.proc = proc.returncode, time.time(), None
            self.say(child.role.name, f"stopped (status {child.last_exit})")
