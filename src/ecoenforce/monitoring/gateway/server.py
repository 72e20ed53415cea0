"""The gateway: one asyncio Protocol per device connection; header-only hot path; ack only after fsync."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import signal
import time
from datetime import UTC, datetime
from functools import partial

from ..hj212 import FrameDecoder, HJ212Error, RawFrame, parse_header, parse_segment, set_time
from ..hj212.encode import answer_for_header
from .connlog import ConnectionLog
from .directory import DeviceDirectory
from .limits import GatewayConfig, TokenBucket
from .spool import ACCEPTED, QUARANTINE, REJECTED, SpoolWriter

MAX_REJECT_KEPT = 64 * 1024  # bytes of a rejected run kept in the spool (garbage floods are only counted)


class Gateway:
    """Owns the listening socket, the spool, the device directory, the limits and the connection log."""

    def __init__(self, config: GatewayConfig, directory: DeviceDirectory | None = None):
        self.config = config
        self.directory = directory  # None = open gateway (benchmarks): every MN is accepted
        self.spool = SpoolWriter(
            config.spool_dir, segment_bytes=config.segment_bytes, commit_interval=config.commit_interval
        )
        self.log = ConnectionLog(config.log_path)
        self.connections: set[DeviceConnection] = set()
        self.buckets: dict[bytes, TokenBucket] = {}
        self.stats = dict.fromkeys(
            ("connections", "frames", "acked", "rejected", "quarantined", "auth_failed", "rate_limited"), 0
        )
        self._server: asyncio.base_events.Server | None = None
        self._tasks: list[asyncio.Task] = []

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    async def start(self) -> None:
        """Open the spool and start listening."""
        loop = asyncio.get_running_loop()
        self.spool.start()
        self._server = await loop.create_server(
            lambda: DeviceConnection(self), self.config.host, self.config.port, backlog=4096
        )
        self._tasks.append(loop.create_task(self._housekeeping()))
        self.log.event("start", host=self.config.host, port=self.port, segment=self.spool.segment)

    async def _housekeeping(self) -> None:
        """Once a second: timeouts, quiet-line flushes, log flush, forgetting idle buckets."""
        while True:
            await asyncio.sleep(1.0)
            now = time.time()
            for conn in list(self.connections):
                conn.tick(now)
            if len(self.buckets) > 4 * max(1, len(self.connections)) + 1000:
                self.buckets = {k: b for k, b in self.buckets.items() if now - b.stamp < 3600}
            self.log.flush()

    async def close(self) -> None:
        """Stop accepting, drop connections, commit and seal the spool."""
        for task in self._tasks:
            task.cancel()
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.transport.abort()
        await asyncio.sleep(0)
        await self.spool.close()
        self.log.event("stop", **self.stats)
        self.log.close()


class DeviceConnection(asyncio.Protocol):
    """One TCP connection from a data acquisition unit."""

    def __init__(self, gateway: Gateway):
        self.gw = gateway
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.peer = "?"
        self.mn: str | None = None
        self.closed = False
        self.frames = self.rejections = self.auth_failures = self.rate_limited = 0

    # --- asyncio callbacks -------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # noqa: D401
        """Admit the connection unless the global limit is reached."""
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        gw = self.gw
        if len(gw.connections) >= gw.config.max_connections:
            gw.log.event("refused", peer=self.peer, reason="MAX_CONNECTIONS")
            self.closed = True
            transport.abort()
            return
        gw.connections.add(self)
        gw.stats["connections"] += 1
        self.decoder = FrameDecoder(max_segment=gw.config.max_segment)
        self.last_frame = time.time()
        self.partial_since: float | None = None
        gw.log.event("connect", peer=self.peer)

    def data_received(self, data: bytes) -> None:
        """Cut frames, handle each; never raise into the loop."""
        if self.closed:
            return
        now = time.time()
        try:
            items = self.decoder.feed(data)
            for item in items:  # inlined _handle: this is the per-frame hot path
                if self.closed:
                    break
                if type(item) is RawFrame:
                    self._frame(item, now)
                else:
                    self._reject(item.raw, item.error.code, item.error.message, now)
        except Exception as exc:  # noqa: BLE001 - a bug or spool failure closes this connection only
            self._close("INTERNAL_ERROR", repr(exc))
            return
        if items:
            self.last_frame = now
        if self.decoder.buffered:
            if self.partial_since is None or items:
                self.partial_since = now
        else:
            self.partial_since = None

    def connection_lost(self, exc: Exception | None) -> None:
        """Spool what a half-sent frame left behind, then forget the connection."""
        gw = self.gw
        if self in gw.connections:
            gw.connections.discard(self)
            now = time.time()
            with contextlib.suppress(Exception):
                # also after an abort (slowloris, junk): the leftover bytes are evidence and go to the spool
                for item in self.decoder.close():
                    if type(item) is RawFrame:
                        self._frame(item, now)  # spooled; its answer is dropped, the device will retransmit
                    else:
                        self._reject(item.raw, item.error.code, item.error.message, now)
            gw.log.event("disconnect", peer=self.peer, mn=self.mn, frames=self.frames, rejections=self.rejections,
                         rate_limited=self.rate_limited)  # fmt: skip
        self.closed = True

    # --- frame handling ----------------------------------------------------------------------------------
    def _handle(self, items: list, now: float) -> None:
        """Dispatch frames and rejections in stream order."""
        for item in items:
            if self.closed:
                return
            if isinstance(item, RawFrame):
                self._frame(item, now)
            else:
                self._reject(item.raw, item.error.code, item.error.message, now)

    def _frame(self, item: RawFrame, now: float) -> None:
        """Hot path: header only, rate limit, authenticate, spool, ack after commit."""
        gw = self.gw
        segment = item.frame.segment
        header = parse_header(segment)
        if header is None:
            try:
                parse_segment(segment)
                code, message = "MISSING_FIELD", "expected CN and MN in the header"
            except HJ212Error as exc:
                code, message = exc.code, exc.message
            self._reject(item.raw, code, message, now)
            return
        mn = header.mn
        bucket = gw.buckets.get(mn)
        if bucket is None:
            bucket = gw.buckets[mn] = TokenBucket(gw.config.rate, gw.config.burst, now)
        if not bucket.take(now):
            # not spooled and not answered: the device keeps it and retransmits later (documented)
            gw.stats["rate_limited"] += 1
            self.rate_limited += 1
            if self.rate_limited & (self.rate_limited - 1) == 0:  # log 1st, 2nd, 4th, 8th... occurrence
                gw.log.event(
                    "rate_limited", peer=self.peer, mn=mn.decode(errors="replace"), count=self.rate_limited
                )
            return
        self.frames += 1
        gw.stats["frames"] += 1
        if gw.directory is not None:
            mn_text = mn.decode(errors="replace")
            device = gw.directory.lookup(mn_text)
            if device is None or not device.active:
                reason = "UNKNOWN_MN" if device is None else "INACTIVE_DEVICE"
                gw.spool.append(QUARANTINE, item.raw, received_at=now, peer=self.peer, reason=reason)
                gw.stats["quarantined"] += 1
                gw.log.event("quarantine", peer=self.peer, mn=mn_text, reason=reason)
                self._answer(header, segment)  # answered so the device does not retransmit forever
                return
            if header.pw is None or not hmac.compare_digest(header.pw, device.password.encode()):
                gw.spool.append(REJECTED, item.raw, received_at=now, peer=self.peer, reason="AUTH_PASSWORD")
                gw.stats["auth_failed"] += 1
                self.auth_failures += 1
                gw.log.event(
                    "auth_failure", peer=self.peer, mn=mn_text, cn=header.cn.decode(errors="replace")
                )
                if self.auth_failures >= gw.config.max_auth_failures:
                    self._close("AUTH_FAILURES", f"{self.auth_failures} wrong passwords")
                return
            self.mn = mn_text
        elif self.mn is None:
            self.mn = mn.decode(errors="replace")
        gw.spool.append(ACCEPTED, item.raw, received_at=now, peer=self.peer)
        self._answer(header, segment)

    def _answer(self, header, segment: bytes) -> None:
        """Queue the standard's answer to run after the fsync: 9014 for A=1 uploads, 9013 + 1012 for 1013."""
        cn = header.cn
        if cn == b"1013":
            answers = [answer_for_header(header.qn, header.pw, header.mn, header.flag, b"9013")]
            with contextlib.suppress(HJ212Error):
                answers.append(set_time(parse_segment(segment), datetime.now(UTC)))
        elif header.flag is not None and header.flag & 1 and not cn.startswith(b"9"):
            answers = [answer_for_header(header.qn, header.pw, header.mn, header.flag, b"9014")]
        else:
            return
        self.gw.spool.after_commit(partial(self._send, b"".join(answers)))

    def _send(self, data: bytes) -> None:
        """Write an answer now that its frame is durable."""
        if self.closed or self.transport.is_closing():
            return
        self.transport.write(data)
        self.gw.stats["acked"] += 1
        if self.transport.get_write_buffer_size() > self.gw.config.max_write_buffer:
            self._close("WRITE_BUFFER", "peer does not read its answers")

    def _reject(self, raw: bytes, code: str, message: str, now: float) -> None:
        """Keep the rejected bytes as evidence, log, and close a connection that keeps sending junk."""
        gw = self.gw
        gw.spool.append(REJECTED, raw[:MAX_REJECT_KEPT], received_at=now, peer=self.peer, reason=code)
        gw.stats["rejected"] += 1
        self.rejections += 1
        gw.log.event("rejection", peer=self.peer, mn=self.mn, code=code, message=message[:300])
        if self.rejections >= gw.config.max_rejections:
            self._close("TOO_MANY_REJECTIONS", f"{self.rejections} rejections")

    def _close(self, reason: str, detail: str) -> None:
        """Drop the connection now (abort: do not wait to flush to a misbehaving peer)."""
        if not self.closed:
            self.gw.log.event("close", peer=self.peer, mn=self.mn, reason=reason, detail=detail)
            self.closed = True
            self.transport.abort()

    def tick(self, now: float) -> None:
        """Housekeeping: accept quiet unterminated frames, enforce frame and idle timeouts."""
        if self.closed:
            return
        cfg = self.gw.config
        if self.partial_since is not None and now - self.partial_since >= 1.0:
            self._handle(self.decoder.flush(), now)
            if not self.decoder.buffered:
                self.partial_since = None
            elif now - self.partial_since > cfg.frame_timeout:
                self._close(
                    "FRAME_TIMEOUT",
                    f"partial frame of {self.decoder.buffered} bytes for {cfg.frame_timeout}s",
                )
                return
        if now - self.last_frame > cfg.idle_timeout:
            self._close("IDLE_TIMEOUT", f"no complete frame for {cfg.idle_timeout}s")


async def serve(config: GatewayConfig, directory: DeviceDirectory | None = None, *, announce=print) -> dict:
    """Run a gateway until SIGTERM/SIGINT (or cancellation); returns the final counters."""
    gateway = Gateway(config, directory)
    await gateway.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    announce(f"LISTENING {config.host} {gateway.port} {gateway.spool.segment}", flush=True)
    try:
        await stop.wait()
    finally:
        await gateway.close()
    return gateway.stats
