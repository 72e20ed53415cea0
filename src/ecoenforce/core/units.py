"""Units as people write them (pure: no Django).

Standards, labs and data feeds spell the same unit several ways — the seeded emission-limit table has "mg/m3", the
factor table "mg/m³", a lab "ug/L" —; every page, export and chart shows one spelling, and the sampling judge
compares units in it. A unitless quantity (pH) has no unit to show.
"""

from __future__ import annotations

# Whole spellings that are not a plain substitution.
_SPELLING = {"dimensionless": "", "无量纲": "", "-": "", "m3": "m³", "ug": "µg", "μg": "µg", "Nm3": "m³", "Nm³": "m³",
             "mg/l": "mg/L", "ug/l": "µg/L"}  # fmt: skip


def unit_normal(unit: str | None) -> str:
    """One spelling of a unit, the way people write it (mg/m3 → mg/m³, ug/L → µg/L, dimensionless → '')."""
    text = (unit or "").strip()
    if text in _SPELLING:
        return _SPELLING[text]
    for old, new in (("m3", "m³"), ("ug", "µg"), ("μg", "µg")):
        text = text.replace(old, new)
    return text.replace("/l", "/L")
