"""Connection log: one JSON object per line (connect, disconnect, auth failures, rejections, limits)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import IO, Any


class ConnectionLog:
    """Buffered JSON-lines writer; flushed by the gateway's housekeeping tick (not fsynced: it is not evidence).

    The file is rotated once (to `<name>.1`, replacing the previous one) when it passes `max_bytes`, so a flood
    of connections cannot fill the disk through the log. A write error (disk full) never stops the gateway: the
    spool decides that.
    """

    def __init__(self, path: Path | str | None, *, max_bytes: int = 64 << 20):
        self._fh: IO[str] | None = None
        self.path = Path(path) if path is not None else None
        self.max_bytes = max_bytes
        self.errors = 0
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        self.counts: dict[str, int] = {}

    def _open(self) -> None:
        assert self.path is not None
        self._fh = open(self.path, "a", encoding="utf-8", buffering=1 << 16)

    def event(self, event: str, **fields: Any) -> None:
        """Record one event with a UTC timestamp."""
        self.counts[event] = self.counts.get(event, 0) + 1
        if self._fh is not None:
            fields = {"ts": round(time.time(), 3), "event": event, **fields}
            try:
                self._fh.write(json.dumps(fields, ensure_ascii=False, default=str) + "\n")
            except (OSError, ValueError):
                self.errors += 1

    def flush(self) -> None:
        """Push buffered lines to the file; rotate it when it has grown past max_bytes."""
        if self._fh is None:
            return
        try:
            self._fh.flush()
            if self._fh.tell() >= self.max_bytes:
                self._fh.close()
                os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                self._open()
        except (OSError, ValueError):
            self.errors += 1
            if self._fh.closed:
                with contextlib.suppress(OSError):
                    self._open()

    def close(self) -> None:
        """Flush and close."""
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
            self._fh = None
