"""Issue 15, gateway items 1-3 and 5, over real sockets: back-pressure instead of drops, authentication before the
device's budget, wrong-password back-off across connections, bounded quarantine and maps, per-peer slots, a private
device snapshot. Attackers connect from other loopback addresses (127.0.0.2, ...) so per-peer limits can be seen."""

import asyncio
import json
import os
import stat
import time

import pytest
from gw_helpers import read_answers, running_gateway, spool_records, upload
from hj212_data import sample_lines

from ecoenforce.monitoring.gateway import DeviceInfo, StaticDeviceDirectory, write_snapshot
from ecoenforce.monitoring.gateway.budget import Budget
from ecoenforce.monitoring.gateway.guard import AuthGuard
from ecoenforce.monitoring.gateway.limits import GatewayConfig, peer_key
from ecoenforce.monitoring.gateway.spool import ACCEPTED, QUARANTINE, REJECTED

VICTIM = "VICTIM00000001"
DIRECTORY = StaticDeviceDirectory([DeviceInfo(VICTIM, "654321"), DeviceInfo("DEV1", "123456")])


async def _connect(port: int, source: str = "127.0.0.1"):
    return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))


async def _send_all_and_read(port: int, frames: list[bytes], expected: int, source: str = "127.0.0.1",
                             timeout: float = 30.0) -> list:  # fmt: skip
    """Write every frame as fast as TCP takes them while reading answers concurrently."""
    reader, writer = await _connect(port, source)

    async def write():
        for i in range(0, len(frames), 50):
            writer.write(b"".join(frames[i : i + 50]))
            await writer.drain()

    sender = asyncio.create_task(write())
    answers = await read_answers(reader, expected, timeout=timeout)
    await sender
    writer.close()
    return answers


def _events(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "conn.jsonl").read_text().splitlines()]


# --- 1. back-pressure ---------------------------------------------------------------------------------------


def test_a_burst_of_2000_frames_from_one_device_is_all_answered_in_order(tmp_path):
    frames = [upload(mn="DEV1", qn=f"2026010100{i:07d}") for i in range(2000)]

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, rate=500, burst=200) as gw:
            answers = await _send_all_and_read(gw.port, frames, 2000)
            return answers, dict(gw.stats)

    answers, stats = asyncio.run(scenario())
    assert [a.qn for a in answers] == [f"2026010100{i:07d}" for i in range(2000)]
    assert (stats["frames"], stats["acked"]) == (2000, 2000)
    assert stats["throttled"] > 0  # the device was slowed (reading paused), not dropped
    records = spool_records(tmp_path)
    assert [r.kind for r in records] == [ACCEPTED] * 2000 and [r.raw for r in records] == frames


def test_replay_of_a_real_devices_frames_at_line_speed_is_all_answered(tmp_path):
    # DXCBZ000000005's own uploads from public logs (samples.txt lines 21, 23, 31: 2011, 2081, 2021, Flag=5),
    # replayed 2,415 times as in the review that got 202 answers
    lines = sample_lines()
    real = [(lines[n - 1] + "\r\n").encode() for n in (21, 23, 31)]
    frames = [real[i % 3] for i in range(2415)]
    directory = StaticDeviceDirectory([DeviceInfo("DXCBZ000000005", "123456")])

    async def scenario():
        async with running_gateway(tmp_path, directory, rate=1000, burst=200) as gw:
            return await _send_all_and_read(gw.port, frames, 2415), dict(gw.stats)

    answers, stats = asyncio.run(scenario())
    expected_qns = ["20210412154520280", "20210412153445863", "20210407112025768"]
    assert [(a.cn, a.qn) for a in answers] == [("9014", expected_qns[i % 3]) for i in range(2415)]
    assert stats["acked"] == 2415 and stats["throttled"] > 0


# --- 2. authentication before the bucket; wrong passwords counted across connections ----------------------------


