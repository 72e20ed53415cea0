"""Where a tip's coordinates may lie (social.where, pure): in China and in the chosen county's province's box."""

from __future__ import annotations

import math

import pytest

from ecoenforce.social import where


@pytest.mark.parametrize(
    ("lat", "lon", "county", "verdict"),
    [
        (31.705, 119.94, "320412", None),  # 常州市武进区
        (34.26, 117.18, "320302", None),  # 徐州, Jiangsu's north-west corner
        (31.1, 121.95, "320582", None),  # near the Yangtze mouth, inside the margin
        (39.9, 116.4, "320412", "province"),  # Beijing, for a Wujin county
        (119.94, 31.705, "320412", "china"),  # latitude and longitude the wrong way round
        (48.85, 2.35, "320412", "china"),  # Paris
        (math.nan, 119.9, "320412", "number"),
        (31.7, math.inf, "320412", "number"),
        (16.83, 112.33, "460300", None),  # 三沙市 (Hainan's islands)
        (31.7, 119.9, "", None),  # no county: only China is checked
    ],
)
def test_a_spot_is_judged_against_china_and_the_province(lat, lon, county, verdict):
    assert where.problem(lat, lon, county) == verdict


def test_every_province_box_is_inside_china_and_well_formed():
    for code, (south, north, west, east) in where.PROVINCES.items():
        assert south < north and west < east, code
        assert (
            where.CHINA[0] <= south
            and north <= where.CHINA[1]
            and where.CHINA[2] <= west
            and east <= where.CHINA[3]
        )
