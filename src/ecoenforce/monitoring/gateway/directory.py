"""Device directory: who may send (MN + password), which revision, SM4 key; a JSON snapshot reloaded on change.

Snapshot format (written by the Django side, read here):
    {"version": 1, "generated_at": "2026-01-01T00:00:00+08:00",
     "devices": [{"mn": "...", "password": "123456", "protocol": "2017", "sm4_key": null, "active": true}]}
`protocol` is "2005", "2017" or "2025"; `sm4_key` is 32 hex characters (16 bytes) or null.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A registered data acquisition unit (one MN)."""

    mn: str
    password: str
    protocol: str = "2017"
    sm4_key: bytes | None = None
    active: bool = True


class DeviceDirectory(Protocol):
    """Anything that can answer lookup(mn)."""

    def lookup(self, mn: str) -> DeviceInfo | None:
        """The device registered under `mn`, or None."""
        ...


class StaticDeviceDirectory:
    """An in-memory directory (tests, simulators)."""

    def __init__(self, devices: Iterable[DeviceInfo] = ()):
        self._devices = {d.mn: d for d in devices}

    def lookup(self, mn: str) -> DeviceInfo | None:
        """The device registered under `mn`, or None."""
        return self._devices.get(mn)


def parse_snapshot(data: dict) -> dict[str, DeviceInfo]:
    """Validate a snapshot dict into DeviceInfo by MN; raise ValueError naming the bad entry."""
    if not isinstance(data, dict) or not isinstance(data.get("devices"), list):
        raise ValueError("device snapshot must be an object with a 'devices' list")
    devices = {}
    for i, entry in enumerate(data["devices"]):
        try:
            key = entry.get("sm4_key")
            info = DeviceInfo(
                mn=str(entry["mn"]), password=str(entry["password"]), protocol=str(entry.get("protocol", "2017")),
                sm4_key=bytes.fromhex(key) if key else None, active=bool(entry.get("active", True)),
            )  # fmt: skip
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"device entry {i} is invalid: {exc!r}") from None
        if info.sm4_key is not None and len(info.sm4_key) != 16:
            raise ValueError(f"device entry {i} ({info.mn}): sm4_key must be 16 bytes")
        devices[info.mn] = info
    return devices


def write_snapshot(path: Path | str, devices: Iterable[DeviceInfo]) -> None:
    """Write a snapshot atomically so the gateway never reads half a file, readable by its owner only.

    It holds every device's password and SM4 key: the file is created 0600 under a unique temporary name in the
    same directory (O_EXCL: a planted file or symlink at a predictable name is never written through, and two
    writers never share a temporary file), fsynced, renamed over the old one, and the rename fsynced.
    """
    path = Path(path)
    payload = {
        "version": 1,
        "devices": [
            {
                "mn": d.mn,
                "password": d.password,
                "protocol": d.protocol,
                "sm4_key": d.sm4_key.hex() if d.sm4_key else None,
                "active": d.active,
            }
            for d in devices
        ],  # fmt: skip
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(payload))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class FileDeviceDirectory:
    """Reads the JSON snapshot and reloads it when its mtime/size change (checked at most every `recheck` s).

    A missing or broken snapshot keeps the previous one in force (and is logged), so a bad deploy of the
    snapshot cannot lock every device out.
    """

    def __init__(self, path: Path | str, *, recheck: float = 1.0):
        self.path = Path(path)
        self.recheck = recheck
        self._devices: dict[str, DeviceInfo] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked = float("-inf")
        self.errors = 0
        self.reload()

    def reload(self) -> bool:
        """Re-read the file if it changed; True when a new snapshot was loaded."""
        self._checked = time.monotonic()
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return False
        try:
            devices = parse_snapshot(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            self.errors += 1
            log.error("device snapshot %s not loaded: %s", self.path, exc)
            return False
        self._devices, self._stamp = devices, stamp
        return True

    def lookup(self, mn: str) -> DeviceInfo | None:
        """The device registered under `mn`, or None."""
        if time.monotonic() - self._checked >= self.recheck:
            self.reload()
        return self._devices.get(mn)

    def __len__(self) -> int:
        return len(self._devices)
