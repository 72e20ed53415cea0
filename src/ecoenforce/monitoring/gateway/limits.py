"""Gateway limits and the per-device token bucket."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class GatewayConfig:
    """Everything the gateway process is told at start (CLI flags map 1:1 onto these)."""

    host: str = "127.0.0.1"
    port: int = 0
    spool_dir: Path = Path("var/spool")
    devices_file: Path | None = None
    log_path: Path | None = None
    max_connections: int = 20_000
    max_segment: int = 4096  # lenient: real devices exceed the std's 1024
    idle_timeout: float = (
        900.0  # no complete frame for this long -> close (devices send at least every 10 min)
    )
    frame_timeout: float = 30.0  # a partial frame pending this long -> close (slowloris)
    rate: float = 50.0  # frames/s per device, sustained
    burst: float = 200.0  # frames per device allowed in a burst (history back-fill)
    max_rejections: int = 20  # rejections on one connection before it is closed
    max_auth_failures: int = 3  # wrong passwords on one connection before it is closed
    max_write_buffer: int = 1 << 20  # a peer that does not read its answers is closed
    commit_interval: float = 0.002
    segment_bytes: int = 64 << 20


class TokenBucket:
    """Classic token bucket: `rate` tokens/s up to `burst`; take() is O(1) and allocation-free."""

    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def take(self, now: float) -> bool:
        """Consume one token if available."""
        tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return True
        self.tokens = tokens
        return False
