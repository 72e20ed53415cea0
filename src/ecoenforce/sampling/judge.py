"""A lab value judged against a limit (pure: no Django).

Chinese rules state an exceedance as a multiple of the limit: 超标倍数 = (measured − limit) / limit, so 23.5 mg/L
against a limit of 10 mg/L is "超标 1.35 倍". A value below the method's detection limit is not a number: it is
"< DL" and never exceeds (unless a limit of "not detectable" is met by a detected value). A range limit (pH 6–9)
is exceeded below its low end or above its high end, and has no multiple.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ecoenforce.core.units import unit_normal  # one spelling of each unit (mg/m3 → mg/m³)

# unit → (base unit, factor to the base)
_SCALE = {"mg/L": ("g/L", 1e-3), "µg/L": ("g/L", 1e-6), "g/L": ("g/L", 1.0), "ng/L": ("g/L", 1e-9),
          "mg/m³": ("g/m³", 1e-3), "µg/m³": ("g/m³", 1e-6), "ng/m³": ("g/m³", 1e-9),
          "mg/kg": ("g/kg", 1e-3), "µg/kg": ("g/kg", 1e-6), "g/kg": ("g/kg", 1.0)}


def convert(value: float, unit_from: str, unit_to: str) -> float | None:
    """`value` in `unit_from` expressed in `unit_to`, or None when the two do not measure the same thing."""
    a, b = unit_normal(unit_from), unit_normal(unit_to)
    if a == b:
        return value
    if a in _SCALE and b in _SCALE and _SCALE[a][0] == _SCALE[b][0]:
        return float(f"{value * _SCALE[a][1] / _SCALE[b][1]:.12g}")  # no binary noise: 0.5 mg/L is 500 µg/L
    return None


@dataclass(frozen=True)
class Verdict:
    """The judgement: whether the value exceeds, the multiple (None when not exceeded or not a multiple), the limit
    expressed in the value's unit, and why it could not be judged ("units" or "" when it could)."""

    exceeded: bool
    ratio: float | None
    limit_in_unit: float | None
    limit_min_in_unit: float | None = None
    problem: str = ""


def judge(*, value: float | None, below_dl: bool, unit: str, limit: float, limit_unit: str,
          limit_min: float | None = None) -> Verdict:
    """Judge one measured value (None when not detected) against a limit."""
    upper = convert(limit, limit_unit, unit)
    lower = convert(limit_min, limit_unit, unit) if limit_min is not None else None
    if upper is None or (limit_min is not None and lower is None):
        return Verdict(False, None, None, None, problem="units")
    if below_dl or value is None:
        return Verdict(False, None, upper, lower)
    if lower is not None:  # a range: outside it is an exceedance with no multiple
        return Verdict(value < lower or value > upper, None, upper, lower)
    if upper == 0:  # "not detectable": any detected value exceeds, no multiple can be computed
        return Verdict(value > 0, None, upper)
    if value > upper:
        # in decimal, half up, as a person computes it: (117.5 − 100) / 100 = 0.175 → 0.18
        multiple = (Decimal(str(value)) - Decimal(str(upper))) / Decimal(str(upper))
        return Verdict(True, float(multiple.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), upper)
    return Verdict(False, None, upper)