def test_a_wrong_password_flood_neither_starves_nor_delays_the_real_device(tmp_path):
    async def flood(port: int, stop: asyncio.Event, source: str) -> int:
        """Reconnect and send wrong-password frames with the victim's MN until refused or stopped."""
        connections = 0
        while not stop.is_set():
            try:
                reader, writer = await _connect(port, source)
            except OSError:
                break
            connections += 1
            writer.write(b"".join(upload(mn=VICTIM, pw=f"{i:06d}", qn=f"20260101000{i:06d}") for i in range(50)))
            try:
                await asyncio.wait_for(reader.read(), 2)
            except (ConnectionError, TimeoutError):
                pass
            writer.close()
        return connections

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, rate=50, burst=20) as gw:
            reader, writer = await _connect(gw.port)  # the real device, authenticated before the attack
            writer.write(upload(mn=VICTIM, pw="654321", qn="20260101090000000"))
            first = await read_answers(reader, 1)
            stop = asyncio.Event()
            attacker = asyncio.create_task(flood(gw.port, stop, "127.0.0.2"))
            answered = []
            for i in range(40):  # 40 frames at 20/s, within its 50/s, while the flood runs
                writer.write(upload(mn=VICTIM, pw="654321", qn=f"2026010110{i:07d}"))
                answered += await read_answers(reader, 1, timeout=1.0)
                await asyncio.sleep(0.05)
            stop.set()
            connections = await attacker
            # a new connection from the refused address is closed at once
            r2, w2 = await _connect(gw.port, "127.0.0.2")
            refused = await asyncio.wait_for(r2.read(), 2)
            return first, answered, connections, refused, dict(gw.stats)

    first, answered, connections, refused, stats = asyncio.run(scenario())
    assert [a.qn for a in first] == ["20260101090000000"]
    assert [a.qn for a in answered] == [f"2026010110{i:07d}" for i in range(40)]  # each within 1 s of sending
    assert refused == b""
    kept = [r for r in spool_records(tmp_path) if r.kind == REJECTED]
    # 3 wrong passwords per connection, 10 per peer: after the 10th the address is refused for a minute
    assert [r.reason for r in kept] == ["AUTH_PASSWORD"] * 10
    events = _events(tmp_path)
    admitted = [e for e in events if e["event"] == "connect" and e["peer"].startswith("127.0.0.2:")]
    assert len(admitted) == 4 and stats["auth_failed"] == 10
    assert stats["refused"] == connections - 4 + 1  # every later attempt (and the probe) refused at connect
    assert [e["seconds"] for e in events if e["event"] == "auth_backoff"] == [60.0]
    assert [e["seconds"] for e in events if e["event"] == "auth_locked"] == [60.0]  # and the MN is locked
    assert {e["reason"] for e in events if e["event"] == "refused"} == {"AUTH_BACKOFF"}


def test_guessing_one_mn_from_many_addresses_locks_it_for_strangers_only(tmp_path):
    async def guesses(port: int, source: str, n: int) -> None:
        for i in range(0, n, 2):  # 2 per connection, below the per-connection limit
            reader, writer = await _connect(port, source)
            writer.write(upload(mn=VICTIM, pw=f"9{i:05d}", qn=f"20260101000{i:06d}")
                         + upload(mn=VICTIM, pw=f"8{i:05d}", qn=f"20260101001{i:06d}"))  # fmt: skip
            assert await read_answers(reader, 1, timeout=0.3) == []
            writer.close()

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, auth_failures_per_peer=6, auth_failures_per_mn=10) as gw:
            reader, writer = await _connect(gw.port)  # the real device, trusted at 127.0.0.1
            writer.write(upload(mn=VICTIM, pw="654321", qn="20260101090000000"))
            await read_answers(reader, 1)
            writer.close()
            await guesses(gw.port, "127.0.0.2", 4)
            await guesses(gw.port, "127.0.0.3", 4)
            await guesses(gw.port, "127.0.0.4", 2)  # the 10th wrong password for the MN: locked
            # the right password from a stranger is not even compared while the MN is locked: no oracle
            r5, w5 = await _connect(gw.port, "127.0.0.5")
            w5.write(upload(mn=VICTIM, pw="654321", qn="20260101095000000"))
            stranger = await read_answers(r5, 1, timeout=0.5)
            # the real device reconnecting from where it authenticated before is answered
            r1, w1 = await _connect(gw.port)
            w1.write(upload(mn=VICTIM, pw="654321", qn="20260101096000000"))
            real = await read_answers(r1, 1)
            return stranger, real

    stranger, real = asyncio.run(scenario())
    assert stranger == [] and [a.qn for a in real] == ["20260101096000000"]
    events = _events(tmp_path)
    assert [e["mn"] for e in events if e["event"] == "auth_locked"] == [VICTIM]
    assert [e["reason"] for e in events if e["event"] == "close" and e["peer"].startswith("127.0.0.5:")] == [
        "AUTH_LOCKED"
    ]


