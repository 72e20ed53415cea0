"""Loader and readers: exact rows, dedup of retransmissions, idempotency, crash recovery, torn tails."""

import asyncio
from datetime import datetime

import pytest
from gw_helpers import upload

from ecoenforce.monitoring.gateway.spool import ACCEPTED, QUARANTINE, REJECTED, SpoolWriter, list_segments
from ecoenforce.monitoring.hj212 import CST, build_segment, encode_frame, encrypt_cp
from ecoenforce.monitoring.lake import checkpoint as checkpoint_mod
from ecoenforce.monitoring.lake import load, read_readings

MINUTE = "DataTime=20260102084000;w01018-Min=40.1,w01018-Avg=41.5,w01018-Max=43.0,w01018-Cou=10.5,w01018-Flag=N;" \
         "w21003-Avg=1.8,w21003-Flag=M"  # fmt: skip


def _spool(tmp, records, *, close=True):
    """Write records [(kind, raw, reason)] with a real SpoolWriter; returns the writer if left open."""

    async def go():
        writer = SpoolWriter(tmp / "spool")
        writer.start()
        for i, (kind, raw, reason) in enumerate(records):
            writer.append(kind, raw, received_at=1_767_225_600.0 + i, peer="127.0.0.1:1", reason=reason)
        await writer.commit()
        if close:
            await writer.close()
        return writer

    return asyncio.run(go())


def test_minute_frame_becomes_rows_and_retransmission_is_dropped(tmp_path):
    frame = upload(cn="2051", cp=MINUTE)
    retransmit = upload(cn="2051", cp=MINUTE.replace("41.5", "99.9"), qn="20260102085000002")
    _spool(tmp_path, [(ACCEPTED, frame, ""), (REJECTED, b"##junk", "GARBAGE"), (QUARANTINE, frame, "UNKNOWN_MN"),
                      (ACCEPTED, retransmit, "")])  # fmt: skip
    report = load(tmp_path / "spool", tmp_path / "lake")
    assert (report.ranges, report.records, report.rows_written, report.duplicates) == (1, 5, 2, 2)
    size = (tmp_path / "spool" / "seg-0000000001.hjs").stat().st_size
    assert report.files == [
        f"kind=minute/date=2026-01-02/part-seg-0000000001-000000000000-{size:012d}.parquet"
    ]
    rows = read_readings(tmp_path / "lake", as_dicts=True)
    assert [
        (r["mn"], r["kind"], r["pollutant"], r["avg"], r["min"], r["max"], r["cou"], r["flag"]) for r in rows
    ] == [
        ("DEV1", "minute", "w01018", 41.5, 40.1, 43.0, 10.5, "N"),  # the first received value wins
        ("DEV1", "minute", "w21003", 1.8, None, None, None, "M"),
    ]
    assert rows[0]["data_time"] == datetime(2026, 1, 2, 8, 40, tzinfo=CST)
    assert (rows[0]["segment"], rows[0]["offset"], rows[0]["date"]) == ("seg-0000000001.hjs", 0, "2026-01-02")
    assert rows[0]["qn"] == "20260101000000001"
    again = load(tmp_path / "spool", tmp_path / "lake")
    assert (again.ranges, again.rows_written) == (0, 0)


def test_duplicates_across_loads_and_the_active_segment(tmp_path):
    first = upload(cn="2061", cp="DataTime=20260102080000;w01018-Avg=40.0")
    writer = _spool(tmp_path, [(ACCEPTED, first, "")], close=False)
    assert load(tmp_path / "spool", tmp_path / "lake").rows_written == 1
    asyncio.run(writer.close())  # seals the segment
    writer2 = SpoolWriter(tmp_path / "spool")

    async def more():
        writer2.start()
        writer2.append(ACCEPTED, first, received_at=2e9)  # retransmitted after a gateway restart
        writer2.append(
            ACCEPTED, upload(cn="2061", cp="DataTime=20260102090000;w01018-Avg=41.0"), received_at=2e9
        )
        await writer2.close()

    asyncio.run(more())
    report = load(tmp_path / "spool", tmp_path / "lake")
    assert (report.rows_written, report.duplicates) == (1, 1)
    table = read_readings(tmp_path / "lake", kind="hour", mn="DEV1")
    assert table.column("avg").to_pylist() == [40.0, 41.0]
    assert [p.name for p in list_segments(tmp_path / "spool")] == ["seg-0000000001.hjs", "seg-0000000002.hjs"]


def test_torn_tail_is_not_loaded_until_complete(tmp_path):
    frame = upload(cn="2011")
    _spool(tmp_path, [(ACCEPTED, frame, "")], close=False)
    segment = tmp_path / "spool" / "seg-0000000001.hjs"
    whole = segment.read_bytes()
    with open(segment, "ab") as fh:
        fh.write(whole[:20])  # a record cut by a crash
    report = load(tmp_path / "spool", tmp_path / "lake")
    assert (report.records, report.rows_written) == (1, 1)
    cp = checkpoint_mod.Checkpoint.load(tmp_path / "lake" / "_checkpoint.json")
    assert cp.segments == {"seg-0000000001.hjs": {"offset": len(whole), "final": False}}


