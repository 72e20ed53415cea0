"""Where a tip's coordinates may lie (pure): inside China, and inside the province of the county the tipster chose.

The platform holds no administrative boundaries, so a province is judged by its bounding box (WGS-84 degrees,
south, north, west, east), widened by `MARGIN` so that a spot near a border is never refused. A box is coarse —
it catches a spot in another part of the country (a phone still set to where its owner lives, swapped digits,
latitude and longitude the wrong way round), not one a few kilometres over a provincial line.
"""

from __future__ import annotations

import math

# Mainland China with its islands.
CHINA = (3.8, 53.6, 73.4, 135.1)
MARGIN = 0.3

# By the first two digits of the GB/T 2260 code.
PROVINCES: dict[str, tuple[float, float, float, float]] = {
    "11": (39.44, 41.06, 115.42, 117.51),  # 北京
    "12": (38.55, 40.25, 116.70, 118.06),  # 天津
    "13": (36.05, 42.62, 113.45, 119.85),  # 河北
    "14": (34.57, 40.74, 110.23, 114.56),  # 山西
    "15": (37.41, 53.34, 97.17, 126.07),  # 内蒙古
    "21": (38.72, 43.49, 118.84, 125.78),  # 辽宁
    "22": (40.86, 46.31, 121.64, 131.32),  # 吉林
    "23": (43.42, 53.56, 121.18, 135.09),  # 黑龙江
    "31": (30.67, 31.88, 120.85, 122.50),  # 上海
    "32": (30.75, 35.13, 116.36, 121.95),  # 江苏
    "33": (27.04, 31.18, 118.02, 123.20),  # 浙江
    "34": (29.39, 34.65, 114.88, 119.65),  # 安徽
    "35": (23.50, 28.32, 115.84, 120.72),  # 福建
    "36": (24.49, 30.08, 113.57, 118.48),  # 江西
    "37": (34.38, 38.40, 114.80, 122.72),  # 山东
    "41": (31.38, 36.37, 110.35, 116.65),  # 河南
    "42": (29.03, 33.28, 108.36, 116.13),  # 湖北
    "43": (24.64, 30.13, 108.79, 114.26),  # 湖南
    "44": (20.22, 25.52, 109.66, 117.32),  # 广东
    "45": (20.90, 26.39, 104.45, 112.06),  # 广西
    "46": (3.80, 20.20, 108.30, 117.90),  # 海南 with the South China Sea islands
    "50": (28.16, 32.20, 105.29, 110.20),  # 重庆
    "51": (26.05, 34.32, 97.35, 108.55),  # 四川
    "52": (24.62, 29.22, 103.60, 109.60),  # 贵州
    "53": (21.14, 29.25, 97.52, 106.20),  # 云南
    "54": (26.85, 36.53, 78.40, 99.12),  # 西藏
    "61": (31.70, 39.59, 105.48, 111.25),  # 陕西
    "62": (32.59, 42.80, 92.13, 108.71),  # 甘肃
    "63": (31.60, 39.20, 89.35, 103.07),  # 青海
    "64": (35.24, 39.39, 104.28, 107.66),  # 宁夏
    "65": (34.34, 49.18, 73.40, 96.38),  # 新疆
    "81": (22.15, 22.57, 113.83, 114.44),  # 香港
    "82": (22.10, 22.22, 113.52, 113.60),  # 澳门
}


def _inside(lat: float, lon: float, box: tuple[float, float, float, float], margin: float) -> bool:
    south, north, west, east = box
    return south - margin <= lat <= north + margin and west - margin <= lon <= east + margin


def problem(lat: float, lon: float, region_code: str) -> str | None:
    """None if the spot may lie in the county `region_code` names; else "number", "china" or "province"."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "number"
    if not _inside(lat, lon, CHINA, 0.0):
        return "china"
    box = PROVINCES.get((region_code or "")[:2])
    if box is not None and not _inside(lat, lon, box, MARGIN):
        return "province"
    return None


def province_box(region_code: str) -> tuple[float, float, float, float] | None:
    """The (south, north, west, east) box the map may fall back to when it has nothing of its own to draw."""
    return PROVINCES.get((region_code or "")[:2])
