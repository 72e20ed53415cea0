"""Simulated data acquisition units: N asyncio connections sending 2011/2051/2061/2031, retransmitting until acked."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..hj212 import CST, FrameDecoder, RawFrame, build_segment, encode_frame

# Realistic levels per factor (2017 codes): (base, has cumulative load). Water for ST=32, flue gas for ST=31.
WATER = {"w00000": (18.0, True), "w01001": (7.2, False), "w01018": (42.0, True), "w21003": (2.1, True),
         "w21011": (0.31, True)}  # fmt: skip
GAS = {"a00000": (62.0, True), "a19001": (9.4, False), "a01012": (118.0, False), "a21026": (34.0, True),
       "a21002": (78.0, True), "a34013": (7.5, True)}  # fmt: skip
STEP = {"2011": timedelta(seconds=30), "2051": timedelta(minutes=10), "2061": timedelta(hours=1),
        "2031": timedelta(days=1)}  # fmt: skip


@dataclass(slots=True)
class SimConfig:
    """What to simulate."""

    host: str = "127.0.0.1"
    port: int = 9212
    devices: int = 10
    frames: int = 10  # per device (0 = unlimited until `duration`)
    duration: float = 60.0  # hard deadline in seconds
    rate: float = 0.0  # frames/s per device; 0 = closed loop (next frame when the previous is acked)
    window: int = 1  # closed loop: frames in flight per device
    ack_timeout: float = 2.0
    cns: Sequence[str] = ("2011", "2051", "2011", "2061", "2011", "2031")
    mn_prefix: str = "SIM"
    password: str = "123456"
    flag: int = 5
    seed: int = 1
    start: datetime = datetime(2026, 1, 1, tzinfo=CST)
    connect_spread: float = 1.0  # seconds over which devices open their connections
    warmup: float = 0.0  # seconds after start before acks count toward rate and latency figures
    fast: bool = False  # benchmark mode: values computed once per device and kind, only times change


@dataclass(slots=True)
class SimResult:
    """Counters and the acknowledged frames (mn, cn, DataTime) for end-to-end checks."""

    sent: int = 0
    acked: int = 0
    retransmits: int = 0
    reconnects: int = 0
    latencies: list[float] = field(default_factory=list)
    acked_keys: list[tuple[str, str, str]] = field(default_factory=list)
    unacked: int = 0
    elapsed: float = 0.0
    measured: int = 0  # acks after the warm-up
    measure_from: float = 0.0

    def summary(self) -> dict:
        """Printable counters with p50/p99 ack latency in ms."""
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            """Latency percentile in ms."""
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else None

        return {"sent": self.sent, "acked": self.acked, "retransmits": self.retransmits,
                "reconnects": self.reconnects, "unacked": self.unacked, "elapsed_s": round(self.elapsed, 3),
                "acked_per_s": round(self.measured / window, 1) if (window := self.elapsed - self.measure_from) > 0
                else 0.0,
                "p50_ms": pct(0.50), "p99_ms": pct(0.99)}  # fmt: skip


def frame_cp(cn: str, when: datetime, water: bool, rng: random.Random) -> str:
    """CP body with diurnal values: a sine over the day (peak mid-afternoon) plus a few % noise."""
    factors = WATER if water else GAS
    hour = when.hour + when.minute / 60
    diurnal = 1 + 0.25 * math.sin(2 * math.pi * (hour - 9) / 24)
    groups = [f"DataTime={when:%Y%m%d%H%M%S}"]
    for code, (base, load) in factors.items():
        level = base * (diurnal if code not in ("w01001", "a19001") else 1.0) * (1 + rng.gauss(0, 0.03))
        if cn == "2011":
            groups.append(f"{code}-Rtd={level:.3f},{code}-Flag=N")
        else:
            items = [
                f"{code}-Min={level * 0.9:.3f}",
                f"{code}-Avg={level:.3f}",
                f"{code}-Max={level * 1.1:.3f}",
            ]
            if load:
                items.append(f"{code}-Cou={level * STEP[cn].total_seconds() / 1000:.3f}")
            groups.append(",".join(items + [f"{code}-Flag=N"]))
    return ";".join(groups)


class _AckReader(asyncio.Protocol):
    """Client side: hands each 9014's QN to the device (tolerates answers with empty PW/MN)."""

    def __init__(self, device: _Device):
        self.device = device
        self.decoder = FrameDecoder()

    def data_received(self, data: bytes) -> None:
        """Cut answers out of the stream and pass on each 9014's QN."""
        for item in self.decoder.feed(data):
            if isinstance(item, RawFrame):
                fields = dict(
                    t.partition(b"=")[::2] for t in item.frame.segment.split(b"CP=", 1)[0].split(b";")
                )
                if fields.get(b"CN") == b"9014" and fields.get(b"QN"):
                    self.device.acked(fields[b"QN"])

    def connection_lost(self, exc: Exception | None) -> None:
        """Tell the device so it reconnects and resends what is unacknowledged."""
        self.device.lost()


