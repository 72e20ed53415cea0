"""Where Debian's Chromium is and how the browser tests start it (imported by the e2e conftest and by tests that
start their own browser: a module with its own name, since `from conftest import …` resolves to whichever
conftest pytest happened to load first)."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
# The machine has no internet: keep Chromium from phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
