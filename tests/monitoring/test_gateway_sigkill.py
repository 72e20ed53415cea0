"""End to end: gateway subprocess, simulated devices, SIGKILL mid-load, restart, loader: every ack in the lake once."""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hj212_data import REPO_ROOT

from ecoenforce.monitoring.gateway import DeviceInfo, write_snapshot
from ecoenforce.monitoring.gateway.simulator import GAS, WATER
from ecoenforce.monitoring.gateway.spool import ACCEPTED, list_segments, read_records
from ecoenforce.monitoring.hj212 import parse
from ecoenforce.monitoring.lake import load, read_readings

KINDS = {"2011": "realtime", "2051": "minute", "2061": "hour", "2031": "day"}
ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}


def _start_gateway(tmp: Path, port: int) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ecoenforce.monitoring.gateway.cli",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--spool",
            str(tmp / "spool"),
            "--devices",
            str(tmp / "devices.json"),
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.startswith("LISTENING"), proc.stderr.read()
    return proc, int(line.split()[2])


def _accepted_frames(tmp: Path) -> int:
    return sum(1 for s in list_segments(tmp / "spool") for r in read_records(s) if r.kind == ACCEPTED)


@pytest.mark.slow
def test_every_acknowledged_frame_is_in_the_lake_exactly_once_after_sigkill(tmp_path):
    devices, frames = 40, 30
    write_snapshot(tmp_path / "devices.json", [DeviceInfo(f"SIM{i:08d}", "123456") for i in range(devices)])
    gateway, port = _start_gateway(tmp_path, 0)
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ecoenforce.monitoring.hj212.cli",
            "simulate",
            "--port",
            str(port),
            "--devices",
            str(devices),
            "--frames",
            str(frames),
            "--duration",
            "45",
            "--ack-timeout",
            "1.0",
            "--connect-spread",
            "0.3",
            "--rate",
            "20",
            "--acked-file",
            str(tmp_path / "acked.jsonl"),
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while _accepted_frames(tmp_path) < devices * frames // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        gateway.send_signal(signal.SIGKILL)  # mid-load: acks in flight, a batch maybe half-written
        gateway.wait(10)
        killed_at = _accepted_frames(tmp_path)
        assert 0 < killed_at < devices * frames
        time.sleep(0.3)
        gateway, _ = _start_gateway(tmp_path, port)
        out, err = sim.communicate(timeout=60)
        gateway.send_signal(signal.SIGTERM)  # graceful stop: final commit, SEAL record, counters on stdout
        gw_out, _ = gateway.communicate(timeout=20)
    finally:
        for proc in (sim, gateway):
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["unacked"] == 0 and summary["acked"] == devices * frames, err
    assert summary["reconnects"] >= 1

    assert gateway.returncode == 0
    stats = json.loads(gw_out.strip().splitlines()[-1])
    assert stats["rejected"] == stats["quarantined"] == stats["auth_failed"] == stats["throttled"] == 0
    report = load(tmp_path / "spool", tmp_path / "lake")
    assert dict(report.errors) == {}
    acked = [tuple(json.loads(line)) for line in (tmp_path / "acked.jsonl").read_text().splitlines()]
    assert len(acked) == len(set(acked)) == devices * frames
    rows = read_readings(tmp_path / "lake", as_dicts=True)
    keys = Counter(
        (r["mn"], r["kind"], r["pollutant"], r["data_time"].strftime("%Y%m%d%H%M%S")) for r in rows
    )
    assert max(keys.values()) == 1  # exactly once
    expected = set()
    for mn, cn, data_time in acked:
        factors = WATER if int(mn[3:]) % 2 == 0 else GAS
        expected.update((mn, KINDS[cn], code, data_time) for code in factors)
    assert set(keys) == expected
    # retransmissions reached the spool and were dropped by the loader, not by luck
    accepted = [
        parse(r.raw) for s in list_segments(tmp_path / "spool") for r in read_records(s) if r.kind == ACCEPTED
    ]
    extra = len(accepted) - devices * frames
    assert extra >= 0
    per_frame = {
        (p.mn, p.cn, p.get("DataTime")): len(WATER if int(p.mn[3:]) % 2 == 0 else GAS) for p in accepted
    }
    assert report.duplicates == sum(per_frame[(p.mn, p.cn, p.get("DataTime"))] for p in accepted) - len(
        expected
    )
    # the restarted gateway never appends to the killed segment
    assert len(list_segments(tmp_path / "spool")) == 2
    checkpoint = json.loads((tmp_path / "lake" / "_checkpoint.json").read_text())
    assert [v["final"] for v in checkpoint["segments"].values()] == [True, True]
    assert checkpoint["pending"] is None
