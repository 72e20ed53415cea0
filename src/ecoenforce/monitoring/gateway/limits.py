"""Gateway limits: the configuration, the per-device token bucket and bounded maps for per-peer/per-MN state."""

from __future__ import annotations

import ipaddress
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

MiB = 1 << 20


@dataclass(slots=True)
class GatewayConfig:
    """Everything the gateway process is told at start (CLI flags map 1:1 onto these)."""

    host: str = "127.0.0.1"
    port: int = 0
    spool_dir: Path = Path("var/spool")
    devices_file: Path | None = None
    log_path: Path | None = None
    status_path: Path | None = None  # JSON status (address, start, counters) rewritten every few seconds
    max_connections: int = 20_000
    # Cellular carriers put many DAUs behind one NAT address, so the per-peer cap is generous; it stops one host
    # from taking every slot, not a province's carrier gateway from connecting its devices.
    max_connections_per_peer: int = 500
    max_segment: int = 4096  # lenient: real devices exceed the std's 1024
    idle_timeout: float = (
        900.0  # no complete frame for this long -> close (devices send at least every 10 min)
    )
    frame_timeout: float = 30.0  # a partial frame pending this long -> close (slowloris)
    rate: float = 50.0  # frames/s per authenticated device, sustained; faster frames are slowed, never dropped
    burst: float = 200.0  # frames per device served at once (history back-fill) before slowing down
    max_rejections: int = 20  # rejections on one connection before it is closed
    max_auth_failures: int = 3  # wrong passwords on one connection before it is closed
    # Wrong passwords counted across connections: this many from one peer (IPv4 address / IPv6 /64) or for one MN
    # (from any peers) start a back-off of auth_backoff seconds, doubled at each new strike up to auth_backoff_max.
    auth_failures_per_peer: int = 10
    auth_failures_per_mn: int = 10
    auth_backoff: float = 60.0
    auth_backoff_max: float = 3600.0
    auth_forget: float = 86_400.0  # failures and strikes are forgotten after this long without a new failure
    # What unauthenticated senders may make the gateway keep, per Beijing day (the spool is evidence and is kept,
    # so these caps bound how fast strangers can fill its disk): quarantine (unknown or inactive MN) and rejected
    # bytes (bad frames, wrong passwords).
    quarantine_bytes: int = 256 * MiB
    quarantine_peer_bytes: int = 16 * MiB
    quarantine_mns: int = 5_000
    quarantine_peer_mns: int = 100
    quarantine_rate: float = 50.0  # frames/s per peer for unregistered MNs (slowed like a device)
    quarantine_burst: float = 200.0
    rejected_bytes: int = 64 * MiB
    rejected_peer_bytes: int = 4 * MiB
    max_tracked: int = 100_000  # entries in each per-peer / per-MN map (buckets, strikes, budgets)
    max_write_buffer: int = 1 << 20  # a peer that does not read its answers is closed
    commit_interval: float = 0.002
    segment_bytes: int = 64 << 20
    log_max_bytes: int = 64 * MiB  # the connection log is rotated once (connections.jsonl.1) at this size


class TokenBucket:
    """Classic token bucket: `rate` tokens/s up to `burst`; O(1) and allocation-free."""

    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def take(self, now: float) -> bool:
        """Consume one token if available."""
        return self.delay(now) == 0.0

    def delay(self, now: float) -> float:
        """Consume one token and return 0.0, or return the seconds until one is available (nothing consumed)."""
        tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return 0.0
        self.tokens = tokens
        return (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0

    def full(self, now: float) -> bool:
        """True when the bucket has refilled: forgetting it changes nothing."""
        return self.tokens + (now - self.stamp) * self.rate >= self.burst


K = TypeVar("K")
V = TypeVar("V")


class BoundedMap(OrderedDict, Generic[K, V]):
    """A dict that forgets its least recently touched entries beyond `limit` (state keyed by what a stranger
    chooses — peer addresses, MNs — must not grow without bound)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def touch(self, key: K, default: V) -> V:
        """The entry for `key` (created from `default` if absent), marked most recently used."""
        value = self.get(key)
        if value is None:
            value = self[key] = default
            if len(self) > self.limit:
                self.popitem(last=False)
        else:
            self.move_to_end(key)
        return value


def peer_key(host: str) -> str:
    """The unit that per-peer limits count: an IPv4 address, or the /64 of an IPv6 address (one subscriber's
    prefix — counting single IPv6 addresses would let one host rotate through 2^64 of them)."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return host
