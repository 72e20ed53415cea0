"""Packet -> Reading rows: one per (device, factor, kind, data time) with a value per suffix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import errors as E
from .codes import DATA_KINDS, normalise_code
from .packet import Packet, parse_time14

# Numeric suffix -> column name; these become the lake's value columns.
NUMERIC_SUFFIXES: Mapping[str, str] = {
    "Rtd": "rtd", "Min": "min", "Avg": "avg", "Max": "max", "ZsRtd": "zs_rtd", "ZsMin": "zs_min",
    "ZsAvg": "zs_avg", "ZsMax": "zs_max", "Cou": "cou", "Data": "data", "DayData": "day_data",
    "NightData": "night_data", "RS": "rs", "RT": "rt",
}  # fmt: skip
TEXT_SUFFIXES: Mapping[str, str] = {
    "Flag": "flag", "EFlag": "eflag", "SampleTime": "sample_time", "Info": "info", "SN": "sn",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reading:
    """One monitored value set: device, factor (2017 code), kind from CN, period start, values per suffix."""

    mn: str
    st: str | None
    cn: str
    data_kind: str
    pollutant: str
    pollutant_raw: str
    data_time: datetime
    values: Mapping[str, float | None] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    backfill: bool = False

    @property
    def flag(self) -> str | None:
        """Data flag (N F M S D C T B ...), None when the device sent none."""
        return self.texts.get("flag")

    @property
    def eflag(self) -> str | None:
        """Instrument-defined extended flag."""
        return self.texts.get("eflag")


def _number(text: str | None) -> float | None:
    """Parse a numeric value; None for empty or non-numeric text (kept as-is in the raw frame)."""
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def packet_readings(
    packet: Packet, *, overrides: Mapping[tuple[str, str], str] | None = None
) -> list[Reading]:
    """Readings of a data upload (CN 2011/2051/2061/2031/2021/2041); [] for other CNs.

    Raises HJ212Error(MISSING_FIELD/BAD_FIELD) when a data upload has no usable DataTime.
    """
    kind = DATA_KINDS.get(packet.cn or "")
    if kind is None:
        return []
    raw_time = packet.get("DataTime")
    if raw_time is None:
        raise E.HJ212Error(E.MISSING_FIELD, f"CN={packet.cn} upload without DataTime in CP", field="DataTime")
    data_time = parse_time14(raw_time)
    if data_time is None:
        raise E.HJ212Error(
            E.BAD_FIELD, f"DataTime must be YYYYMMDDhhmmss, found {raw_time!r}", field="DataTime"
        )
    by_code: dict[str, tuple[dict[str, float | None], dict[str, str]]] = {}
    for group in packet.groups:
        for item in group:
            # the same split as CpItem.code/.suffix, done once per item (this loop is the loader's hot path)
            code, sep, suffix = item.name.partition("-")
            if not sep or not code:
                continue
            suffix = suffix.lstrip("-")
            column = NUMERIC_SUFFIXES.get(suffix)
            if column is not None:
                numbers, _ = by_code.setdefault(code, ({}, {}))
                # first value wins, like the lake's keep-first rule for retransmissions
                if column not in numbers:
                    numbers[column] = _number(item.value)
            elif suffix in TEXT_SUFFIXES and item.value is not None:
                _, texts = by_code.setdefault(code, ({}, {}))
                texts.setdefault(TEXT_SUFFIXES[suffix], item.value)
    assert packet.mn is not None and packet.cn is not None  # parse_segment guarantees both
    return [
        Reading(
            mn=packet.mn,
            st=packet.st,
            cn=packet.cn,
            data_kind=kind,
            pollutant=normalise_code(packet.st, code, overrides),
            pollutant_raw=code,
            data_time=data_time,
            values=numbers,
            texts=texts,
            backfill=packet.backfill,
        )  # fmt: skip
        for code, (numbers, texts) in by_code.items()
    ]
