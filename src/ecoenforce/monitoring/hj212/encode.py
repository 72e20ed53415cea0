"""Encoding: data segments from fields, and the centre's answers (9011/9012/9013/9014, 1012 after 1013)."""

from __future__ import annotations

from datetime import datetime

from .cp import encode_cp
from .crc import crc_resume, crc_table
from .framing import encode_frame
from .packet import CST, Packet


def build_segment(
    *,
    cn: str,
    mn: str,
    cp: str = "",
    qn: str | None = None,
    st: str | None = None,
    pw: str | None = None,
    flag: int | None = None,
    pnum: int | None = None,
    pno: int | None = None,
    rf: int | None = None,
) -> str:
    """Data segment in the standard's field order; None fields are omitted (2005-style packets)."""
    parts = []
    for name, value in (("QN", qn), ("ST", st), ("CN", cn), ("PW", pw), ("MN", mn), ("Flag", flag),
                        ("PNUM", pnum), ("PNO", pno), ("RF", rf)):  # fmt: skip
        if value is not None:
            parts.append(f"{name}={value}")
    parts.append(f"CP=&&{cp}&&")
    return ";".join(parts)


def encode_packet(packet: Packet) -> bytes:
    """Frame a Packet back to wire bytes (CP from its groups, or its raw text if it has none)."""
    cp = encode_cp(packet.groups) if packet.groups else packet.cp
    segment = build_segment(cn=packet.cn or "", mn=packet.mn or "", cp=cp, qn=packet.qn, st=packet.st,
                            pw=packet.pw, flag=packet.flag, pnum=packet.pnum, pno=packet.pno, rf=packet.rf)  # fmt: skip
    return encode_frame(segment)


def make_qn(now: datetime) -> str:
    """A fresh QN (YYYYMMDDhhmmsszzz) in Beijing time."""
    local = now.astimezone(CST)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def _answer_flag(request_flag: int | None) -> int | None:
    """Answers carry the sender's version bits with A=0 and D=0 (2017: 4, 2025: 8); none for 2005 packets."""
    return None if request_flag is None else request_flag & ~0b11


def _answer(packet: Packet, cn: str, cp: str = "") -> bytes:
    """An answer echoing QN, PW and MN of `packet`, ST=91 (system interaction)."""
    return encode_frame(build_segment(qn=packet.qn, st="91", cn=cn, pw=packet.pw, mn=packet.mn or "",
                                      flag=_answer_flag(packet.flag), cp=cp))  # fmt: skip


def answer_data(packet: Packet) -> bytes:
    """9014 data answer to an upload with A=1 (same QN)."""
    return _answer(packet, "9014")


def answer_notify(packet: Packet) -> bytes:
    """9013 notify answer (e.g. to a 1013 time-calibration request)."""
    return _answer(packet, "9013")


def answer_request(packet: Packet, qn_rtn: int) -> bytes:
    """9011 request answer with QnRtn (1 ready, 2 rejected, 3 PW error, 4 MN error, ... 9 CRC error)."""
    return _answer(packet, "9011", f"QnRtn={qn_rtn}")


def answer_execution(packet: Packet, exe_rtn: int) -> bytes:
    """9012 execution result with ExeRtn (1 success, 2 failed, ... 100 no data)."""
    return _answer(packet, "9012", f"ExeRtn={exe_rtn}")


def set_time(packet: Packet, now: datetime) -> bytes:
    """1012 set-field-time command answering a 1013 request: new QN, A=1, SystemTime in Beijing time."""
    pol = packet.get("PolId")
    cp = (f"PolId={pol};" if pol else "") + "SystemTime=" + now.astimezone(CST).strftime("%Y%m%d%H%M%S")
    flag = None if packet.flag is None else (packet.flag & ~0b11) | 1
    return encode_frame(build_segment(qn=make_qn(now), st=packet.st, cn="1012", pw=packet.pw,
                                      mn=packet.mn or "", flag=flag, cp=cp))  # fmt: skip


_SUFFIX_CRC: dict[tuple[bytes, int], int] = {}


def answer_for_header(qn: bytes | None, pw: bytes | None, mn: bytes, flag: int | None, cn: bytes) -> bytes:
    """Hot-path answer (9013/9014) from raw header bytes, without building a Packet.

    Only the QN changes between a device's answers, and the CRC carries 8 bits of state between bytes, so the
    CRC of the constant tail is memoised per (tail, state): the per-answer CRC work is just the 20 bytes of QN.
    """
    parts = [b"ST=91;CN=" + cn]
    if pw is not None:
        parts.append(b"PW=" + pw)
    parts.append(b"MN=" + mn)
    if flag is not None:
        parts.append(b"Flag=%d" % (flag & ~0b11))
    parts.append(b"CP=&&&&")
    tail = b";".join(parts)
    if qn is None:
        return encode_frame(tail)
    head = b"QN=" + qn + b";"
    state = crc_table(head) >> 8
    key = (tail, state)
    value = _SUFFIX_CRC.get(key)
    if value is None:
        if len(_SUFFIX_CRC) > 500_000:
            _SUFFIX_CRC.clear()  # bounded memory; refilled on demand
        value = _SUFFIX_CRC[key] = crc_resume(tail, state)
    return b"##%04d%s%s%04X\r\n" % (len(head) + len(tail), head, tail, value)
