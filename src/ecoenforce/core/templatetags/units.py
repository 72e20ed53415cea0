"""`{{ limit.unit|unit }}`: a unit as people write it (mg/m3 → mg/m³), through `core.units.unit_normal`."""

from __future__ import annotations

from django import template

from ecoenforce.core.units import unit_normal

register = template.Library()


@register.filter
def unit(value: object) -> str:
    return unit_normal(str(value or ""))
