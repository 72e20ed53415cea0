"""Wrong-password accounting across connections: back-off per peer and per MN, trust earned by a right password.

Why both counts: per peer, so one host cannot guess at line speed over many connections; per MN, so many hosts
cannot share the guessing of one device's 6-digit password. A back-off refuses for `auth_backoff` seconds, doubled
at every new strike up to `auth_backoff_max` (with the defaults ≤ 10 guesses per MN per hour once the cap is
reached: all 10^6 six-digit passwords take about 11 years). While an MN is locked its password is not even
compared for untrusted senders, so the lock is no oracle. Trusted = a connection that already authenticated as
the MN, or a peer where the MN authenticated in the last `auth_forget` seconds: the real device keeps working
through a lock that an attacker caused.
"""

from __future__ import annotations

from dataclasses import dataclass

from .limits import BoundedMap, GatewayConfig


@dataclass(slots=True)
class Strikes:
    """Failures since the last strike, strikes so far (the back-off grows with them), refused until, last failure."""

    failures: int = 0
    strikes: int = 0
    until: float = 0.0
    last: float = 0.0


class AuthGuard:
    """Per-peer and per-MN wrong-password counters and back-offs; bounded maps (see BoundedMap)."""

    def __init__(self, config: GatewayConfig):
        self.config = config
        self.peers: BoundedMap[str, Strikes] = BoundedMap(config.max_tracked)
        self.mns: BoundedMap[str, Strikes] = BoundedMap(config.max_tracked)
        self.trust: BoundedMap[tuple[str, str], float] = BoundedMap(config.max_tracked)  # (mn, peer) -> last ok
        self.trusted_peers: BoundedMap[str, float] = BoundedMap(config.max_tracked)  # peer -> last ok of any MN

    def _left(self, table: BoundedMap, key: str, now: float) -> float:
        entry = table.get(key)
        if entry is None:
            return 0.0
        if now - entry.last > self.config.auth_forget:
            del table[key]
            return 0.0
        return max(0.0, entry.until - now)

    def peer_blocked(self, peer: str, now: float) -> float:
        """Seconds the peer is still refused (0 = not refused)."""
        return self._left(self.peers, peer, now)

    def mn_locked(self, mn: str, now: float) -> float:
        """Seconds during which untrusted senders' passwords for `mn` are not checked (0 = not locked)."""
        return self._left(self.mns, mn, now)

    def trusted(self, mn: str, peer: str, now: float) -> bool:
        """Whether `mn` authenticated from `peer` recently."""
        at = self.trust.get((mn, peer))
        return at is not None and now - at <= self.config.auth_forget

    def peer_has_trust(self, peer: str, now: float) -> bool:
        """Whether any device authenticated from `peer` recently (a NAT with good devices behind it)."""
        at = self.trusted_peers.get(peer)
        return at is not None and now - at <= self.config.auth_forget

    def success(self, mn: str, peer: str, now: float) -> None:
        """A right password: the (MN, peer) pair is trusted from now on."""
        self.trust.touch((mn, peer), now)
        self.trust[(mn, peer)] = now
        self.trusted_peers.touch(peer, now)
        self.trusted_peers[peer] = now

    def _strike(self, table: BoundedMap, key: str, threshold: int, now: float) -> float:
        entry = table.touch(key, Strikes())
        if now - entry.last > self.config.auth_forget:
            entry.failures = entry.strikes = 0
        entry.last = now
        entry.failures += 1
        if entry.failures < threshold:
            return 0.0
        entry.failures = 0
        entry.strikes += 1
        cfg = self.config
        backoff = min(cfg.auth_backoff_max, cfg.auth_backoff * 2 ** min(entry.strikes - 1, 30))
        entry.until = now + backoff
        return backoff

    def failure(self, mn: str, peer: str, now: float) -> tuple[float, float]:
        """Count a wrong password; returns (peer back-off started, MN lock started) in seconds (0 = none)."""
        cfg = self.config
        return (self._strike(self.peers, peer, cfg.auth_failures_per_peer, now),
                self._strike(self.mns, mn, cfg.auth_failures_per_mn, now))  # fmt: skip
