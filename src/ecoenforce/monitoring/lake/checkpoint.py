"""Loader checkpoint: per segment the offset loaded through and whether it is final; plus the range in flight."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Checkpoint:
    """What has been loaded. `pending` is written before a range's files and cleared after (crash recovery)."""

    path: Path
    segments: dict[str, dict] = field(default_factory=dict)
    pending: dict | None = None

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        """Read the checkpoint (empty when absent)."""
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, data.get("segments", {}), data.get("pending"))

    def offset(self, segment: str) -> int:
        """Bytes of `segment` already loaded."""
        return int(self.segments.get(segment, {}).get("offset", 0))

    def is_final(self, segment: str) -> bool:
        """True when the segment is sealed/superseded and fully loaded."""
        return bool(self.segments.get(segment, {}).get("final", False))

    def save(self) -> None:
        """Atomic write: tmp file, fsync, rename, fsync directory."""
        tmp = self.path.with_name("." + self.path.name + ".tmp")
        payload = json.dumps({"segments": self.segments, "pending": self.pending}, sort_keys=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        fsync_dir(self.path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