class _Device:
    """One simulated DAU: its frames, its in-flight table, its connection."""

    def __init__(self, index: int, cfg: SimConfig, result: SimResult):
        self.cfg, self.result = cfg, result
        self.mn = f"{cfg.mn_prefix}{index:08d}"
        self.water = index % 2 == 0
        self.rng = random.Random(cfg.seed * 1_000_003 + index)
        self.clock = {cn: cfg.start for cn in STEP}
        self.qn_clock = cfg.start + timedelta(milliseconds=index)
        self.inflight: dict[bytes, tuple[bytes, float, tuple[str, str, str]]] = {}
        self.made = 0
        self.transport: asyncio.Transport | None = None
        self.changed = asyncio.Event()
        self.templates: dict[str, str] = {}
        self.deadline = float("inf")

    def next_frame(self) -> tuple[bytes, bytes, tuple[str, str, str]]:
        """Build the next upload; QN and DataTime both advance so every frame is a distinct reading."""
        cn = self.cfg.cns[self.made % len(self.cfg.cns)]
        when = self.clock[cn]
        self.clock[cn] = when + STEP[cn]
        self.qn_clock += timedelta(milliseconds=7)
        qn = f"{self.qn_clock:%Y%m%d%H%M%S}{self.qn_clock.microsecond // 1000:03d}"
        if self.cfg.fast:
            if cn not in self.templates:
                self.templates[cn] = frame_cp(cn, when, self.water, self.rng)[23:]  # without DataTime=...;
            cp = f"DataTime={when:%Y%m%d%H%M%S};" + self.templates[cn]
        else:
            cp = frame_cp(cn, when, self.water, self.rng)
        segment = build_segment(qn=qn, st="32" if self.water else "31", cn=cn, pw=self.cfg.password, mn=self.mn,
                                flag=self.cfg.flag, cp=cp)  # fmt: skip
        self.made += 1
        return qn.encode(), encode_frame(segment), (self.mn, cn, f"{when:%Y%m%d%H%M%S}")

    def acked(self, qn: bytes) -> None:
        """A 9014 arrived: record latency and, in closed loop, send the next frame right away."""
        entry = self.inflight.pop(qn, None)
        if entry is None:
            return
        result, now = self.result, time.perf_counter()
        result.acked += 1
        if now >= result.measure_from:
            result.measured += 1
            result.latencies.append(now - entry[1])
        result.acked_keys.append(entry[2])
        cfg = self.cfg
        # closed loop: the next frame goes out from the ack callback itself (no coroutine wake-up per frame)
        if cfg.rate <= 0 and self.transport is not None and not (cfg.frames and self.made >= cfg.frames):
            if time.monotonic() < self.deadline:
                self.send(*self.next_frame())
                return
        if not self.inflight:
            self.changed.set()

    def lost(self) -> None:
        """The connection dropped."""
        self.transport = None
        self.changed.set()

    def send(self, qn: bytes, raw: bytes, key: tuple[str, str, str]) -> None:
        """Send a frame and remember it until acknowledged."""
        self.inflight[qn] = (raw, time.perf_counter(), key)
        self.result.sent += 1
        if self.transport is not None:
            self.transport.write(raw)

    async def connect(self, deadline: float) -> bool:
        """(Re)connect with back-off; resend everything still unacknowledged."""
        loop = asyncio.get_running_loop()
        delay = 0.05
        while time.monotonic() < deadline:
            try:
                transport, _ = await loop.create_connection(
                    lambda: _AckReader(self), self.cfg.host, self.cfg.port
                )
            except OSError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            self.transport = transport  # type: ignore[assignment]
            for qn, (raw, _, key) in list(self.inflight.items()):
                self.inflight[qn] = (raw, time.perf_counter(), key)
                self.result.retransmits += 1
                transport.write(raw)
            return True
        return False

    async def run(self, deadline: float) -> None:
        """Send until `frames` are acked (or the deadline), retransmitting on timeout and reconnecting on loss."""
        cfg = self.cfg
        self.deadline = deadline
        await asyncio.sleep(self.rng.random() * cfg.connect_spread)
        if not await self.connect(deadline):
            return
        next_send = time.perf_counter()
        while time.monotonic() < deadline:
            if self.transport is None:
                self.result.reconnects += 1
                if not await self.connect(deadline):
                    break
            done_making = cfg.frames and self.made >= cfg.frames
            if done_making and not self.inflight:
                break
            now = time.perf_counter()
            for qn, (raw, sent_at, key) in list(self.inflight.items()):
                if now - sent_at > cfg.ack_timeout and self.transport is not None:
                    self.inflight[qn] = (raw, now, key)
                    self.result.retransmits += 1
                    self.transport.write(raw)
            if not done_making:
                if cfg.rate > 0:
                    while next_send <= now and not (cfg.frames and self.made >= cfg.frames):
                        self.send(*self.next_frame())
                        next_send += 1.0 / cfg.rate
                else:
                    while len(self.inflight) < cfg.window and not (cfg.frames and self.made >= cfg.frames):
                        self.send(*self.next_frame())
            self.changed.clear()
            wait = min(
                cfg.ack_timeout / 2, max(0.001, next_send - now) if cfg.rate > 0 else cfg.ack_timeout / 2
            )
            try:
                await asyncio.wait_for(self.changed.wait(), wait)
            except TimeoutError:
                pass
        self.result.unacked += len(self.inflight)
        if self.transport is not None:
            self.transport.close()


async def simulate(cfg: SimConfig) -> SimResult:
    """Run all devices concurrently; returns counters and acknowledged keys."""
    result = SimResult()
    deadline = time.monotonic() + cfg.duration
    devices = [_Device(i, cfg, result) for i in range(cfg.devices)]
    started = time.perf_counter()
    result.measure_from = started + cfg.warmup
    await asyncio.gather(*(d.run(deadline) for d in devices))
    result.elapsed = time.perf_counter() - started
    result.measure_from -= started
    return result
