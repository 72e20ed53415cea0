"""Sub-packet reassembly keyed by (MN, CN, DataTime, PNUM), not QN: each sub-packet has its own QN."""

from __future__ import annotations

from dataclasses import dataclass, field

from .packet import Packet

Key = tuple[str, str, str, int]


@dataclass(slots=True)
class Partial:
    """Sub-packets received so far for one key."""

    key: Key
    first_seen: float
    parts: dict[int, Packet] = field(default_factory=dict)

    @property
    def missing(self) -> list[int]:
        """PNOs not yet received."""
        return [i for i in range(1, self.key[3] + 1) if i not in self.parts]


@dataclass(frozen=True, slots=True)
class Assembled:
    """A complete set of sub-packets in PNO order."""

    key: Key
    packets: tuple[Packet, ...]

    @property
    def groups(self) -> tuple:
        """CP groups of all sub-packets concatenated; the repeated DataTime groups are kept once."""
        out, seen_time = [], False
        for packet in self.packets:
            for group in packet.groups:
                if len(group) == 1 and group[0].name == "DataTime":
                    if seen_time:
                        continue
                    seen_time = True
                out.append(group)
        return tuple(out)


class Reassembler:
    """Collect split packets; duplicates ignored; partials older than `timeout` seconds are expired."""

    def __init__(self, *, timeout: float = 600.0, max_partials: int = 10_000):
        self.timeout = timeout
        self.max_partials = max_partials
        self._partials: dict[Key, Partial] = {}

    def add(self, packet: Packet, now: float) -> Assembled | None:
        """Add a packet; returns the assembly when it completes it (unsplit packets complete at once)."""
        if not packet.split or packet.pnum is None or packet.pno is None or packet.pnum == 1:
            return Assembled((packet.mn or "", packet.cn or "", packet.get("DataTime") or "", 1), (packet,))
        key = (packet.mn or "", packet.cn or "", packet.get("DataTime") or "", packet.pnum)
        partial = self._partials.get(key)
        if partial is None:
            if len(self._partials) >= self.max_partials:
                # bounded memory: drop the oldest partial rather than grow without limit
                oldest = min(self._partials.values(), key=lambda p: p.first_seen)
                del self._partials[oldest.key]
            partial = self._partials[key] = Partial(key, now)
        partial.parts.setdefault(packet.pno, packet)
        if len(partial.parts) == packet.pnum:
            del self._partials[key]
            return Assembled(key, tuple(partial.parts[i] for i in sorted(partial.parts)))
        return None

    def expire(self, now: float) -> list[Partial]:
        """Remove and return partials that waited longer than the timeout."""
        old = [p for p in self._partials.values() if now - p.first_seen > self.timeout]
        for partial in old:
            del self._partials[partial.key]
        return old

    def __len__(self) -> int:
        return len(self._partials)
