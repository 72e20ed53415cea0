"""Data-segment parsing: header fields, Flag bits, PNUM/PNO, CP groups; strict and lenient; full and header-only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import errors as E
from .cp import CpItem, Groups, parse_cp
from .framing import MAX_SEGMENT, Frame, split_frame
from .sm4 import decrypt_cp, looks_encrypted

CST = timezone(timedelta(hours=8), "CST")  # DataTime/QN are Beijing time
HEADER_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
_KNOWN = frozenset(HEADER_ORDER) | {"RF"}
_FIELD_START = re.compile(r"(?:(?<=[;,])|^)\s*([A-Za-z][A-Za-z0-9_]*)=|(QN|ST|CN|PW|MN|Flag|PNUM|PNO|RF)=")
REVISIONS = {0: "2005", 1: "2017", 2: "2025"}


@dataclass(frozen=True, slots=True)
class Packet:
    """A parsed data segment (header + CP). Flag bits: A = ack wanted, D = split into PNUM packets, V = version."""

    qn: str | None
    st: str | None
    cn: str | None
    pw: str | None
    mn: str | None
    flag: int | None
    pnum: int | None = None
    pno: int | None = None
    rf: int | None = None
    cp: str = ""
    groups: Groups = ()
    extra: tuple[tuple[str, str], ...] = ()
    encrypted: bool = False
    warnings: tuple[str, ...] = ()
    frame: Frame | None = field(default=None, compare=False)

    @property
    def version(self) -> int | None:
        """Version bits V5..V0 of Flag (0 = 2005, 1 = 2017, 2 = 2025); None when Flag is absent."""
        return None if self.flag is None else self.flag >> 2

    @property
    def revision(self) -> str:
        """Protocol revision implied by Flag ('2005' when Flag is absent); key real devices by MN, not this."""
        v = self.version
        return "2005" if v is None else REVISIONS.get(v, f"v{v}")

    @property
    def ack_required(self) -> bool:
        """Flag bit A: the sender wants an answer (9014 for uploads)."""
        return bool(self.flag and self.flag & 1)

    @property
    def split(self) -> bool:
        """Flag bit D: this is one of PNUM sub-packets."""
        return bool(self.flag and self.flag & 2)

    @property
    def backfill(self) -> bool:
        """2025 RF=1: the data is a back-fill (补传) of earlier periods."""
        return self.rf == 1

    def items(self) -> list[CpItem]:
        """All CP items in order, flattened over groups."""
        return [item for group in self.groups for item in group]

    def get(self, name: str) -> str | None:
        """First value of a CP key such as DataTime, QnRtn or w01018-Rtd."""
        for group in self.groups:
            for item in group:
                if item.name == name:
                    return item.value
        return None

    @property
    def data_time(self) -> datetime | None:
        """CP DataTime as an aware datetime (Beijing time); milliseconds after the 14 digits are ignored."""
        value = self.get("DataTime")
        return parse_time14(value) if value else None


def parse_time14(value: str) -> datetime | None:
    """Parse YYYYMMDDhhmmss (extra digits such as milliseconds ignored); None when it is not a valid time."""
    if len(value) < 14 or not value[:14].isdigit() or not value.isascii():
        return None
    try:  # int slices, not strptime: this runs once per frame in the loader (strptime is 10x slower)
        return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]), int(value[10:12]),
                        int(value[12:14]), tzinfo=CST)  # fmt: skip
    except ValueError:
        return None


def _split_header_lenient(header: str) -> list[tuple[str, str]]:
    """Find every Name= start (any order, ',' or ';' or nothing between) and take values up to the next one."""
    starts = [(m.start(), m.end(), m.group(1) or m.group(2)) for m in _FIELD_START.finditer(header)]
    fields = []
    for i, (_, vstart, name) in enumerate(starts):
        vend = starts[i + 1][0] if i + 1 < len(starts) else len(header)
        fields.append((name, header[vstart:vend].strip().rstrip(";,").strip()))
    return fields


def _split_header_strict(header: str, offset: int) -> list[tuple[str, str]]:
    """Only ';'-separated Name=value tokens, in the standard's order."""
    fields = []
    pos = offset
    last = -1
    for token in header.split(";"):
        name, eq, value = token.partition("=")
        if not eq or not name.isidentifier():
            raise E.HJ212Error(
                E.BAD_SEPARATOR, f"expected Name=value at byte {pos}, found {token!r}", offset=pos
            )
        if "," in value or "=" in value:
            raise E.HJ212Error(
                E.BAD_SEPARATOR,
                f"expected ';' between header fields, found {token!r} at byte {pos}",
                offset=pos,
            )
        if name in HEADER_ORDER:
            idx = HEADER_ORDER.index(name)
            if idx < last:
                raise E.HJ212Error(
                    E.FIELD_ORDER,
                    f"field {name} at byte {pos} must come before {HEADER_ORDER[last]}",
                    field=name,
                )
            last = idx
        fields.append((name, value))
        pos += len(token) + 1
    return fields


