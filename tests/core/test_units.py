"""Units as people write them (core.units): one spelling on every page, export and chart, and for the judge."""

from __future__ import annotations

import pytest

from ecoenforce.core.units import unit_normal


@pytest.mark.parametrize("raw, shown", [
    ("mg/m3", "mg/m³"), ("mg/m³", "mg/m³"), ("m3/s", "m³/s"), ("ngTEQ/m3", "ngTEQ/m³"), ("ug/m3", "µg/m³"),
    ("μg/L", "µg/L"), ("mg/l", "mg/L"), ("mg/L", "mg/L"), ("Nm3", "m³"), (" mg/m3 ", "mg/m³"),
    ("dimensionless", ""), ("无量纲", ""), ("", ""), (None, ""), ("kW", "kW"), ("%", "%"),
])  # fmt: skip
def test_a_unit_is_written_one_way(raw, shown):
    assert unit_normal(raw) == shown
