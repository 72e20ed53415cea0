"""Daily byte and distinct-MN budgets for what unauthenticated senders make the gateway keep.

Quarantined frames (unknown or inactive MN) and rejected bytes are evidence and go to the spool, which is kept;
without a cap, random MNs with valid CRCs would fill its disk and stop registered devices being heard. Each
budget counts per Beijing day, in total and per peer (IPv4 address / IPv6 /64), bytes and — for quarantine —
distinct MNs. The day's counters are saved next to the spool (`budget-<name>.json`, rewritten at most once a
second) so a restart does not hand out a fresh allowance. Registered devices never draw on these budgets.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .limits import BoundedMap

CST = timezone(timedelta(hours=8))


def beijing_day(now: float) -> str:
    """The Beijing date of an epoch time (the day budgets reset at Beijing midnight)."""
    return datetime.fromtimestamp(now, CST).strftime("%Y-%m-%d")


@dataclass(slots=True)
class _PeerUse:
    bytes: int = 0
    mns: set[str] = field(default_factory=set)
    mn_count: int = 0  # distinct MNs, also those counted before a restart (whose names were not saved)


class Budget:
    """admit(peer, mn, size, now) -> None when the bytes may be kept, else the cap that refused them."""

    def __init__(self, name: str, directory: Path | None, *, total_bytes: int, peer_bytes: int,
                 total_mns: int = 0, peer_mns: int = 0, max_peers: int = 100_000):  # fmt: skip
        self.name = name
        self.path = directory / f"budget-{name}.json" if directory is not None else None
        self.total_bytes, self.peer_bytes = total_bytes, peer_bytes
        self.total_mns, self.peer_mns = total_mns, peer_mns  # 0 = MNs not counted
        self.max_peers = max_peers
        self.day = ""
        self.bytes = 0
        self.mns: set[str] = set()
        self.peers: BoundedMap[str, _PeerUse] = BoundedMap(max_peers)
        self.refused = 0
        self.dirty = False
        self._saved_at = 0.0
        self._load()

    def _reset(self, day: str) -> None:
        self.day, self.bytes, self.mns, self.peers = day, 0, set(), BoundedMap(self.max_peers)
        self.dirty = True

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.day, self.bytes = str(data["day"]), int(data["bytes"])
            self.mns = set(map(str, data.get("mns", [])))
            for peer, (nbytes, count) in data.get("peers", {}).items():
                self.peers[peer] = _PeerUse(int(nbytes), set(), int(count))
        except (OSError, ValueError, KeyError, TypeError):
            # unreadable: today's allowance counts as spent (never a fresh one); tomorrow starts clean
            self.day, self.bytes, self.mns = beijing_day(time.time()), self.total_bytes, set()

    def admit(self, peer: str, mn: str | None, size: int, now: float) -> str | None:
        """Charge `size` bytes (and `mn`, when MNs are counted) to the day's budget; the refusing cap or None."""
        day = beijing_day(now)
        if day != self.day:
            self._reset(day)
        new_peer = peer not in self.peers
        if new_peer and len(self.peers) >= self.max_peers:
            return self._refuse("PEERS")
        use = self.peers.touch(peer, _PeerUse())
        if self.bytes + size > self.total_bytes:
            return self._refuse("TOTAL_BYTES")
        if use.bytes + size > self.peer_bytes:
            return self._refuse("PEER_BYTES")
        if self.total_mns and mn is not None:
            if mn not in self.mns and len(self.mns) >= self.total_mns:
                return self._refuse("TOTAL_MNS")
            if mn not in use.mns and use.mn_count >= self.peer_mns:
                return self._refuse("PEER_MNS")
            if mn not in use.mns:
                use.mns.add(mn)
                use.mn_count += 1
            self.mns.add(mn)
        use.bytes += size
        self.bytes += size
        self.dirty = True
        return None

    def _refuse(self, cap: str) -> str:
        self.refused += 1
        return cap

    def save(self, *, every: float = 5.0) -> None:
        """Write the day's counters at most every `every` s (tmp + rename; not fsynced: losing a few seconds of
        counts is harmless)."""
        if self.path is None or not self.dirty or time.monotonic() - self._saved_at < every:
            return
        self._saved_at = time.monotonic()
        payload = {"day": self.day, "bytes": self.bytes, "mns": sorted(self.mns),
                   "peers": {p: [u.bytes, u.mn_count] for p, u in self.peers.items()}}  # fmt: skip
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            tmp.write_text(json.dumps(payload), encoding="utf-8")
            os.replace(tmp, self.path)
            self.dirty = False
