"""Send readings through a real HJ 212 gateway into the lake, as devices would (no Django).

Used by the demo city: a simulated month of hourly data is framed as 2061 uploads, sent by one TCP
connection per device to a gateway subprocess with its own spool, acknowledged (9014) after the
spool's fsync, and loaded into the lake by the ordinary loader. So what the warnings desk shows has
travelled the same road as real traffic: device → gateway → spool → lake.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ecoenforce.monitoring.hj212.encode import build_segment
from ecoenforce.monitoring.hj212.framing import encode_frame
from ecoenforce.monitoring.lake.loader import load

CST = dt.timezone(dt.timedelta(hours=8))  # DataTime is Beijing time
PASSWORD = "123456"
# Lake column → HJ 212 suffix for hourly (2061) uploads.
SUFFIXES = {"min": "Min", "avg": "Avg", "max": "Max", "zs_min": "ZsMin", "zs_avg": "ZsAvg", "zs_max": "ZsMax",
            "cou": "Cou", "flag": "Flag"}


def frames_from_rows(rows: Iterable[dict]) -> dict[str, list[bytes]]:
    """Group lake-shaped hourly rows by device and hour into framed 2061 uploads (Flag=5: answer wanted)."""
    groups: dict[tuple[str, object], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["mn"], row["data_time"])].append(row)
    frames: dict[str, list[bytes]] = defaultdict(list)
    for n, ((mn, when), items) in enumerate(sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1]))):
        local = when.astimezone(CST)
        cp = [f"DataTime={local:%Y%m%d%H%M%S}"]
        for item in sorted(items, key=lambda r: r["pollutant"]):
            values = [f"{item['pollutant']}-{suffix}={_fmt(item.get(col))}"
                      for col, suffix in SUFFIXES.items() if item.get(col) is not None]
            if values:
                cp.append(",".join(values))
        qn = f"{local:%Y%m%d%H%M%S}{n % 1000:03d}"
        segment = build_segment(cn="2061", mn=mn, cp=";".join(cp), qn=qn, st="31", pw=PASSWORD, flag=5)
        frames[mn].append(encode_frame(segment))
    return frames


def _fmt(value: object) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


async def _send(port: int, frames: list[bytes]) -> int:
    """One device: send each frame and wait for its 9014 before the next (as a data logger does)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    acked = 0
    try:
        for frame in frames:
            writer.write(frame)
            await writer.drain()
            answer = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout=10)
            acked += b"CN=9014" in answer
    finally:
        writer.close()
        await writer.wait_closed()
    return acked


async def _send_all(port: int, frames: dict[str, list[bytes]]) -> int:
    return sum(await asyncio.gather(*(_send(port, device_frames) for device_frames in frames.values())))


def feed_through_gateway(rows: Iterable[dict], lake_dir: Path | str) -> dict:
    """Run a gateway on a free loopback port, send the rows as devices would, load its spool into the lake."""
    frames = frames_from_rows(rows)
    with tempfile.TemporaryDirectory(prefix="ecoenforce-feed-") as tmp:
        work = Path(tmp)
        snapshot = work / "devices.json"
        snapshot.write_text(json.dumps({"version": 1, "devices": [
            {"mn": mn, "password": PASSWORD, "protocol": "2017", "sm4_key": None, "active": True} for mn in frames]}))
        spool = work / "spool"
        command = [sys.executable, "-m", "ecoenforce.monitoring.gateway.cli", "--host", "127.0.0.1", "--port", "0",
                   "--spool", str(spool), "--devices", str(snapshot), "--log", str(work / "connections.jsonl"),
                   "--rate", "100000", "--burst", "100000"]
        gateway = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env={**os.environ})
        try:
            line = gateway.stdout.readline().split()
            if not line or line[0] != "LISTENING":
                raise RuntimeError(f"the gateway did not start: {' '.join(line)!r}")
            acked = asyncio.run(_send_all(int(line[2]), frames))
        finally:
            gateway.send_signal(signal.SIGTERM)
            gateway.communicate(timeout=30)
        report = load(spool, lake_dir)
    return {"devices": len(frames), "frames": sum(len(f) for f in frames.values()), "acknowledged": acked,
            "report": report}