def test_back_off_grows_with_each_strike_and_is_forgotten_after_a_quiet_day():
    config = GatewayConfig(auth_failures_per_peer=3, auth_failures_per_mn=1000, auth_backoff=60,
                           auth_backoff_max=3600, auth_forget=86_400)  # fmt: skip
    guard = AuthGuard(config)
    started = []
    now = 1_000_000.0
    for _strike in range(8):
        for _ in range(3):
            peer_backoff, _lock = guard.failure("MN1", "203.0.113.9", now)
            now += 1
        started.append(peer_backoff)
        now += peer_backoff
    assert started == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert guard.peer_blocked("203.0.113.9", now - 10) == 9  # the last strike began 1 s before `now - 3600`
    now += 86_401
    assert guard.peer_blocked("203.0.113.9", now) == 0
    assert [guard.failure("MN1", "203.0.113.9", now + i)[0] for i in range(3)] == [0, 0, 60]


def test_ipv6_peers_are_counted_per_64_prefix():
    assert peer_key("2001:db8:1:2:aaaa::1") == peer_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert peer_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert peer_key("198.51.100.7") == "198.51.100.7"


# --- 3. quarantine and maps are bounded; per-peer slots ----------------------------------------------------------


def test_a_random_mn_flood_is_capped_and_registered_devices_are_still_answered(tmp_path):
    flood = [upload(mn=f"RAND{i:010d}", qn=f"2026010100{i:07d}") for i in range(6000)]
    size = len(flood[0])  # 142 bytes
    caps = dict(quarantine_bytes=size * 350, quarantine_peer_bytes=size * 250, quarantine_mns=300, quarantine_peer_mns=150,
                quarantine_rate=100_000, quarantine_burst=100_000)  # fmt: skip

    async def flooder(port: int, source: str, sent: int) -> int:
        answered, end = 0, sent + 3000
        while sent < end:
            reader, writer = await _connect(port, source)
            writer.write(b"".join(flood[sent : sent + 500]))
            sent += 500
            answered += len(await read_answers(reader, 500, timeout=1.0))
            writer.close()
        return answered

    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, **caps) as gw:
            answered = await flooder(gw.port, "127.0.0.2", 0) + await flooder(gw.port, "127.0.0.3", 3000)
            device = await _send_all_and_read(gw.port, [upload(mn="DEV1", qn=f"2026010112{i:07d}") for i in range(50)], 50)
            return answered, device, dict(gw.stats), len(gw.buckets), len(gw.peer_buckets)

    answered, device, stats, buckets, peer_buckets = asyncio.run(scenario())
    assert [a.qn for a in device] == [f"2026010112{i:07d}" for i in range(50)]
    records = spool_records(tmp_path)
    quarantined = [r for r in records if r.kind == QUARANTINE]
    mns = {r.raw.split(b"MN=")[1][:14] for r in quarantined}
    # per peer: 150 distinct MNs (250 frames would fit its bytes), in total 300 MNs (350 would fit the bytes)
    assert len(quarantined) == answered == stats["quarantined"] == 300 == len(mns)
    assert stats["quarantine_refused"] >= 2  # each flooder connection hung up at its cap
    assert [r.kind for r in records if r.kind != QUARANTINE] == [ACCEPTED] * 50
    assert (buckets, peer_buckets) == (1, 2)  # a bucket per authenticated MN and per quarantine sender only
    saved = json.loads((tmp_path / "spool" / "budget-quarantine.json").read_text())
    assert (len(saved["mns"]), saved["peers"]) == (300, {"127.0.0.2": [150 * size, 150], "127.0.0.3": [150 * size, 150]})


