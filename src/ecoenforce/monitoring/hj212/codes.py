"""Code tables: data kinds per CN, data flags, and the 2005 -> 2017 factor-code map keyed by (ST, old code)."""

from __future__ import annotations

from collections.abc import Mapping

DATA_KINDS: Mapping[str, str] = {
    "2011": "realtime",
    "2051": "minute",
    "2061": "hour",
    "2031": "day",
    "2021": "status",
    "2041": "runtime",
}

DATA_FLAGS: Mapping[str, str] = {
    "N": "instrument normal",
    "F": "instrument stopped",
    "M": "maintenance period",
    "S": "manually entered set value",
    "D": "instrument fault",
    "C": "calibration in progress",
    "T": "above measuring upper limit",
    "B": "instrument-DAU communication failure",
}

# Uploads that are acknowledged with 9014 when Flag A=1; 1013 is a notify (answered with 9013 then 1012).
NOTIFY_CNS = frozenset({"1013", "2012", "2022"})

# std Appendix B, "原编码" column (see hj212.md §1.11).
WATER_2005: Mapping[str, str] = {
    "B01": "w00000", "001": "w01001", "002": "w01002", "003": "w01012", "010": "w01017", "011": "w01018",
    "015": "w01020", "065": "w21001", "060": "w21003", "101": "w21011", "070": "w21016", "072": "w21017",
    "080": "w22001", "110": "w23002", "020": "w20111", "022": "w20115", "023": "w20116", "024": "w20117",
    "026": "w20119", "027": "w20120", "028": "w20121", "029": "w20122", "030": "w20123",
}  # fmt: skip
GAS_2005: Mapping[str, str] = {
    "B02": "a00000", "S02": "a01011", "S03": "a01012", "S08": "a01013", "S05": "a01014", "S06": "a01015",
    "S07": "a01016", "S04": "a01017", "S01": "a19001", "01": "a34013", "02": "a21026", "03": "a21002",
    "04": "a21005", "05": "a21028", "06": "a21018", "07": "a21017", "08": "a21024", "10": "a21001",
    "25": "a24087", "17": "a25003", "18": "a25005",
}  # fmt: skip
# Which system codes use which table: water-side and gas-side STs (std Table 5).
WATER_STS = ("21", "24", "32", "33", "34", "52")
GAS_STS = ("22", "27", "31", "39", "51")


def _build_map() -> dict[tuple[str, str], str]:
    """Expand the two tables over their system codes: the key must include ST because '01' etc. are ambiguous."""
    table: dict[tuple[str, str], str] = {}
    for st in WATER_STS:
        table.update({(st, old): new for old, new in WATER_2005.items()})
    for st in GAS_STS:
        table.update({(st, old): new for old, new in GAS_2005.items()})
    return table


CODE_MAP_2005: Mapping[tuple[str, str], str] = _build_map()


def normalise_code(st: str | None, code: str, overrides: Mapping[tuple[str, str], str] | None = None) -> str:
    """Map a factor code to its 2017 form: per-deployment overrides first, then the 2005 table, else unchanged."""
    key = (st or "", code)
    if overrides and key in overrides:
        return overrides[key]
    return CODE_MAP_2005.get(key, code)
