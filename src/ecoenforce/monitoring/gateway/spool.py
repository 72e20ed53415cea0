"""Append-only spool: length-prefixed, checksummed records in numbered segment files, group-committed with fsync.

Record = head "<2sBBII" (magic b"HJ", version, kind, body length, CRC-32 of body) + body; body = "<d32sBB"
(received_at epoch seconds, SHA-256 of raw, peer length, reason length) + peer + reason + raw frame bytes.
A segment is final when a SEAL record ends it or a newer segment exists (the writer crashed); a torn tail is
detected by length/CRC and ignored. Readers never need the writer's cooperation.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import fcntl
import hashlib
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"HJ"
VERSION = 1
HEAD = struct.Struct("<2sBBII")
BODY = struct.Struct("<d32sBB")
ACCEPTED, REJECTED, QUARANTINE, SEAL = 0, 1, 2, 255
KIND_NAMES = {ACCEPTED: "accepted", REJECTED: "rejected", QUARANTINE: "quarantine", SEAL: "seal"}
MAX_RAW = 1 << 20  # a record never holds more than 1 MiB of raw bytes (rejections are capped before this)


@dataclass(frozen=True, slots=True)
class SpoolRecord:
    """One spooled frame (or rejected byte run) with where it lives in the spool."""

    segment: str
    offset: int
    kind: int
    received_at: float
    sha256: str
    peer: str
    reason: str
    raw: bytes
    size: int  # bytes the record occupies in the segment (head + body)

    @property
    def end(self) -> int:
        """Offset just past this record."""
        return self.offset + self.size

    @property
    def kind_name(self) -> str:
        """accepted / rejected / quarantine / seal."""
        return KIND_NAMES.get(self.kind, str(self.kind))


def encode_record(kind: int, raw: bytes, *, received_at: float, peer: str = "", reason: str = "") -> bytes:
    """Serialise one record (sha256 computed here so every stored frame carries its digest)."""
    peer_b, reason_b = peer.encode()[:255], reason.encode()[:255]
    body = (
        BODY.pack(received_at, hashlib.sha256(raw).digest(), len(peer_b), len(reason_b))
        + peer_b
        + reason_b
        + raw
    )
    return HEAD.pack(MAGIC, VERSION, kind, len(body), zlib.crc32(body)) + body


def segment_name(seq: int) -> str:
    """File name of segment number `seq` (sortable)."""
    return f"seg-{seq:010d}.hjs"


def list_segments(directory: Path | str) -> list[Path]:
    """Segments in write order."""
    return sorted(Path(directory).glob("seg-*.hjs"))


def read_records(path: Path | str, start: int = 0) -> Iterator[SpoolRecord]:
    """Records of a segment from byte `start` up to the last complete, checksummed one (a torn tail stops it)."""
    path = Path(path)
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read()
    pos, n = 0, len(data)
    while pos + HEAD.size <= n:
        magic, version, kind, length, checksum = HEAD.unpack_from(data, pos)
        body_at = pos + HEAD.size
        if magic != MAGIC or version != VERSION or body_at + length > n:
            return
        body = data[body_at : body_at + length]
        if zlib.crc32(body) != checksum or length < BODY.size:
            return
        received_at, digest, peer_len, reason_len = BODY.unpack_from(body)
        p = BODY.size
        peer = body[p : p + peer_len].decode(errors="replace")
        reason = body[p + peer_len : p + peer_len + reason_len].decode(errors="replace")
        raw = body[p + peer_len + reason_len :]
        yield SpoolRecord(
            path.name, start + pos, kind, received_at, digest.hex(), peer, reason, raw, HEAD.size + length
        )
        pos = body_at + length


def scan_segment(path: Path | str, start: int = 0) -> tuple[int, bool]:
    """(end offset of the last complete record, sealed?) of a segment, from `start`."""
    end, sealed = start, False
    for record in read_records(path, start):
        end, sealed = record.end, record.kind == SEAL
    return end, sealed


class SpoolFailed(RuntimeError):
    """The spool cannot write (disk full, I/O error): nothing more can be acknowledged."""


class SpoolWriter:
    """The gateway's spool: append() buffers, a commit task writes + fdatasyncs every few ms, then runs callbacks.

    Callbacks (the acknowledgements) run only after the fsync of the batch that holds their record returned.
    A failed write is final for this writer: the batch's callbacks are dropped (those frames were never
    acknowledged, so devices retransmit them) and `on_failure` is called so the process can stop and be restarted
    by its supervisor rather than keep listening without storing anything.
    """

    def __init__(
        self, directory: Path | str, *, segment_bytes: int = 64 << 20, commit_interval: float = 0.002,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.segment_bytes = segment_bytes
        self.commit_interval = commit_interval
        self._lock_fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise RuntimeError(f"spool {self.directory} is in use by another gateway process") from None
        existing = list_segments(self.directory)
        self._seq = int(existing[-1].name[4:14]) if existing else 0
        self._fd = -1
        self._size = 0
        self._open_next()
        self._batch: list[tuple[int, bytes]] = []
        self._callbacks: list[Callable[[], None]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="spool-fsync")
        self._to_close: list[int] = []
        self.failed: BaseException | None = None
        self.on_failure = on_failure
        self.records = 0
        self.commits = 0

    @property
    def segment(self) -> str:
        """Name of the segment being written."""
        return self._segment

    def _open_next(self, *, sync_dir: bool = True) -> None:
        """Start a new segment (every process start and every rotation: a crashed segment is never appended to)."""
        self._seq += 1
        self._segment = segment_name(self._seq)
        path = self.directory / self._segment
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._size = 0
        if sync_dir:
            self._sync_dir()

    def _sync_dir(self) -> None:
        """fsync the spool directory: a new file's entry must be durable before records in it are acked."""
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def append(
        self, kind: int, raw: bytes, *, received_at: float, peer: str = "", reason: str = ""
    ) -> tuple[str, int]:
        """Queue a record for the next commit; returns (segment, offset) it will have."""
        if self.failed is not None:
            raise SpoolFailed(f"spool failed: {self.failed!r}")
        record = encode_record(kind, raw[:MAX_RAW], received_at=received_at, peer=peer, reason=reason)
        if self._size + len(record) > self.segment_bytes and self._size:
            try:
                self._rotate(received_at)
            except OSError as exc:  # the next segment cannot even be created (disk full, read-only)
                self.failed = exc
                if self.on_failure is not None:
                    self.on_failure(exc)
                raise SpoolFailed(f"spool {self.directory} cannot be written: {exc}") from exc
        where = (self.segment, self._size)
        self._batch.append((self._fd, record))
        self._size += len(record)
        self.records += 1
        if self._wake is not None:
            self._wake.set()
        return where

    def _rotate(self, now: float) -> None:
        """Seal the current segment and open the next; the old fd is closed after the batch's fsync."""
        self._batch.append((self._fd, encode_record(SEAL, b"", received_at=now)))
        self._to_close.append(self._fd)
        # the directory is fsynced by the commit thread, not on the event loop
        self._open_next(sync_dir=False)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once everything appended so far is on disk."""
        self._callbacks.append(callback)
        if self._wake is not None:
            self._wake.set()

    def start(self) -> None:
        """Start the group-commit task on the running loop."""
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._commit_forever())

    def _write_sync(self, batch: list[tuple[int, bytes]], closing: list[int]) -> None:
        """In the fsync thread: write the batch per file, fdatasync each touched file, close rotated files."""
        touched: dict[int, list[bytes]] = {}
        for fd, record in batch:
            touched.setdefault(fd, []).append(record)
        for fd, records in touched.items():
            data = memoryview(b"".join(records))
            while data:
                written = os.write(fd, data)
                data = data[written:]
            os.fdatasync(fd)
        for fd in closing:
            os.close(fd)
        if closing:
            self._sync_dir()

    async def commit(self) -> None:
        """Write and fsync what is queued, then run the callbacks waiting for it."""
        if not self._batch and not self._callbacks:
            return
        batch, self._batch = self._batch, []
        callbacks, self._callbacks = self._callbacks, []
        closing, self._to_close = self._to_close, []
        loop = asyncio.get_running_loop()
        if self.failed is not None:
            raise SpoolFailed(f"spool failed: {self.failed!r}")
        try:
            await loop.run_in_executor(self._executor, self._write_sync, batch, closing)
        except OSError as exc:
            self.failed = exc  # no acknowledgement without durability: devices will retransmit
            if self.on_failure is not None:
                self.on_failure(exc)
            raise SpoolFailed(f"spool {self.directory} cannot be written: {exc}") from exc
        self.commits += 1
        for callback in callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - one closed connection must not stop other acks
                pass

    async def _commit_forever(self) -> None:
        """Group commit: wait for work, let a few ms of appends accumulate, commit them in one fsync."""
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self.commit_interval)
            try:
                await self.commit()
            except SpoolFailed:
                return  # on_failure has been told; the owner stops the process

    async def close(self) -> None:
        """Final commit, seal the segment, release the lock."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        if self.failed is None:
            self._batch.append((self._fd, encode_record(SEAL, b"", received_at=0.0)))
            self._to_close.append(self._fd)
            try:
                await self.commit()
            except SpoolFailed:
                pass
        if self.failed is not None:  # unsealed: readers treat it as superseded once the next process starts
            for fd in {self._fd, *self._to_close}:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._executor.shutdown(wait=True)
        os.close(self._lock_fd)
