"""Readings sent through a real gateway subprocess arrive in the lake exactly once, with their values and flags."""

from __future__ import annotations

import datetime as dt

from ecoenforce.monitoring.feed import feed_through_gateway, frames_from_rows
from ecoenforce.monitoring.hj212 import parse
from ecoenforce.monitoring.lake.reader import read_readings

CST = dt.timezone(dt.timedelta(hours=8))


def _rows():
    rows = []
    for mn in ("CZ320400000001", "CZ320400000002"):
        for hour in range(3):
            when = dt.datetime(2026, 11, 1, hour, tzinfo=CST)
            rows.append({"mn": mn, "pollutant": "a21026", "data_time": when, "avg": 30.5 + hour, "zs_avg": 35.25,
                         "cou": 1.2, "flag": "N"})
            rows.append({"mn": mn, "pollutant": "a19001", "data_time": when, "avg": 9.0, "flag": "M" if hour == 2 else "N"})
    return rows


def test_rows_become_hourly_uploads_that_ask_for_an_answer():
    frames = frames_from_rows(_rows())
    assert sorted(frames) == ["CZ320400000001", "CZ320400000002"]
    packet = parse(frames["CZ320400000001"][2])
    assert (packet.cn, packet.st, packet.flag, packet.mn) == ("2061", "31", 5, "CZ320400000001")
    assert packet.cp == "DataTime=20261101020000;a19001-Avg=9,a19001-Flag=M;a21026-Avg=32.5,a21026-ZsAvg=35.25,a21026-Cou=1.2,a21026-Flag=N"


def test_fed_readings_land_in_the_lake_once(tmp_path):
    out = feed_through_gateway(_rows(), tmp_path / "lake")
    assert (out["devices"], out["frames"], out["acknowledged"]) == (2, 6, 6)
    got = read_readings(tmp_path / "lake", mn="CZ320400000002", kind="hour", as_dicts=True)
    assert sorted((r["pollutant"], r["data_time"].hour, r["avg"], r["flag"]) for r in got) == [
        ("a19001", 0, 9.0, "N"), ("a19001", 1, 9.0, "N"), ("a19001", 2, 9.0, "M"),
        ("a21026", 0, 30.5, "N"), ("a21026", 1, 31.5, "N"), ("a21026", 2, 32.5, "N"),
    ]
