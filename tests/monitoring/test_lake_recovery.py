"""Loader crash recovery and several loaders into one lake: nothing lost, nothing doubled.

A loader subprocess is SIGKILLed at random points (several times, random delays) and restarted; two loaders (two
gateways' spools, one with a segment torn mid-record by a crashed writer) feed one lake at the same time. The lake's
rows are then compared exactly with a clean single load of the same spools.
"""

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from gw_helpers import upload

from ecoenforce.monitoring.gateway.spool import ACCEPTED, SpoolWriter, list_segments
from ecoenforce.monitoring.lake import load, read_readings
from ecoenforce.monitoring.lake.checkpoint import Checkpoint

REPO = Path(__file__).resolve().parents[2]
LOADER = """
import sys
from ecoenforce.monitoring.lake.loader import load
spool, lake, limit, who = sys.argv[1:5]
print("READY", flush=True)  # imports done: from here on a kill lands in the loading itself
while load(spool, lake, max_range_bytes=int(limit), loader_id=who or None).ranges:
    pass
print("DONE", flush=True)
"""


def _frames(mn_prefix: str, n: int, rng: random.Random) -> list[bytes]:
    """Minute and hourly uploads over two Beijing days, with retransmissions (same key, other values)."""
    out = []
    for i in range(n):
        day, minute = 1 + i % 2, i % 600
        when = f"2026010{day}{minute // 60:02d}{minute % 60:02d}00"
        cn = "2051" if i % 3 else "2061"
        cp = f"DataTime={when};w01018-Avg={rng.uniform(0, 90):.2f},w01018-Flag=N;w21003-Avg={i}"
        out.append(upload(mn=f"{mn_prefix}{i % 13}", cn=cn, cp=cp, qn=f"20260101000000{i % 1000:03d}"))
        if i % 17 == 0:
            out.append(upload(mn=f"{mn_prefix}{i % 13}", cn=cn, cp=cp.replace("w21003-Avg=", "w21003-Avg=-")))
    return out


def _spool(directory: Path, frames: list[bytes], *, torn: bool = False) -> None:
    """Write frames with real SpoolWriters (small segments); `torn`: the first writer dies mid-record."""

    async def write(part: list[bytes], close: bool) -> None:
        writer = SpoolWriter(directory, segment_bytes=6000)
        writer.start()
        for i, raw in enumerate(part):
            writer.append(ACCEPTED, raw, received_at=1_767_225_600.0 + i / 7, peer="127.0.0.1:1")
        await writer.commit()
        if close:
            await writer.close()
        else:
            writer._executor.shutdown()
            os.close(writer._lock_fd)

    half = len(frames) // 2
    asyncio.run(write(frames[:half], close=not torn))
    if torn:
        last = list_segments(directory)[-1]
        data = last.read_bytes()
        with open(last, "ab") as fh:
            fh.write(data[: len(data) // 3][:57])  # a record cut by the crash
    asyncio.run(write(frames[half:], close=True))


def _rows(lake) -> list[tuple]:
    table = read_readings(lake).drop_columns(["date"])
    return sorted(tuple(str(v) for v in row.values()) for row in table.to_pylist())


def _keys(lake) -> list[tuple]:
    return [(r["mn"], r["kind"], r["pollutant"], r["data_time"]) for r in read_readings(lake).to_pylist()]


def _start(spool, lake, limit, who=""):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen([sys.executable, "-c", LOADER, str(spool), str(lake), str(limit), who],
                            stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip


def _done(proc) -> bool:
    """The loader subprocess ran to its end (its last line is DONE)."""
    return proc.communicate(timeout=120)[0].split()[-1:] == ["DONE"]


def test_sigkill_at_random_points_then_restart_gives_exactly_the_clean_rows(tmp_path):
    rng = random.Random(11)
    _spool(tmp_path / "spool", _frames("K", 700, rng), torn=True)
    expected = load(tmp_path / "spool", tmp_path / "clean", max_range_bytes=5000)
    assert expected.rows_written > 1000 and expected.duplicates > 0
    # The kill points are fractions of how long a whole load takes on this machine, timed here: fixed delays
    # landed after the end on a fast machine, before the start on a slow one.
    proc = _start(tmp_path / "spool", tmp_path / "timed", 5000)
    assert proc.stdout.readline().strip() == "READY"
    started = time.perf_counter()
    assert _done(proc)
    whole = time.perf_counter() - started
    lake = tmp_path / "lake"
    killed = 0
    for _ in range(6):
        proc = _start(tmp_path / "spool", lake, 5000)
        assert proc.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.05, 0.8) * whole)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(30)
        proc.stdout.close()
    assert killed  # at least one kill landed while it was loading
    proc = _start(tmp_path / "spool", lake, 5000)
    assert _done(proc)
    assert _rows(lake) == _rows(tmp_path / "clean")
    keys = _keys(lake)
    assert len(keys) == len(set(keys)) == expected.rows_written
    cp = Checkpoint.load(lake / "_checkpoint.json")
    assert cp.pending is None and all(s["final"] for s in cp.segments.values())


def test_two_gateways_two_loaders_one_lake(tmp_path):
    rng = random.Random(5)
    shared = _frames("S", 60, rng)  # frames a device sent to both gateways (reconnected through the balancer)
    _spool(tmp_path / "gw1", _frames("A", 400, rng) + shared, torn=True)
    _spool(tmp_path / "gw2", _frames("B", 400, rng) + shared)
    lake = tmp_path / "lake"
    procs = [_start(tmp_path / "gw1", lake, 4000, "gw1"), _start(tmp_path / "gw2", lake, 4000, "gw2")]
    assert [_done(p) for p in procs] == [True, True]
    keys = _keys(lake)
    assert len(keys) == len(set(keys))  # nothing doubled, though both spools hold the shared frames
    one = load(tmp_path / "gw1", tmp_path / "only1")
    two = load(tmp_path / "gw2", tmp_path / "only2")
    expected = set(_keys(tmp_path / "only1")) | set(_keys(tmp_path / "only2"))
    assert set(keys) == expected  # nothing lost
    assert len(keys) == one.rows_written + two.rows_written - len(set(_keys(tmp_path / "only1")) &
                                                                 set(_keys(tmp_path / "only2")))  # fmt: skip
    # each loader's own devices arrive exactly as its spool alone would have them
    for who, only, prefix in (("gw1", "only1", "A"), ("gw2", "only2", "B")):
        mine = [r for r in _rows(lake) if r[0].startswith(prefix)]
        assert mine == [r for r in _rows(tmp_path / only) if r[0].startswith(prefix)]
        cp = Checkpoint.load(lake / f"_checkpoint-{who}.json")
        assert cp.pending is None and all(s["final"] for s in cp.segments.values())
    names = {p.name.split("-seg-")[0] for p in lake.rglob("part-*.parquet")}
    assert names == {"part-gw1", "part-gw2"}
