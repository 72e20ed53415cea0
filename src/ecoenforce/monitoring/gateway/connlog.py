"""Connection log: one JSON object per line (connect, disconnect, auth failures, rejections, limits)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO, Any


class ConnectionLog:
    """Buffered JSON-lines writer; flushed by the gateway's housekeeping tick (not fsynced: it is not evidence)."""

    def __init__(self, path: Path | str | None):
        self._fh: IO[str] | None = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(path, "a", encoding="utf-8", buffering=1 << 16)
        self.counts: dict[str, int] = {}

    def event(self, event: str, **fields: Any) -> None:
        """Record one event with a UTC timestamp."""
        self.counts[event] = self.counts.get(event, 0) + 1
        if self._fh is not None:
            fields = {"ts": round(time.time(), 3), "event": event, **fields}
            self._fh.write(json.dumps(fields, ensure_ascii=False, default=str) + "\n")

    def flush(self) -> None:
        """Push buffered lines to the file."""
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        """Flush and close."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