def test_the_quarantine_budget_survives_a_restart(tmp_path):
    budget = Budget("quarantine", tmp_path, total_bytes=2000, peer_bytes=800, total_mns=3, peer_mns=2)
    now = 1_767_225_600.0  # 2026-01-01 08:00 Beijing
    assert [budget.admit("p1", mn, 250, now) for mn in ("A", "B", "C", "A", "A")] == [
        None, None, "PEER_MNS", None, "PEER_BYTES"]  # fmt: skip
    budget.save(every=0)
    again = Budget("quarantine", tmp_path, total_bytes=2000, peer_bytes=800, total_mns=3, peer_mns=2)
    assert again.admit("p1", "A", 250, now) == "PEER_BYTES" and again.admit("p2", "C", 250, now) is None
    assert again.admit("p2", "D", 250, now) == "TOTAL_MNS"
    assert again.admit("p2", "D", 250, now + 86_400) is None  # a new Beijing day starts a new allowance
    (tmp_path / "budget-quarantine.json").write_text("{broken")
    broken = Budget("quarantine", tmp_path, total_bytes=2000, peer_bytes=800, total_mns=3, peer_mns=2)
    assert broken.admit("p3", "E", 10, time.time()) == "TOTAL_BYTES"  # unreadable state is a spent day, not a fresh one


def test_connection_slots_are_per_peer(tmp_path):
    async def scenario():
        async with running_gateway(tmp_path, DIRECTORY, max_connections_per_peer=3) as gw:
            held = [await _connect(gw.port, "127.0.0.2") for _ in range(3)]
            await asyncio.sleep(0.05)
            reader, _w = await _connect(gw.port, "127.0.0.2")
            fourth = await asyncio.wait_for(reader.read(), 2)
            r1, w1 = await _connect(gw.port)  # another address still gets in
            w1.write(upload(mn="DEV1"))
            other = await read_answers(r1, 1)
            for _r, w in held:
                w.close()
            return fourth, other

    fourth, other = asyncio.run(scenario())
    assert fourth == b"" and [a.cn for a in other] == ["9014"]
    assert [(e["reason"], e["count"]) for e in _events(tmp_path) if e["event"] == "refused"] == [
        ("MAX_PEER_CONNECTIONS", 1)
    ]


# --- 5. the device snapshot holds passwords and keys ---------------------------------------------------------


def test_the_device_snapshot_is_private_atomic_and_never_follows_a_planted_file(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    path = tmp_path / "devices.json"
    os.symlink(victim, tmp_path / "devices.json.tmp")  # the old predictable temporary name
    old_umask = os.umask(0o022)
    try:
        write_snapshot(path, [DeviceInfo("A", "secret", "2025", b"k" * 16)])
        write_snapshot(path, [DeviceInfo("A", "secret2", "2025", b"k" * 16)])
    finally:
        os.umask(old_umask)
    assert victim.read_text() == "untouched"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["devices"][0]["password"] == "secret2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["devices.json", "devices.json.tmp", "victim.txt"]


@pytest.mark.parametrize("size", [1_000, 10_000])
def test_the_connection_log_is_rotated_once(tmp_path, size):
    from ecoenforce.monitoring.gateway.connlog import ConnectionLog

    log = ConnectionLog(tmp_path / "c.jsonl", max_bytes=size)
    for i in range(2000):
        log.event("connect", peer=f"127.0.0.1:{i}")
        if i % 100 == 99:
            log.flush()
    log.close()
    assert (tmp_path / "c.jsonl").stat().st_size < size + 100 * 60
    assert (tmp_path / "c.jsonl.1").stat().st_size < size + 100 * 60
