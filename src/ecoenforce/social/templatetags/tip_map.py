"""`{% tip_map_data as data %}`: what a tip map draws (the grids' outlines, the bureau's area), for the lead page's
map of a tip's spot (templates/social/_lead_tip.html), which the leads app renders without knowing of tips."""

from __future__ import annotations

from django import template

from ecoenforce.social.selectors import tip_map_data as _tip_map_data

register = template.Library()


@register.simple_tag
def tip_map_data() -> dict:
    return _tip_map_data()
