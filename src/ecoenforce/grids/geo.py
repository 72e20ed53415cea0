"""Grid geometry, pure (no Django): a grid's boundary is a GeoJSON Polygon ([longitude, latitude] pairs, WGS-84).

`polygon_problems` says what is wrong with a boundary as codes (the service words them); `contains` is the
even-odd point-in-ring test; `band` puts a coverage share into one of the map's colour bands.
"""

from __future__ import annotations

import math

# Mainland China with its islands (a box, degrees), as for tips.
CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.4, 135.1)
MAX_VERTICES = 2000
# Coverage bands of the map's legend: (lower bound of the share, band name).
BANDS = ((0.8, "good"), (0.5, "fair"), (0.0, "poor"))


def in_china(lat: float, lon: float) -> bool:
    return (math.isfinite(lat) and math.isfinite(lon)
            and CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1])


def outer_ring(geometry: object) -> list[tuple[float, float]]:
    """The outer ring of a Polygon (or a Feature holding one) as (lon, lat) floats; ValueError if not one."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise ValueError("not_polygon")
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        raise ValueError("not_polygon")
    ring = []
    for point in rings[0]:
        if not (isinstance(point, list | tuple) and len(point) >= 2):
            raise ValueError("bad_number")
        try:
            lon, lat = float(point[0]), float(point[1])
        except (TypeError, ValueError):
            raise ValueError("bad_number") from None
        if isinstance(point[0], bool) or isinstance(point[1], bool):
            raise ValueError("bad_number")
        ring.append((lon, lat))
    return ring


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_cross(p1, p2, p3, p4) -> bool:
    d1, d2 = _cross(p3, p4, p1), _cross(p3, p4, p2)
    d3, d4 = _cross(p1, p2, p3), _cross(p1, p2, p4)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def polygon_problems(geometry: object) -> list[str]:
    """Codes of what is wrong: not_polygon, bad_number, too_few, too_many, not_closed, outside_china,
    self_intersecting, no_area. An empty list means the boundary is usable."""
    try:
        ring = outer_ring(geometry)
    except ValueError as exc:
        return [str(exc)]
    problems = []
    if len(ring) < 4:
        return ["too_few"]
    if len(ring) > MAX_VERTICES:
        return ["too_many"]
    if ring[0] != ring[-1]:
        problems.append("not_closed")
    if not all(in_china(lat, lon) for lon, lat in ring):
        problems.append("outside_china")
    if problems:
        return problems
    edges = list(zip(ring, ring[1:], strict=False))
    n = len(edges)
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # first and last edges meet at the closing vertex
            if _segments_cross(*edges[i], *edges[j]):
                return ["self_intersecting"]
    if abs(area(ring)) < 1e-10:
        problems.append("no_area")
    return problems


def area(ring: list[tuple[float, float]]) -> float:
    """Signed shoelace area in square degrees (only to tell a flat ring)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2


def contains(ring: list[tuple[float, float]], lat: float, lon: float) -> bool:
    """True if (lat, lon) lies inside the ring (even-odd rule; points on an edge may fall either side)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def band(share: float | None) -> str:
    """The coverage band of a share from 0 to 1 ("none" when the grid has no entity to visit)."""
    if share is None:
        return "none"
    for lower, name in BANDS:
        if share >= lower:
            return name
    return "poor"
