"""The wide hourly table: written by the loader for each hourly partition it touches, rebuilt when the partition
changes, backfilled for older lakes, and what the rule runner reads (same events as rebuilding the join)."""

import asyncio
import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
from gw_helpers import upload

from ecoenforce.monitoring.gateway.spool import ACCEPTED, SpoolWriter
from ecoenforce.monitoring.lake import load, wide
from ecoenforce.monitoring.lake.cli import main as lake_main
from ecoenforce.monitoring.rules import RulePolicyValues
from ecoenforce.monitoring.rules.runner import connect, read_lake, run, run_lake
from ecoenforce.monitoring.scenario import generate, write_lake

HOUR8 = "DataTime=20260102080000;a21026-Avg=30.0,a21026-ZsAvg=45.0,a21026-Flag=N;a19001-Avg=11.0;" \
        "a00000-Avg=1000.0,a00000-Cou=3600000;a21002-Rtd=50.0"  # fmt: skip
HOUR9 = "DataTime=20260102090000;a21026-Avg=31.0;a00000-Avg=900.0"


def _spool(tmp, frames, first=1_767_225_600.0):
    async def go():
        writer = SpoolWriter(tmp / "spool")
        writer.start()
        for i, raw in enumerate(frames):
            writer.append(ACCEPTED, raw, received_at=first + i, peer="127.0.0.1:1")
        await writer.close()

    asyncio.run(go())


def _rows(lake, date="2026-01-02"):
    table = pq.read_table(wide.wide_path(lake, date))
    return sorted((r["mn"], r["pollutant"], r["h"] % 24, r["value"], r["zs"], r["flag"], r["flow"], r["flow_cou"],
                   r["o2"]) for r in table.to_pylist())  # fmt: skip


def test_the_loader_writes_flow_and_o2_beside_each_factor_and_refreshes_a_changed_partition(tmp_path):
    _spool(tmp_path, [upload(cn="2061", cp=HOUR8)])
    load(tmp_path / "spool", tmp_path / "lake")
    lake = tmp_path / "lake"
    assert wide.is_fresh(lake, "2026-01-02")
    assert _rows(lake) == [  # 08:00 Beijing = hour 0 UTC; value = Avg, else Rtd; flag N when none was sent
        ("DEV1", "a00000", 0, 1000.0, None, "N", 1000.0, 3600000.0, 11.0),
        ("DEV1", "a19001", 0, 11.0, None, "N", 1000.0, 3600000.0, 11.0),
        ("DEV1", "a21002", 0, 50.0, None, "N", 1000.0, 3600000.0, 11.0),
        ("DEV1", "a21026", 0, 30.0, 45.0, "N", 1000.0, 3600000.0, 11.0),
    ]
    _spool(tmp_path, [upload(cn="2061", cp=HOUR9)], first=1_767_229_200.0)  # a second segment, same date
    load(tmp_path / "spool", tmp_path / "lake")
    assert wide.is_fresh(lake, "2026-01-02")
    assert [r for r in _rows(lake) if r[2] == 1] == [
        ("DEV1", "a00000", 1, 900.0, None, "N", 900.0, None, None),
        ("DEV1", "a21026", 1, 31.0, None, "N", 900.0, None, None),
    ]


def test_an_older_lake_is_backfilled_by_command_or_by_the_first_run(tmp_path, capsys):
    sc = generate(n_points=8, days=5, seed=3, inject_share=1.0, lookalike_share=0.0)
    write_lake(sc, tmp_path / "a")  # written without the wide table, as lakes were before it existed
    write_lake(sc, tmp_path / "b")
    start, end = sc.start, sc.start + dt.timedelta(hours=sc.hours)
    dates = sorted(p.name[5:] for p in (tmp_path / "a" / "kind=hour").glob("date=*"))
    assert not any(Path(wide.wide_path(tmp_path / "a", d)).exists() for d in dates)
    assert lake_main(["wide", "--lake", str(tmp_path / "a")]) == 0
    assert capsys.readouterr().out.strip() == f'{{"built": {len(dates)}, "fresh": 0}}'
    assert all(wide.is_fresh(tmp_path / "a", d) for d in dates)
    assert wide.backfill(tmp_path / "a") == (0, len(dates))
    from_wide = run_lake(tmp_path / "a", start, end, sc.limits, RulePolicyValues())
    by_fallback = run_lake(
        tmp_path / "b", start, end, sc.limits, RulePolicyValues()
    )  # builds them on the way
    assert all(wide.is_fresh(tmp_path / "b", d) for d in dates)
    con = connect()  # the join rebuilt per run from the raw rows, as before the wide table
    rebuilt = run(con, read_lake(con, tmp_path / "a", start, end), sc.limits,
                  RulePolicyValues(window_end_hour=int(end.timestamp()) // 3600))  # fmt: skip
    assert len(from_wide) > 5
    assert from_wide == by_fallback == rebuilt


def test_a_stale_wide_file_is_rebuilt_before_it_is_read(tmp_path):
    sc = generate(n_points=4, days=5, seed=5, inject_share=1.0, lookalike_share=0.0)
    write_lake(sc, tmp_path)
    wide.backfill(tmp_path)
    date = sorted(p.name[5:] for p in (tmp_path / "kind=hour").glob("date=*"))[1]
    part = tmp_path / "kind=hour" / f"date={date}"
    src = next(part.glob("part-*.parquet"))
    table = pq.read_table(src)
    pq.write_table(table.slice(0, table.num_rows // 2), part / "part-zz-extra.parquet")  # a later load's file
    assert not wide.is_fresh(tmp_path, date)
    assert wide.ensure(tmp_path, [date]) == [wide.wide_path(tmp_path, date)]
    assert wide.is_fresh(tmp_path, date)
    assert pq.read_metadata(wide.wide_path(tmp_path, date)).num_rows > table.num_rows
