"""Gateway behaviour in-process over loopback: answers, auth, quarantine, durability before ack, limits."""

import asyncio
import hashlib
import json
import os
import threading
import time

from gw_helpers import read_answers, running_gateway, spool_records, upload

from ecoenforce.monitoring.gateway import (
    DeviceInfo,
    FileDeviceDirectory,
    StaticDeviceDirectory,
    write_snapshot,
)
from ecoenforce.monitoring.gateway.spool import ACCEPTED, QUARANTINE, REJECTED

DIRECTORY = StaticDeviceDirectory([DeviceInfo("DEV1", "123456"), DeviceInfo("OLD", "1", active=False)])


def test_upload_is_spooled_then_answered_with_9014(tmp_path):
    frame = upload()

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(frame)
            answers = await read_answers(reader, 1)
            writer.close()
            return answers

    answers = asyncio.run(scenario())
    assert [(a.qn, a.st, a.cn, a.pw, a.mn, a.flag, a.cp) for a in answers] == [
        ("20260101000000001", "91", "9014", "123456", "DEV1", 4, "")
    ]
    [record] = spool_records(tmp_path)
    assert (record.kind, record.raw, record.reason) == (ACCEPTED, frame, "")
    assert record.sha256 == hashlib.sha256(frame).hexdigest()
    assert record.peer.startswith("127.0.0.1:") and abs(record.received_at - time.time()) < 30


def test_unknown_mn_is_quarantined_and_answered_wrong_password_is_refused(tmp_path):
    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, max_auth_failures=2) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(upload(mn="STRANGER", qn="20260101000000002"))
            quarantined = await read_answers(reader, 1)
            writer.write(upload(mn="OLD", pw="1", qn="20260101000000005"))
            inactive = await read_answers(reader, 1)
            writer.write(upload(pw="bad", qn="20260101000000003"))
            refused = await read_answers(reader, 1, timeout=0.5)
            writer.write(upload(pw="bad", qn="20260101000000004"))
            closed = await reader.read()  # second failure: the gateway closes the connection
            return quarantined, inactive, refused, closed, dict(gw.stats)

    quarantined, inactive, refused, closed, stats = asyncio.run(scenario())
    assert [(a.cn, a.qn, a.mn) for a in quarantined] == [("9014", "20260101000000002", "STRANGER")]
    assert [(a.cn, a.mn) for a in inactive] == [("9014", "OLD")]
    assert refused == [] and closed == b""
    assert [(r.kind, r.reason) for r in spool_records(tmp_path)] == [
        (QUARANTINE, "UNKNOWN_MN"),
        (QUARANTINE, "INACTIVE_DEVICE"),
        (REJECTED, "AUTH_PASSWORD"),
        (REJECTED, "AUTH_PASSWORD"),
    ]
    assert (stats["quarantined"], stats["auth_failed"], stats["acked"]) == (2, 2, 2)
    events = [json.loads(line) for line in (tmp_path / "conn.jsonl").read_text().splitlines()]
    assert [e["event"] for e in events if e["event"] in ("auth_failure", "close")] == [
        "auth_failure",
        "auth_failure",
        "close",
    ]
    assert [e["reason"] for e in events if e["event"] == "close"] == ["AUTH_FAILURES"]


def test_time_calibration_request_gets_9013_then_1012(tmp_path):
    request = upload(cn="1013", qn="20260101000000009", cp="PolId=w01018")

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(request)
            return await read_answers(reader, 2)

    notify, set_time = asyncio.run(scenario())
    assert (notify.cn, notify.qn, notify.st, notify.flag) == ("9013", "20260101000000009", "91", 4)
    assert (set_time.cn, set_time.flag, set_time.get("PolId")) == ("1012", 5, "w01018")
    system_time = set_time.get("SystemTime")
    assert len(system_time) == 14 and system_time.isdigit()


def test_no_answer_before_fsync(tmp_path, monkeypatch):
    """The ack waits for the fsync thread: block the write and no 9014 may arrive."""

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY) as gw:
            loop = asyncio.get_running_loop()
            real = gw.spool._write_sync
            release = threading.Event()

            def slow_write(batch, closing):
                release.wait(5)
                real(batch, closing)

            monkeypatch.setattr(gw.spool, "_write_sync", slow_write)
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(upload())
            before = await read_answers(reader, 1, timeout=0.5)
            on_disk_before = sum(os.path.getsize(p) for p in (tmp_path / "spool").glob("seg-*"))
            loop.call_soon(release.set)
            after = await read_answers(reader, 1)
            return before, on_disk_before, after

    before, on_disk_before, after = asyncio.run(scenario())
    assert before == [] and on_disk_before == 0
    assert [a.cn for a in after] == ["9014"]


def test_bad_crc_is_kept_as_rejection_and_not_answered(tmp_path):
    good = upload()
    bad = good[:-6] + b"0000\r\n"

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(bad)
            return await read_answers(reader, 1, timeout=0.5)

    assert asyncio.run(scenario()) == []
    [record] = spool_records(tmp_path)
    assert (record.kind, record.reason, record.raw) == (REJECTED, "CRC_MISMATCH", bad)


def test_over_rate_frames_are_slowed_not_dropped(tmp_path):
    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, rate=10, burst=2) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(b"".join(upload(qn=f"2026010100000000{i}") for i in range(5)))
            answers = await read_answers(reader, 5, timeout=5)
            return answers, dict(gw.stats)

    answers, stats = asyncio.run(scenario())
    assert [a.qn for a in answers] == [f"2026010100000000{i}" for i in range(5)]
    assert (stats["frames"], stats["acked"], stats["throttled"]) == (5, 5, 3)  # paused before each of the last 3
    assert [r.kind for r in spool_records(tmp_path)] == [ACCEPTED] * 5


def test_max_connections(tmp_path):
    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, max_connections=2) as gw:
            conns = [await asyncio.open_connection("127.0.0.1", gw.port) for _ in range(2)]
            await asyncio.sleep(0.05)
            reader, _ = await asyncio.open_connection("127.0.0.1", gw.port)
            third = await asyncio.wait_for(reader.read(), 2)
            conns[0][1].write(upload())
            first = await read_answers(conns[0][0], 1)
            return third, first

    third, first = asyncio.run(scenario())
    assert third == b"" and [a.cn for a in first] == ["9014"]


def test_file_directory_reloads_when_the_snapshot_changes(tmp_path):
    path = tmp_path / "devices.json"
    write_snapshot(path, [DeviceInfo("A", "1", "2017")])
    directory = FileDeviceDirectory(path, recheck=0.0)
    assert directory.lookup("A") == DeviceInfo("A", "1", "2017", None, True)
    assert directory.lookup("B") is None
    write_snapshot(path, [DeviceInfo("B", "2", "2025", b"0" * 16, True)])
    assert directory.lookup("A") is None
    assert directory.lookup("B") == DeviceInfo("B", "2", "2025", b"0" * 16, True)
    path.write_text("{broken", encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert directory.lookup("B") is not None and directory.errors == 1  # a broken snapshot keeps the old one