def _int_field(name: str, value: str, lo: int, hi: int) -> int:
    """Parse an integer header field within [lo, hi] or raise BAD_FIELD."""
    if not value.isdigit() or not lo <= int(value) <= hi:
        raise E.HJ212Error(E.BAD_FIELD, f"{name} must be an integer {lo}..{hi}, found {value!r}", field=name)
    return int(value)


def _check_qn(qn: str, strict: bool, warnings: list[str]) -> None:
    """QN is YYYYMMDDhhmmsszzz; lenient mode accepts 13-digit epoch-ms and other digit strings with a warning."""
    if len(qn) == 17 and qn.isdigit() and parse_time14(qn):
        return
    if strict:
        raise E.HJ212Error(E.BAD_FIELD, f"QN must be YYYYMMDDhhmmsszzz (17 digits), found {qn!r}", field="QN")
    if len(qn) == 13 and qn.isdigit():
        warnings.append("QN_EPOCH_MS: QN is a 13-digit epoch-milliseconds value")
    else:
        warnings.append(f"QN_FORMAT: QN {qn!r} is not YYYYMMDDhhmmsszzz")


def parse_segment(
    segment: bytes | str, *, strict: bool = False, sm4_key: bytes | None = None, frame: Frame | None = None
) -> Packet:
    """Parse a data segment (no ##/length/CRC) into a Packet; raise HJ212Error with a code on any rejection."""
    if isinstance(segment, bytes):
        try:
            text = segment.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise E.HJ212Error(
                E.NOT_TEXT, f"data segment is not UTF-8 text at byte {exc.start}", offset=exc.start
            ) from None
    else:
        text = segment
    warnings: list[str] = list(frame.warnings) if frame else []
    if not strict and "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append("NUL: removed NUL bytes inside the data segment")
    cp_at = text.find("CP=&&")
    if cp_at < 0:
        raise E.HJ212Error(E.MISSING_CP, "expected 'CP=&&' in the data segment, none found", field="CP")
    body_start = cp_at + 5
    if text.endswith("&&") and len(text) >= body_start + 2:
        body = text[body_start:-2]
    elif strict:
        raise E.HJ212Error(
            E.UNTERMINATED_CP, f"expected the CP area to end with '&&' at byte {len(text)}", field="CP"
        )
    else:
        body = text[body_start:]
        warnings.append("UNTERMINATED_CP: CP area does not end with '&&'")
    header = text[:cp_at]
    if strict:
        if not header.endswith(";"):
            raise E.HJ212Error(E.BAD_SEPARATOR, f"expected ';' before 'CP=' at byte {cp_at}", offset=cp_at)
        fields = _split_header_strict(header[:-1], 0)
    else:
        fields = _split_header_lenient(header)
    values: dict[str, str] = {}
    extra = []
    for name, value in fields:
        if name in values:
            raise E.HJ212Error(E.DUPLICATE_FIELD, f"header field {name} appears twice", field=name)
        if name in _KNOWN:
            values[name] = value
        else:
            extra.append((name, value))
    required = ("QN", "ST", "CN", "PW", "MN", "Flag") if strict else ("CN", "MN")
    for name in required:
        if name not in values:
            raise E.HJ212Error(E.MISSING_FIELD, f"expected header field {name}, not present", field=name)
    for name in ("QN", "ST", "PW", "Flag"):
        if name not in values:
            warnings.append(f"MISSING_{name.upper()}: no {name} field")
    cn = values["CN"]
    if not (len(cn) == 4 and cn.isdigit()):
        raise E.HJ212Error(E.BAD_FIELD, f"CN must be 4 digits, found {cn!r}", field="CN")
    if not values["MN"]:
        raise E.HJ212Error(E.BAD_FIELD, "MN must not be empty", field="MN")
    if "QN" in values:
        _check_qn(values["QN"], strict, warnings)
    flag = _int_field("Flag", values["Flag"], 0, 255) if "Flag" in values else None
    pnum = _int_field("PNUM", values["PNUM"], 1, 9999) if "PNUM" in values else None
    pno = _int_field("PNO", values["PNO"], 1, 9999) if "PNO" in values else None
    d_bit = bool(flag and flag & 2)
    if d_bit and (pnum is None or pno is None):
        if strict:
            raise E.HJ212Error(E.BAD_PACKET_SPLIT, "Flag D=1 requires PNUM and PNO", field="PNUM")
        warnings.append("SPLIT_WITHOUT_PNUM: Flag D=1 but PNUM/PNO absent; treated as one packet")
    if pnum is not None and pno is not None and pno > pnum:
        raise E.HJ212Error(E.BAD_PACKET_SPLIT, f"PNO {pno} exceeds PNUM {pnum}", field="PNO")
    if (pnum is not None or pno is not None) and not d_bit:
        if strict:
            raise E.HJ212Error(E.BAD_PACKET_SPLIT, "PNUM/PNO present but Flag D=0", field="Flag")
        warnings.append("SPLIT_WITHOUT_D: PNUM/PNO present but Flag D=0")
    rf = _int_field("RF", values["RF"], 0, 9) if "RF" in values else None
    encrypted = False
    if sm4_key is not None and looks_encrypted(body):
        body = decrypt_cp(body, sm4_key)
        encrypted = True
    groups = parse_cp(body, strict=strict, offset=body_start)
    return Packet(
        qn=values.get("QN"), st=values.get("ST"), cn=cn, pw=values.get("PW"), mn=values["MN"], flag=flag,
        pnum=pnum, pno=pno, rf=rf, cp=body, groups=groups, extra=tuple(extra), encrypted=encrypted,
        warnings=tuple(warnings), frame=frame,
    )  # fmt: skip


