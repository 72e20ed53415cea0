"""Framing: "##" + 4-digit length + data segment + 4 hex CRC + CR LF, strict and lenient."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import errors as E
from .crc import crc

MAX_SEGMENT = 1024  # std §6.3.1; the gateway may configure a larger lenient maximum
_HEX = frozenset(b"0123456789ABCDEFabcdef")
_DIGITS = frozenset(b"0123456789")


# not frozen: built once per frame on the gateway's hot path (a frozen dataclass's __init__ is 4x slower)
@dataclass(slots=True)
class Frame:
    """One framed data segment with its length/CRC verdict and the leniencies that were needed to accept it."""

    segment: bytes
    declared_length: int
    actual_length: int
    declared_crc: str
    computed_crc: int
    offset: int = 0  # where "##" started in the input
    warnings: tuple[str, ...] = field(default=())

    @property
    def crc_ok(self) -> bool:
        """True when the declared CRC equals the computed one (case-insensitively)."""
        return int(self.declared_crc, 16) == self.computed_crc


def encode_frame(segment: bytes | str) -> bytes:
    """Frame a data segment: ##, length in bytes, segment, upper-case CRC, CR LF."""
    if isinstance(segment, str):
        segment = segment.encode("utf-8")
    return b"##%04d%s%04X\r\n" % (len(segment), segment, crc(segment))


def _crc_field(raw: bytes, pos: int) -> str:
    """Validate the 4-character CRC field at `pos`; raise BAD_CRC_FIELD if it is not hex."""
    check = raw[pos : pos + 4]
    if len(check) != 4 or not all(c in _HEX for c in check):
        raise E.HJ212Error(
            E.BAD_CRC_FIELD,
            f"expected 4 hex digits of CRC at byte {pos}, found {check!r}",
            offset=pos,
            field="CRC",
        )
    return check.decode("ascii")


def split_frame(data: bytes | str, *, strict: bool = False, max_segment: int = MAX_SEGMENT) -> Frame:
    """Split one complete frame into its parts and verify length and CRC; raise HJ212Error on any defect.

    Lenient mode tolerates garbage before "##", NUL/whitespace after the CRC, a missing CR LF, lower-case hex and
    a wrong declared length when the CRC of the actual segment (up to the last 4 characters) verifies.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    warnings: list[str] = []
    start = raw.find(b"##")
    if start < 0:
        raise E.HJ212Error(E.NO_START, "expected '##' at the start of the frame, none found", offset=0)
    if start > 0:
        if strict:
            raise E.HJ212Error(E.GARBAGE, f"expected '##' at byte 0, found {start} bytes before it", offset=0)
        warnings.append(f"GARBAGE: skipped {start} bytes before '##'")
    body_end = len(raw)
    tail = raw.rstrip(b"\x00")
    if len(tail) != body_end:
        if strict:
            raise E.HJ212Error(
                E.TRAILING_BYTES,
                f"unexpected {body_end - len(tail)} NUL bytes after the frame",
                offset=len(tail),
            )
        warnings.append(f"TRAILING_BYTES: ignored {body_end - len(tail)} NUL bytes")
    if tail.endswith(b"\r\n"):
        tail = tail[:-2]
    elif strict:
        raise E.HJ212Error(E.MISSING_CRLF, f"expected CR LF at byte {len(tail)}", offset=len(tail))
    else:
        stripped = tail.rstrip(b"\r\n\t *")
        if stripped != tail:
            warnings.append(f"MISSING_CRLF: ignored trailing {tail[len(stripped) :]!r}")
        else:
            warnings.append("MISSING_CRLF: no CR LF after the CRC")
        tail = stripped
    length_field = tail[start + 2 : start + 6]
    if len(length_field) != 4 or not all(c in _DIGITS for c in length_field):
        raise E.HJ212Error(
            E.BAD_LENGTH_FIELD,
            f"expected 4 decimal digits of length at byte {start + 2}, found {length_field!r}",
            offset=start + 2,
            field="LENGTH",
        )
    declared = int(length_field)
    seg_start = start + 6
    if declared > max_segment:
        raise E.HJ212Error(
            E.TOO_LONG, f"declared length {declared} exceeds the maximum {max_segment}", offset=start + 2
        )
    actual = len(tail) - 4 - seg_start
    if actual < 0:
        raise E.HJ212Error(
            E.TRUNCATED,
            f"expected {declared} bytes of data segment and 4 of CRC after byte {seg_start}, "
            f"found only {len(tail) - seg_start}",
            offset=seg_start,
        )
    if actual > max_segment:
        raise E.HJ212Error(E.TOO_LONG, f"data segment of {actual} bytes exceeds the maximum {max_segment}")
    crc_pos = seg_start + actual
    declared_crc = _crc_field(tail, crc_pos)
    segment = tail[seg_start:crc_pos]
    computed = crc(segment)
    if declared != actual:
        crc_note = f"CRC declared {declared_crc.upper()}, computed {computed:04X} over {actual} bytes"
        if strict or int(declared_crc, 16) != computed:
            raise E.HJ212Error(
                E.LENGTH_MISMATCH,
                f"declared length {declared:04d}, actual data segment {actual} bytes "
                f"(bytes {seg_start}..{crc_pos - 1}); {crc_note}",
                offset=start + 2,
                field="LENGTH",
            )
        warnings.append(f"LENGTH_MISMATCH: declared {declared:04d}, actual {actual}; CRC of actual verifies")
    if int(declared_crc, 16) != computed:
        raise E.HJ212Error(
            E.CRC_MISMATCH,
            f"declared {declared_crc.upper()}, computed {computed:04X} over {actual} bytes",
            offset=crc_pos,
            field="CRC",
        )
    if declared_crc != declared_crc.upper():
        if strict:
            raise E.HJ212Error(
                E.LOWERCASE_CRC, f"expected upper-case hex CRC at byte {crc_pos}, found {declared_crc}"
            )
        warnings.append(f"LOWERCASE_CRC: {declared_crc}")
    return Frame(segment, declared, actual, declared_crc, computed, start, tuple(warnings))
