"""The gateway: one asyncio Protocol per device connection; header-only hot path; ack only after fsync.

Order of the checks on every frame (why: a stranger must not be able to spend a registered device's budget):
framing → header → directory lookup → (unknown/inactive MN: quarantine, under the per-peer rate and the daily
quarantine budget) → back-off/lock of the peer and MN → password → the MN's token bucket → spool → answer.
A frame over its bucket is not dropped: the connection stops being read until the bucket has a token again
(TCP flow control slows the device), then processing resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import signal
import time
from datetime import UTC, datetime
from functools import partial

from ..hj212 import FrameDecoder, HJ212Error, RawFrame, parse_header, parse_segment, set_time
from ..hj212.encode import answer_for_header
from .budget import Budget
from .connlog import ConnectionLog
from .directory import DeviceDirectory
from .guard import AuthGuard
from .limits import BoundedMap, GatewayConfig, TokenBucket, peer_key
from .spool import ACCEPTED, QUARANTINE, REJECTED, SpoolFailed, SpoolWriter

MAX_REJECT_KEPT = 64 * 1024  # bytes of a rejected run kept in the spool (garbage floods are only counted)
EXIT_SPOOL_FAILED = 3  # process exit status when the spool cannot write (a supervisor restarts and alerts)


def _power_of_two(n: int) -> bool:
    """Log the 1st, 2nd, 4th, 8th... occurrence of a repeated event (a flood must not flood the log)."""
    return n & (n - 1) == 0


class Gateway:
    """Owns the listening socket, the spool, the device directory, the limits and the connection log."""

    def __init__(self, config: GatewayConfig, directory: DeviceDirectory | None = None):
        self.config = config
        self.directory = directory  # None = open gateway (benchmarks): every MN is accepted
        self.spool = SpoolWriter(config.spool_dir, segment_bytes=config.segment_bytes,
                                 commit_interval=config.commit_interval, on_failure=self._spool_failed)  # fmt: skip
        self.log = ConnectionLog(config.log_path, max_bytes=config.log_max_bytes)
        self.connections: set[DeviceConnection] = set()
        self.per_peer: dict[str, int] = {}  # open connections per peer key
        self.buckets: BoundedMap[bytes, TokenBucket] = BoundedMap(config.max_tracked)  # authenticated MNs only
        self.peer_buckets: BoundedMap[str, TokenBucket] = BoundedMap(config.max_tracked)  # quarantine senders
        self.guard = AuthGuard(config)
        self.quarantine_budget = Budget(
            "quarantine", config.spool_dir, total_bytes=config.quarantine_bytes,
            peer_bytes=config.quarantine_peer_bytes, total_mns=config.quarantine_mns,
            peer_mns=config.quarantine_peer_mns, max_peers=config.max_tracked,
        )  # fmt: skip
        self.rejected_budget = Budget("rejected", config.spool_dir, total_bytes=config.rejected_bytes,
                                      peer_bytes=config.rejected_peer_bytes, max_peers=config.max_tracked)  # fmt: skip
        self.refusals: BoundedMap[str, int] = BoundedMap(config.max_tracked)  # refused connects per peer (log)
        self.stats = dict.fromkeys(
            ("connections", "frames", "acked", "rejected", "quarantined", "auth_failed", "throttled",
             "quarantine_refused", "rejected_not_kept", "refused"), 0,
        )  # fmt: skip
        self.error: BaseException | None = None  # set when the spool failed: the process must exit non-zero
        self.stopping = asyncio.Event()
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
        self.started_at = time.time()
        if self.config.status_path is not None:
            self.write_status(self.started_at)
        self.log.event("start", host=self.config.host, port=self.port, segment=self.spool.segment)

    def _spool_failed(self, exc: BaseException) -> None:
        """The spool cannot write: stop listening and hang up now, so devices keep their frames and a supervisor
        restarts the process (running deaf — listening, acknowledging nothing — would hide the failure)."""
        if self.error is not None:
            return
        self.error = exc
        self.log.event("spool_failed", error=repr(exc))
        self.log.flush()
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.closed = True
            conn.transport.abort()
        self.stopping.set()

    async def _housekeeping(self) -> None:
        """Once a second: timeouts, quiet-line flushes, log flush, budgets saved, refilled buckets forgotten."""
        while True:
            await asyncio.sleep(1.0)
            now = time.time()
            for conn in list(self.connections):
                conn.tick(now)
            for buckets in (self.buckets, self.peer_buckets):
                if len(buckets) > 1000:
                    for key in [k for k, b in buckets.items() if b.full(now)]:
                        del buckets[key]
            self.quarantine_budget.save()
            self.rejected_budget.save()
            self.log.flush()
            if self.config.status_path is not None and int(now) % 5 == 0:
                self.write_status(now)

    def write_status(self, now: float) -> None:
        """Where it listens, since when, what it has done (read by `ecoenforce status`); never fatal."""
        path = self.config.status_path
        data = {"pid": os.getpid(), "host": self.config.host, "port": self.port, "started_at": self.started_at,
                "beat_at": now, "connections": len(self.connections), "segment": self.spool.segment,
                "stats": self.stats}  # fmt: skip
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, path)

    def refuse(self, peer: str, key: str, reason: str) -> None:
        """Count a refused connection; log it sparsely (a refused peer reconnecting in a loop is one story)."""
        self.stats["refused"] += 1
        count = self.refusals.touch(key, 0) + 1
        self.refusals[key] = count
        if _power_of_two(count):
            self.log.event("refused", peer=peer, reason=reason, count=count)

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
        self.quarantine_budget.save(every=0)
        self.rejected_budget.save(every=0)
        self.log.event("stop", **self.stats)
        self.log.close()


class DeviceConnection(asyncio.Protocol):
    """One TCP connection from a data acquisition unit."""

    def __init__(self, gateway: Gateway):
        self.gw = gateway
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.peer = "?"
        self.key = "?"
        self.mn: str | None = None
        self.authed: set[bytes] = set()  # MNs this connection has authenticated as
        self.closed = False
        self.draining = False  # hanging up once the answers to what was kept are written
        self.backlog: list | None = None  # frames cut but not yet processed while reading is paused
        self.resume_handle: asyncio.TimerHandle | None = None
        self.frames = self.rejections = self.auth_failures = self.throttled = 0

    # --- asyncio callbacks -------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # noqa: D401
        """Admit the connection unless a global/per-peer limit or an authentication back-off refuses it."""
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.key = peer_key(peer[0]) if peer else "?"
        gw = self.gw
        now = time.time()
        reason = None
        if len(gw.connections) >= gw.config.max_connections:
            reason = "MAX_CONNECTIONS"
        elif gw.per_peer.get(self.key, 0) >= gw.config.max_connections_per_peer:
            reason = "MAX_PEER_CONNECTIONS"
        elif gw.guard.peer_blocked(self.key, now) and not gw.guard.peer_has_trust(self.key, now):
            # a peer in back-off is refused at once, unless registered devices authenticate from it (a NAT):
            # then each frame decides (see _authenticate)
            reason = "AUTH_BACKOFF"
        if reason is not None:
            gw.refuse(self.peer, self.key, reason)
            self.closed = True
            transport.abort()
            return
        gw.connections.add(self)
        gw.per_peer[self.key] = gw.per_peer.get(self.key, 0) + 1
        gw.stats["connections"] += 1
        self.decoder = FrameDecoder(max_segment=gw.config.max_segment)
        self.last_frame = now
        self.partial_since: float | None = None
        gw.log.event("connect", peer=self.peer)

    def data_received(self, data: bytes) -> None:
        """Cut frames, handle each in order (pausing when the device is over its rate); never raise."""
        if self.closed or self.draining:
            return
        now = time.time()
        try:
            items = self.decoder.feed(data)
            if self.backlog is not None:  # paused: a transport may still deliver what it had read
                self.backlog.extend(items)
            elif items:
                self._process(items, now)
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
        if self.resume_handle is not None:
            self.resume_handle.cancel()
            self.resume_handle = None
        if self in gw.connections:
            gw.connections.discard(self)
            left = gw.per_peer.get(self.key, 1) - 1
            if left > 0:
                gw.per_peer[self.key] = left
            else:
                gw.per_peer.pop(self.key, None)
            now = time.time()
            # frames waiting behind the rate limit were never answered: the device still holds and resends them
            unprocessed = len(self.backlog) if self.backlog else 0
            self.backlog = None
            if gw.error is None:
                with contextlib.suppress(Exception):
                    # also after an abort (slowloris, junk): the leftover bytes are evidence and go to the spool
                    for item in self.decoder.close():
                        if type(item) is RawFrame:
                            self._frame(item, now)  # spooled; its answer is dropped, the device will retransmit
                        else:
                            self._reject(item.raw, item.error.code, item.error.message, now)
            gw.log.event("disconnect", peer=self.peer, mn=self.mn, frames=self.frames, rejections=self.rejections,
                         throttled=self.throttled, unprocessed=unprocessed)  # fmt: skip
        self.closed = True

    # --- back-pressure -----------------------------------------------------------------------------------
    def _process(self, items: list, now: float) -> None:
        """Handle items in stream order; a frame over its rate pauses reading and parks the rest."""
        for i, item in enumerate(items):
            if self.closed or self.draining:
                return
            if type(item) is RawFrame:  # inlined dispatch: this is the per-frame hot path
                wait = self._frame(item, now)
                if wait:
                    self._pause(items[i:], wait)
                    return
            else:
                self._reject(item.raw, item.error.code, item.error.message, now)

    def _pause(self, backlog: list, wait: float) -> None:
        """Stop reading until the bucket has a token; the kernel's buffers fill and TCP slows the sender."""
        self.backlog = backlog
        self.throttled += 1
        self.gw.stats["throttled"] += 1
        if _power_of_two(self.throttled):
            self.gw.log.event("throttled", peer=self.peer, mn=self.mn, count=self.throttled,
                              wait_ms=round(wait * 1000, 1))  # fmt: skip
        with contextlib.suppress(RuntimeError, AttributeError):
            self.transport.pause_reading()
        self.resume_handle = asyncio.get_running_loop().call_later(wait, self._resume)

    def _resume(self) -> None:
        """Bucket refilled: process the parked frames (maybe pausing again), then read again."""
        self.resume_handle = None
        if self.closed:
            return
        backlog, self.backlog = self.backlog or [], None
        now = time.time()
        try:
            self._process(backlog, now)
        except Exception as exc:  # noqa: BLE001
            self._close("INTERNAL_ERROR", repr(exc))
            return
        self.last_frame = now
        if self.backlog is None and not self.closed:
            with contextlib.suppress(RuntimeError, AttributeError):
                self.transport.resume_reading()

    # --- frame handling ----------------------------------------------------------------------------------
    def _frame(self, item: RawFrame, now: float) -> float:
        """Hot path: header, authenticate, rate, spool, ack after commit. Returns seconds to wait when the frame
        is over its rate (nothing done: it is processed again after the wait), else 0.0."""
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
            return 0.0
        mn = header.mn
        if gw.directory is not None:
            mn_text = mn.decode(errors="replace")
            device = gw.directory.lookup(mn_text)
            if device is None or not device.active:
                self.authed.discard(mn)
                return self._quarantine(item, header, segment, device is None, now)
            if mn not in self.authed or header.pw is None or not hmac.compare_digest(header.pw, device.password.encode()):
                # first frame of this MN on the connection, or a password that no longer matches: full check
                self.authed.discard(mn)
                if not self._authenticate(item, header, mn_text, device.password, now):
                    return 0.0
        elif self.mn is None:
            self.mn = mn.decode(errors="replace")
        bucket = gw.buckets.get(mn)
        if bucket is None:
            bucket = gw.buckets.touch(mn, TokenBucket(gw.config.rate, gw.config.burst, now))
        wait = bucket.delay(now)
        if wait:
            return wait
        self.frames += 1
        gw.stats["frames"] += 1
        gw.spool.append(ACCEPTED, item.raw, received_at=now, peer=self.peer)
        self._answer(header, segment)
        return 0.0

    def _authenticate(self, item: RawFrame, header, mn_text: str, password: str, now: float) -> bool:
        """First frame of an MN on this connection (or after a password mismatch): back-off, lock, password."""
        guard = self.gw.guard
        trusted = guard.trusted(mn_text, self.key, now)
        if not trusted and guard.peer_blocked(self.key, now):
            self._refuse_auth("AUTH_BACKOFF", mn_text, now)
            return False
        if not trusted and guard.mn_locked(mn_text, now):
            # the password is not compared: a lock must not be an oracle for the guesser it stops
            self._refuse_auth("AUTH_LOCKED", mn_text, now)
            return False
        if header.pw is None or not hmac.compare_digest(header.pw, password.encode()):
            self._auth_failure(item.raw, header, mn_text, now)
            return False
        guard.success(mn_text, self.key, now)
        self.authed.add(header.mn)
        self.mn = mn_text
        return True

    def _refuse_auth(self, code: str, mn_text: str, now: float) -> None:
        """A frame refused by a back-off or lock: counted and logged, not kept, connection closed."""
        gw = self.gw
        gw.stats["auth_failed"] += 1
        gw.refuse(self.peer, self.key, code)
        self._hang_up_after_commit(code, f"MN {mn_text}")

    def _auth_failure(self, raw: bytes, header, mn_text: str, now: float) -> None:
        """A wrong password: kept as evidence (within the rejected budget), counted per connection, peer, MN."""
        gw = self.gw
        gw.stats["auth_failed"] += 1
        self.auth_failures += 1
        peer_backoff, mn_lock = gw.guard.failure(mn_text, self.key, now)
        gw.log.event("auth_failure", peer=self.peer, mn=mn_text, cn=header.cn.decode(errors="replace"))
        if peer_backoff:
            gw.log.event("auth_backoff", peer=self.peer, seconds=peer_backoff)
        if mn_lock:
            gw.log.event("auth_locked", mn=mn_text, seconds=mn_lock)
        self._keep(REJECTED, raw, now, "AUTH_PASSWORD", mn_text)  # within the budget: guessers fill no disk
        if peer_backoff:
            self._hang_up_after_commit("AUTH_BACKOFF", f"{self.auth_failures} wrong passwords")
        elif self.auth_failures >= gw.config.max_auth_failures:
            self._hang_up_after_commit("AUTH_FAILURES", f"{self.auth_failures} wrong passwords")

    def _quarantine(self, item: RawFrame, header, segment: bytes, unknown: bool, now: float) -> float:
        """Unknown or inactive MN: slowed per peer, kept within the daily quarantine budget, then answered."""
        gw = self.gw
        bucket = gw.peer_buckets.get(self.key)
        if bucket is None:
            bucket = gw.peer_buckets.touch(
                self.key, TokenBucket(gw.config.quarantine_rate, gw.config.quarantine_burst, now)
            )
        wait = bucket.delay(now)
        if wait:
            return wait
        mn_text = header.mn.decode(errors="replace")
        cap = gw.quarantine_budget.admit(self.key, mn_text, len(item.raw), now)
        if cap is not None:
            # not kept, not answered: the device keeps the frame; registered devices are unaffected
            gw.stats["quarantine_refused"] += 1
            if _power_of_two(gw.quarantine_budget.refused):
                gw.log.event("quarantine_full", peer=self.peer, mn=mn_text, cap=cap,
                             count=gw.quarantine_budget.refused)  # fmt: skip
            self._hang_up_after_commit("QUARANTINE_FULL", cap)
            return 0.0
        reason = "UNKNOWN_MN" if unknown else "INACTIVE_DEVICE"
        gw.spool.append(QUARANTINE, item.raw, received_at=now, peer=self.peer, reason=reason)
        gw.stats["quarantined"] += 1
        self.frames += 1
        if self.mn != mn_text:
            self.mn = mn_text
            gw.log.event("quarantine", peer=self.peer, mn=mn_text, reason=reason)
        self._answer(header, segment)  # answered so the device does not retransmit forever
        return 0.0

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
        if self.closed or self.transport.is_closing():  # draining connections still get their answers
            return
        self.transport.write(data)
        self.gw.stats["acked"] += 1
        if self.transport.get_write_buffer_size() > self.gw.config.max_write_buffer:
            self._close("WRITE_BUFFER", "peer does not read its answers")

    def _keep(self, kind: int, raw: bytes, now: float, code: str, mn: str | None) -> None:
        """Spool rejected bytes as evidence if the day's rejected budget allows (else only counted)."""
        gw = self.gw
        kept = raw[:MAX_REJECT_KEPT]
        if gw.rejected_budget.admit(self.key, None, len(kept), now) is None:
            gw.spool.append(kind, kept, received_at=now, peer=self.peer, reason=code)
        else:
            gw.stats["rejected_not_kept"] += 1

    def _reject(self, raw: bytes, code: str, message: str, now: float) -> None:
        """Keep the rejected bytes as evidence, log, and close a connection that keeps sending junk."""
        gw = self.gw
        self._keep(REJECTED, raw, now, code, self.mn)
        gw.stats["rejected"] += 1
        self.rejections += 1
        if self.rejections <= 8 or _power_of_two(self.rejections):
            gw.log.event("rejection", peer=self.peer, mn=self.mn, code=code, message=message[:300])
        if self.rejections >= gw.config.max_rejections:
            self._close("TOO_MANY_REJECTIONS", f"{self.rejections} rejections")

    def _hang_up_after_commit(self, reason: str, detail: str) -> None:
        """Stop reading and processing now; close once the answers to frames already kept have been written
        (so they are not sent again), and abort if the peer does not take them within a few seconds."""
        if self.closed or self.draining:
            return
        self.draining = True
        self.gw.log.event("close", peer=self.peer, mn=self.mn, reason=reason, detail=detail)
        with contextlib.suppress(RuntimeError, AttributeError):
            self.transport.pause_reading()
        self.gw.spool.after_commit(self._hang_up)

    def _hang_up(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.transport.close()
        asyncio.get_running_loop().call_later(5.0, self.transport.abort)

    def _close(self, reason: str, detail: str) -> None:
        """Drop the connection now (abort: do not wait to flush to a misbehaving peer)."""
        if not self.closed:
            self.gw.log.event("close", peer=self.peer, mn=self.mn, reason=reason, detail=detail)
            self.closed = True
            self.transport.abort()

    def tick(self, now: float) -> None:
        """Housekeeping: accept quiet unterminated frames, enforce frame and idle timeouts."""
        if self.closed or self.draining:
            return
        if self.backlog is not None:  # paused by us: neither idle nor slow
            self.last_frame = now
            self.partial_since = None
            return
        cfg = self.gw.config
        if self.partial_since is not None and now - self.partial_since >= 1.0:
            self._process(self.decoder.flush(), now)
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
    """Run a gateway until SIGTERM/SIGINT (or cancellation); returns the final counters.

    Raises SpoolFailed when the spool could not write: the caller exits non-zero (EXIT_SPOOL_FAILED).
    """
    gateway = Gateway(config, directory)
    await gateway.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, gateway.stopping.set)
    announce(f"LISTENING {config.host} {gateway.port} {gateway.spool.segment}", flush=True)
    try:
        await gateway.stopping.wait()
    finally:
        await gateway.close()
    if gateway.error is not None:
        raise SpoolFailed(f"spool {config.spool_dir} cannot be written: {gateway.error}") from gateway.error
    return gateway.stats