def test_crash_between_files_and_checkpoint_does_not_duplicate(tmp_path, monkeypatch):
    frames = [(ACCEPTED, upload(cn="2051", cp=MINUTE), ""),
              (ACCEPTED, upload(cn="2031", cp="DataTime=20260101000000;w01018-Avg=1"), "")]  # fmt: skip
    _spool(tmp_path, frames)
    real_save = checkpoint_mod.Checkpoint.save
    calls = []

    def crashing_save(self):
        calls.append(self.pending)
        if len(calls) == 2:  # the save that would record completion
            raise SystemExit("crash")
        real_save(self)

    monkeypatch.setattr(checkpoint_mod.Checkpoint, "save", crashing_save)
    with pytest.raises(SystemExit):
        load(tmp_path / "spool", tmp_path / "lake")
    monkeypatch.setattr(checkpoint_mod.Checkpoint, "save", real_save)
    assert len(list((tmp_path / "lake").rglob("part-*.parquet"))) == 2  # files were written before the crash
    report = load(tmp_path / "spool", tmp_path / "lake")
    assert (report.ranges, report.rows_written, report.duplicates) == (1, 3, 0)
    assert read_readings(tmp_path / "lake").num_rows == 3
    assert load(tmp_path / "spool", tmp_path / "lake").ranges == 0


def test_reader_filters_and_encrypted_frames(tmp_path):
    key = b"k" * 16
    plain = "DataTime=20260103101010;a21026-Rtd=35.5,a21026-Flag=N"
    enc = encode_frame(build_segment(qn="20260103101010000", st="31", cn="2011", pw="1", mn="GAS25", flag=9,
                                     cp=encrypt_cp(plain, key)))  # fmt: skip
    _spool(tmp_path, [(ACCEPTED, enc, ""), (ACCEPTED, upload(cn="2011"), "")])
    report = load(tmp_path / "spool", tmp_path / "lake", sm4_key=lambda mn: key if mn == "GAS25" else None)
    assert report.rows_written == 2
    rows = read_readings(tmp_path / "lake", mn="GAS25", as_dicts=True)
    assert [(r["pollutant"], r["rtd"], r["kind"]) for r in rows] == [("a21026", 35.5, "realtime")]
    start, end = datetime(2026, 1, 1, tzinfo=CST), datetime(2026, 1, 2, tzinfo=CST)
    assert [r["mn"] for r in read_readings(tmp_path / "lake", start=start, end=end, as_dicts=True)] == [
        "DEV1"
    ]
    assert read_readings(tmp_path / "lake", kind="day").num_rows == 0
    assert read_readings(tmp_path / "nothing").num_rows == 0


def test_combined_filters_and_the_lake_cli(tmp_path, capsys):
    from ecoenforce.monitoring.lake.cli import main

    frames = [
        (ACCEPTED, upload(cn="2061", cp=f"DataTime=202601020{h}0000;w01018-Avg={h}.5"), "") for h in range(5)
    ]
    _spool(tmp_path, frames)
    assert main(["load", "--spool", str(tmp_path / "spool"), "--lake", str(tmp_path / "lake")]) == 0
    assert '"rows_written": 5' in capsys.readouterr().out
    rows = read_readings(tmp_path / "lake", mn="DEV1", kind="hour", pollutant="w01018",
                         start=datetime(2026, 1, 2, 1, tzinfo=CST), end=datetime(2026, 1, 2, 3, tzinfo=CST),
                         as_dicts=True)  # fmt: skip
    assert [r["avg"] for r in rows] == [1.5, 2.5]
    assert (
        main(["show", "--lake", str(tmp_path / "lake"), "--mn", "DEV1", "--start", "2026-01-02T04:00"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and '"avg": 4.5' in out[0] and '"data_time": "2026-01-02 04:00:00+08:00"' in out[0]


def test_rotation_seals_segments_and_all_are_loaded(tmp_path):
    from ecoenforce.monitoring.gateway.spool import SEAL, read_records

    async def go():
        writer = SpoolWriter(tmp_path / "spool", segment_bytes=400)  # about 2 records per segment
        writer.start()
        for h in range(6):
            writer.append(
                ACCEPTED, upload(cn="2061", cp=f"DataTime=202601020{h}0000;w01018-Avg={h}"), received_at=1e9
            )
        await writer.commit()
        return writer

    writer = asyncio.run(go())
    segments = list_segments(tmp_path / "spool")
    assert len(segments) == 3
    assert [[r.kind for r in read_records(s)][-1] for s in segments[:-1]] == [SEAL, SEAL]
    report = load(tmp_path / "spool", tmp_path / "lake")
    assert (report.ranges, report.rows_written) == (3, 6)
    assert sorted(read_readings(tmp_path / "lake").column("avg").to_pylist()) == [
        0.0,
        1.0,
        2.0,
        3.0,
        4.0,
        5.0,
    ]
    asyncio.run(writer.close())
    # the now-sealed tail: nothing new to load, only marked final
    assert load(tmp_path / "spool", tmp_path / "lake").ranges == 1


def test_big_segments_load_in_slices_without_skipping(tmp_path):
    frames = [(ACCEPTED, upload(cn="2061", cp=f"DataTime=2026010{d}0{h}0000;w01018-Avg={h}"), "")
              for d in range(1, 4) for h in range(6)]  # fmt: skip
    _spool(tmp_path, frames)  # one sealed segment of 18 records
    report = load(tmp_path / "spool", tmp_path / "lake", max_range_bytes=700)
    assert (report.rows_written, report.ranges) == (18, 6)  # 3,294 bytes in slices of at most 700
    assert read_readings(tmp_path / "lake").num_rows == 18
    cp = checkpoint_mod.Checkpoint.load(tmp_path / "lake" / "_checkpoint.json")
    size = (tmp_path / "spool" / "seg-0000000001.hjs").stat().st_size
    assert cp.segments == {"seg-0000000001.hjs": {"offset": size, "final": True}}