def parse(
    data: bytes | str, *, strict: bool = False, sm4_key: bytes | None = None, max_segment: int = MAX_SEGMENT
) -> Packet:
    """Parse one complete frame (##...CRLF) into a Packet; raise HJ212Error on framing or content defects."""
    frame = split_frame(data, strict=strict, max_segment=max_segment)
    return parse_segment(frame.segment, strict=strict, sm4_key=sm4_key, frame=frame)


@dataclass(slots=True)  # not frozen: one per frame on the gateway's hot path
class Header:
    """The few header fields the gateway needs on its hot path (no CP parsing)."""

    qn: bytes | None
    st: bytes | None
    cn: bytes | None
    pw: bytes | None
    mn: bytes | None
    flag: int | None


def parse_header(segment: bytes) -> Header | None:
    """Cheap header-only parse for the gateway hot path; None when CN or MN cannot be found (full parse decides)."""
    cp_at = segment.find(b"CP=")
    head = segment[:cp_at] if cp_at >= 0 else segment
    try:
        # common case first: ';'-separated Name=value tokens and a ';' before CP=
        values = (
            dict(token.split(b"=", 1) for token in head[:-1].split(b";")) if head.endswith(b";") else None
        )
    except ValueError:
        values = None
    if values is None or b"," in head or b"=" in b"".join(values.values()):
        # rare: ',' separators, missing ';', fields run together ("MN=…Flag=5"): the full parser's lenient split
        values = {}
        for name, value in _split_header_lenient(head.decode("utf-8", "replace")):
            values.setdefault(name.encode(), value.encode())
    cn, mn = values.get(b"CN"), values.get(b"MN")
    if not cn or not mn:
        return None
    flag_raw = values.get(b"Flag")
    flag = int(flag_raw) if flag_raw is not None and flag_raw.isdigit() and int(flag_raw) < 256 else None
    return Header(values.get(b"QN"), values.get(b"ST"), cn, values.get(b"PW"), mn, flag)
