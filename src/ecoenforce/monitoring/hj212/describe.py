"""Readable breakdown of a frame for people: header, Flag bits, CRC verdict, every CP item, readings."""

from __future__ import annotations

from .codes import DATA_FLAGS
from .errors import HJ212Error
from .framing import split_frame
from .packet import parse_segment
from .readings import packet_readings


def describe(data: bytes | str, *, strict: bool = False, sm4_key: bytes | None = None) -> list[str]:
    """Lines describing one frame; a rejection is described with its code and message, never raised."""
    lines: list[str] = []
    try:
        frame = split_frame(data, strict=strict)
    except HJ212Error as exc:
        return [f"REJECTED {exc.code}: {exc.message}"]
    lines.append(f"length   declared {frame.declared_length}, actual {frame.actual_length}")
    verdict = "OK" if frame.crc_ok else "MISMATCH"
    lines.append(f"CRC      declared {frame.declared_crc}, computed {frame.computed_crc:04X} -> {verdict}")
    try:
        packet = parse_segment(frame.segment, strict=strict, sm4_key=sm4_key, frame=frame)
    except HJ212Error as exc:
        return lines + [f"REJECTED {exc.code}: {exc.message}"]
    for name in ("qn", "st", "cn", "pw", "mn", "pnum", "pno", "rf"):
        value = getattr(packet, name)
        if value is not None:
            lines.append(f"{name.upper():<8} {value}")
    if packet.flag is not None:
        lines.append(f"Flag     {packet.flag} = version {packet.version} ({packet.revision}), "
                     f"A={int(packet.ack_required)} (answer wanted), D={int(packet.split)} (split)")  # fmt: skip
    else:
        lines.append("Flag     absent (2005 style: no answer expected)")
    if packet.encrypted:
        lines.append("CP       SM4-encrypted, decrypted with the device key")
    for g, group in enumerate(packet.groups, 1):
        for item in group:
            note = ""
            if item.suffix == "Flag" and item.value in DATA_FLAGS:
                note = f"  ({DATA_FLAGS[item.value]})"
            value = "(bare token)" if item.value is None else item.value
            lines.append(f"  [{g}] {item.name} = {value}{note}")
    for warning in packet.warnings:
        lines.append(f"warning  {warning}")
    try:
        for r in packet_readings(packet):
            values = ", ".join(f"{k}={v}" for k, v in r.values.items())
            lines.append(f"reading  {r.data_kind} {r.pollutant} ({r.pollutant_raw}) @ {r.data_time:%Y-%m-%d %H:%M:%S}"
                         f" {values} flag={r.flag}")  # fmt: skip
    except HJ212Error as exc:
        lines.append(f"readings not derived: {exc.code}: {exc.message}")
    return lines
