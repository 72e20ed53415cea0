"""Hostile peers cannot crash, hang or slow the gateway for others (loopback, ephemeral ports, bounded time)."""

import asyncio
import json
import random
import time

from gw_helpers import read_answers, running_gateway, spool_records, upload

from ecoenforce.monitoring.gateway import DeviceInfo, StaticDeviceDirectory
from ecoenforce.monitoring.gateway.spool import REJECTED

DIRECTORY = StaticDeviceDirectory([DeviceInfo("DEV1", "123456"), DeviceInfo("GOOD", "123456")])


async def _good_device_latency(port: int, n: int = 5) -> float:
    """Worst ack latency of a well-behaved device sending n frames one after another (normally a few ms;
    the bounds in the tests are loose because CI runs them on a busy 2-core machine)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    worst = 0.0
    for i in range(n):
        t0 = time.perf_counter()
        writer.write(upload(mn="GOOD", qn=f"2026010100000{i:04d}"))
        [answer] = await read_answers(reader, 1, timeout=3)
        assert answer.qn == f"2026010100000{i:04d}"
        worst = max(worst, time.perf_counter() - t0)
        await asyncio.sleep(0.05)
    writer.close()
    return worst


def test_random_bytes_and_byte_at_a_time(tmp_path):
    rng = random.Random(212)

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, max_rejections=1000) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            for _ in range(50):
                writer.write(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))))
            writer.write(b"\r\n")
            frame = upload(qn="20260101000000077")
            for b in frame:  # byte-at-a-time delivery
                writer.write(bytes([b]))
                await writer.drain()
            answers = await read_answers(reader, 1, timeout=3)
            latency = await _good_device_latency(gw.port)
            writer.close()
            return answers, latency, gw.stats["rejected"]

    answers, latency, rejected = asyncio.run(scenario())
    assert [a.qn for a in answers] == ["20260101000000077"]
    assert latency < 1.0 and rejected >= 1


def test_ten_megabytes_without_start_is_cut_off(tmp_path):
    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, max_rejections=20) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            flood = asyncio.create_task(_flood(writer, 10 * 1024 * 1024))
            latency = await _good_device_latency(gw.port)
            sent = await asyncio.wait_for(flood, 10)
            try:
                closed = await asyncio.wait_for(reader.read(), 5)
            except ConnectionResetError:  # abort() resets: the gateway does not linger on a flooder
                closed = b""
            return latency, sent, closed

    latency, sent, closed = asyncio.run(scenario())
    assert latency < 1.0 and closed == b""
    assert sent < 10 * 1024 * 1024  # the gateway hung up long before the 10 MB were through
    records = [r for r in spool_records(tmp_path) if r.kind == REJECTED]
    assert len(records) == 20 and {r.reason for r in records} == {"GARBAGE"}
    assert max(len(r.raw) for r in records) <= 1024  # garbage is counted, not hoarded
    events = [json.loads(line) for line in (tmp_path / "conn.jsonl").read_text().splitlines()]
    assert [e["reason"] for e in events if e["event"] == "close"] == ["TOO_MANY_REJECTIONS"]


async def _flood(writer: asyncio.StreamWriter, total: int) -> int:
    """Send `total` bytes of 'x' in 64 KiB chunks until the peer hangs up; returns bytes accepted."""
    chunk, sent = b"x" * 65536, 0
    try:
        while sent < total:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
    except (ConnectionError, OSError):
        pass
    return sent


def test_half_frame_then_disconnect_is_kept_as_truncated(tmp_path):
    frame = upload()

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY) as gw:
            _, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(frame[:40])
            await writer.drain()
            writer.close()
            await asyncio.sleep(0.2)
            return await _good_device_latency(gw.port, 2)

    assert asyncio.run(scenario()) < 1.0
    [record] = [r for r in spool_records(tmp_path) if r.kind == REJECTED]
    assert (record.reason, record.raw) == ("TRUNCATED", frame[:40])


def test_slowloris_is_closed_by_the_frame_timeout(tmp_path):
    frame = upload()

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, frame_timeout=1.5) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            t0 = time.monotonic()
            closed_after = None
            for b in frame[:-10]:
                try:
                    writer.write(bytes([b]))
                    await writer.drain()
                except ConnectionError:
                    break
                if reader.at_eof():
                    break
                try:
                    if await asyncio.wait_for(reader.read(1), 0.1) == b"":
                        break
                except TimeoutError:
                    pass
            closed_after = time.monotonic() - t0
            latency = await _good_device_latency(gw.port, 2)
            return closed_after, latency

    closed_after, latency = asyncio.run(scenario())
    assert 1.5 <= closed_after < 4.5 and latency < 1.0
    [kept] = [r for r in spool_records(tmp_path) if r.kind == REJECTED]
    assert kept.reason == "TRUNCATED" and frame.startswith(kept.raw) and len(kept.raw) >= 10
    events = [json.loads(line) for line in (tmp_path / "conn.jsonl").read_text().splitlines()]
    assert [e["reason"] for e in events if e["event"] == "close"] == ["FRAME_TIMEOUT"]


def test_idle_connection_is_closed(tmp_path):
    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, idle_timeout=1.0) as gw:
            reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
            writer.write(upload())
            [answer] = await read_answers(reader, 1)
            t0 = time.monotonic()
            rest = await asyncio.wait_for(reader.read(), 5)
            return answer.cn, rest, time.monotonic() - t0

    cn, rest, waited = asyncio.run(scenario())
    assert (cn, rest) == ("9014", b"") and 0.9 <= waited < 3.5  # 1 s after the last frame, 1 s tick
    events = [json.loads(line) for line in (tmp_path / "conn.jsonl").read_text().splitlines()]
    assert [e["reason"] for e in events if e["event"] == "close"] == ["IDLE_TIMEOUT"]
