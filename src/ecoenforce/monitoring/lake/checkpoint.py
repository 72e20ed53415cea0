"""Loader checkpoint: per segment the offset loaded through and whether it is final; plus the range in flight.

One checkpoint per spool (per loader): `_checkpoint.json` in the lake for the default loader, or
`_checkpoint-<loader id>.json` when several gateways' loaders feed one lake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .storage import Lake, fsync_dir

__all__ = ["Checkpoint", "checkpoint_name", "fsync_dir"]


def checkpoint_name(loader_id: str | None) -> str:
    """File name of a loader's checkpoint in the lake."""
    return f"_checkpoint-{loader_id}.json" if loader_id else "_checkpoint.json"


@dataclass(slots=True)
class Checkpoint:
    """What has been loaded. `pending` is written before a range's files and cleared after (crash recovery)."""

    lake: Lake
    name: str
    segments: dict[str, dict] = field(default_factory=dict)
    pending: dict | None = None

    @classmethod
    def load(cls, lake: Lake | Path | str, name: str | None = None) -> Checkpoint:
        """Read the checkpoint (empty when absent); `lake` may also be the checkpoint file's local path."""
        if not isinstance(lake, Lake):
            path = Path(lake)
            lake, name = Lake(path.parent), path.name
        name = name or checkpoint_name(None)
        text = lake.read_text(name)
        if text is None:
            return cls(lake, name)
        data = json.loads(text)
        return cls(lake, name, data.get("segments", {}), data.get("pending"))

    def offset(self, segment: str) -> int:
        """Bytes of `segment` already loaded."""
        return int(self.segments.get(segment, {}).get("offset", 0))

    def is_final(self, segment: str) -> bool:
        """True when the segment is sealed/superseded and fully loaded."""
        return bool(self.segments.get(segment, {}).get("final", False))

    def save(self) -> None:
        """Atomic replace (tmp, fsync, rename, fsync directory locally; one PUT on object storage)."""
        self.lake.write_text(self.name, json.dumps({"segments": self.segments, "pending": self.pending},
                                                   sort_keys=True))  # fmt: skip
