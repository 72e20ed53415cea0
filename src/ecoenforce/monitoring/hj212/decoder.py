"""Incremental frame decoder for a TCP byte stream: sticky/half packets, garbage resync, bounded buffer."""

from __future__ import annotations

from dataclasses import dataclass

from . import errors as E
from .crc import crc
from .framing import Frame, split_frame

_BLANK = b"\x00\r\n\t "
MAX_GARBAGE_KEPT = 1024  # a rejection keeps at most this many garbage bytes (the rest is only counted)


@dataclass(slots=True)  # not frozen: hot path
class RawFrame:
    """A frame cut from the stream: its exact bytes (## .. CR LF) and the verified framing."""

    raw: bytes
    frame: Frame
    offset: int


@dataclass(frozen=True, slots=True)
class Rejection:
    """Bytes that could not be a valid frame, with the typed error explaining why."""

    raw: bytes
    error: E.HJ212Error
    offset: int


class FrameDecoder:
    """Feed bytes, get RawFrame/Rejection items; the buffer never holds more than one maximal frame."""

    def __init__(self, *, max_segment: int = 4096, strict: bool = False):
        self.max_segment = max_segment
        self.strict = strict
        self._buf = b""
        self._base = 0  # stream offset of _buf[0]
        self._garbage = b""
        self._garbage_at = 0
        self._garbage_total = 0

    @property
    def buffered(self) -> int:
        """Bytes held waiting for the rest of a frame."""
        return len(self._buf) + len(self._garbage)

    def _note_garbage(self, chunk: bytes, at: int, out: list) -> None:
        """Accumulate non-frame bytes; blank/NUL padding is dropped silently, anything else becomes one rejection."""
        if not chunk.strip(_BLANK):
            return
        if not self._garbage_total:
            self._garbage_at = at
        self._garbage_total += len(chunk)
        room = MAX_GARBAGE_KEPT - len(self._garbage)
        if room > 0:
            self._garbage += chunk[:room]
        if self._garbage_total >= MAX_GARBAGE_KEPT:
            self._flush_garbage(out)

    def _flush_garbage(self, out: list) -> None:
        """Emit the pending garbage as one GARBAGE rejection."""
        if self._garbage_total:
            err = E.HJ212Error(
                E.GARBAGE,
                f"expected '##' at byte {self._garbage_at}, skipped {self._garbage_total} bytes",
                offset=self._garbage_at,
            )
            out.append(Rejection(self._garbage, err, self._garbage_at))
            self._garbage, self._garbage_total = b"", 0

    def _reject(self, out: list, raw: bytes, at: int, code: str, message: str) -> None:
        """Emit a rejection of a frame-like run of bytes."""
        self._flush_garbage(out)
        out.append(Rejection(raw, E.HJ212Error(code, message, offset=at), at))

    def feed(self, data: bytes) -> list[RawFrame | Rejection]:
        """Consume bytes; return the frames and rejections completed by them, in stream order."""
        buf = self._buf + data if self._buf else bytes(data)
        base = self._base
        out: list[RawFrame | Rejection] = []
        pos, n, maxseg = 0, len(buf), self.max_segment
        while pos < n:
            start = buf.find(b"##", pos)
            if start < 0:
                keep = n - 1 if buf.endswith(b"#") else n  # a lone '#' may start the next "##"
                self._note_garbage(buf[pos:keep], base + pos, out)
                pos = keep
                break
            if start > pos:
                self._note_garbage(buf[pos:start], base + pos, out)
                pos = start
            if n - start < 6:
                break
            length_field = buf[start + 2 : start + 6]
            if not length_field.isdigit():
                self._reject(out, buf[start : start + 6], base + start, E.BAD_LENGTH_FIELD,
                             f"expected 4 decimal digits of length at byte {base + start + 2}, found {length_field!r}")  # fmt: skip
                pos = start + 2
                continue
            declared = int(length_field)
            if declared > maxseg:
                self._reject(out, buf[start : start + 6], base + start, E.TOO_LONG,
                             f"declared length {declared} at byte {base + start + 2} exceeds the maximum {maxseg}")  # fmt: skip
                pos = start + 2
                continue
            end = start + 6 + declared + 4
            if n >= end + 2 and buf[end : end + 2] == b"\r\n":
                check = buf[end - 4 : end]
                segment = buf[start + 6 : end - 4]
                computed = crc(segment)
                # hot path: exact length, upper-case CRC that verifies, CR LF right after
                if _hex(check) == computed and check == check.upper():
                    self._flush_garbage(out)
                    frame = Frame(segment, declared, declared, check.decode(), computed, base + start)
                    out.append(RawFrame(buf[start : end + 2], frame, base + start))
                    pos = end + 2
                    continue
                self._slow(out, buf[start : end + 2], base + start)
                pos = end + 2
                continue
            limit = start + 6 + maxseg + 4 + 2
            crlf = buf.find(b"\r\n", start + 6, limit)
            nxt = buf.find(b"##", start + 2, crlf if crlf >= 0 else min(n, limit))
            if nxt >= 0:
                if not self.strict and end <= nxt and self._unterminated_ok(buf, start, end):
                    # a frame sent without CR LF, directly followed by the next one
                    self._slow(out, buf[start:end], base + start)
                    pos = end
                    continue
                self._reject(out, buf[start:nxt], base + start, E.TRUNCATED,
                             f"frame at byte {base + start} declared {declared} bytes but a new '##' began at byte {base + nxt}")  # fmt: skip
                pos = nxt
                continue
            if crlf >= 0:
                self._slow(out, buf[start : crlf + 2], base + start)
                pos = crlf + 2
                continue
            if not self.strict and n >= end + 2 and self._unterminated_ok(buf, start, end):
                # no CR LF but other bytes follow a frame whose CRC verifies, e.g. "...&&D581**"
                self._slow(out, buf[start:end], base + start)
                pos = end
                continue
            if n >= limit:
                self._reject(out, buf[start : start + 6], base + start, E.TRUNCATED,
                             f"no CR LF within {maxseg + 12} bytes of the frame start at byte {base + start}")  # fmt: skip
                pos = start + 2
                continue
            break
        self._buf = buf[pos:]
        self._base = base + pos
        return out

    def _slow(self, out: list, raw: bytes, at: int) -> None:
        """Diagnose/accept a candidate frame with the full lenient/strict framing rules."""
        self._flush_garbage(out)
        try:
            frame = split_frame(raw, strict=self.strict, max_segment=self.max_segment)
        except E.HJ212Error as exc:
            out.append(Rejection(raw, exc, at))
            return
        out.append(RawFrame(raw, Frame(frame.segment, frame.declared_length, frame.actual_length,
                                       frame.declared_crc, frame.computed_crc, at, frame.warnings), at))  # fmt: skip

    @staticmethod
    def _unterminated_ok(buf: bytes, start: int, end: int) -> bool:
        """True when the declared length ends in a CRC that verifies (a frame sent without CR LF)."""
        return _hex(buf[end - 4 : end]) == crc(buf[start + 6 : end - 4])

    def flush(self) -> list[RawFrame | Rejection]:
        """Quiet line: accept a buffered frame that verifies but never got its CR LF (lenient mode only)."""
        buf = self._buf
        if self.strict or len(buf) < 10 or not buf.startswith(b"##") or not buf[2:6].isdigit():
            return []
        end = 6 + int(buf[2:6]) + 4
        if len(buf) < end or not self._unterminated_ok(buf, 0, end):
            return []
        out: list[RawFrame | Rejection] = []
        self._slow(out, buf[:end], self._base)
        self._buf, self._base = buf[end:], self._base + end
        return out + self.feed(b"")

    def close(self) -> list[RawFrame | Rejection]:
        """End of stream: whatever is left is a truncated frame or garbage."""
        out: list[RawFrame | Rejection] = self.flush()
        rest = self._buf
        if rest.strip(_BLANK):
            if rest.startswith(b"##"):
                self._reject(out, rest, self._base, E.TRUNCATED,
                             f"connection closed after {len(rest)} bytes of a frame starting at byte {self._base}")  # fmt: skip
            else:
                self._note_garbage(rest, self._base, out)
        self._flush_garbage(out)
        self._buf = b""
        return out


def _hex(check: bytes) -> int:
    """Value of a 4-character hex CRC field, -1 when it is not hex."""
    # int(..., 16) alone would accept "0x1F" or " 1F "; only the 22 hex characters are allowed
    if len(check) != 4 or check.translate(None, b"0123456789ABCDEFabcdef"):
        return -1
    return int(check, 16)
