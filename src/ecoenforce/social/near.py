"""How far apart two points are (WGS-84 degrees → metres, haversine) and whether two times overlap closely enough
for two tips to be about the same facts. Pure: no Django."""

from __future__ import annotations

import datetime as dt
import math

EARTH_RADIUS_M = 6_371_000
# Tips this close (metres) and this close in time (either's time seen, else received) are suggested as one matter.
NEAR_METRES = 500
NEAR_TIME = dt.timedelta(days=3)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def close_in_time(a: dt.datetime, b: dt.datetime, within: dt.timedelta = NEAR_TIME) -> bool:
    """True when the two moments are at most `within` apart."""
    return abs(a - b) <= within
