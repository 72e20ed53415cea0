"""End to end: the real gateway subprocess + a registered device + the simulator -> readings on the page and API."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from ecoenforce.monitoring import services
from ecoenforce.monitoring.gateway.simulator import SimConfig, simulate
from ecoenforce.monitoring.gateway.spool import ACCEPTED, list_segments, read_records
from ecoenforce.monitoring.hj212 import CST, packet_readings, parse
from factories import device_input

SRC = Path(__file__).resolve().parents[2] / "src"


def _start_gateway(tmp: Path) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoenforce.monitoring.gateway.cli", "--host", "127.0.0.1", "--port", "0",
         "--spool", str(tmp / "spool"), "--devices", str(tmp / "gateway" / "devices.json"),
         "--log", str(tmp / "gateway" / "connections.jsonl")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(SRC)},
    )  # fmt: skip
    line = proc.stdout.readline()
    assert line.startswith("LISTENING"), proc.stderr.read()
    return proc, int(line.split()[2])


def _sent_values(tmp: Path) -> dict[str, float]:
    """The newest Rtd per factor in the frames the gateway accepted (decoded independently of the lake)."""
    values: dict[str, tuple] = {}
    for segment in list_segments(tmp / "spool"):
        for record in read_records(segment):
            if record.kind == ACCEPTED:
                for r in packet_readings(parse(record.raw)):
                    if values.get(r.pollutant, (None,))[0] is None or r.data_time >= values[r.pollutant][0]:
                        values[r.pollutant] = (r.data_time, r.values["rtd"])
    return {k: v for k, (_t, v) in values.items()}


@pytest.mark.django_db
def test_simulated_device_readings_reach_page_and_api_within_seconds(mon_dirs, entity_wj, operator, client,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.device_save(actor=operator, data=device_input(entity_wj))
    snapshot = json.loads((mon_dirs / "gateway" / "devices.json").read_text())
    assert [d["mn"] for d in snapshot["devices"]] == ["SIM00000000"]
    gateway, port = _start_gateway(mon_dirs)
    try:
        start = (timezone.now() - timedelta(minutes=10)).astimezone(CST).replace(microsecond=0)
        cfg = SimConfig(port=port, devices=1, frames=3, cns=("2011",), start=start, duration=10, connect_spread=0)
        result = asyncio.run(simulate(cfg))
        assert (result.sent, result.acked) == (3, 3)
        expected = _sent_values(mon_dirs)
        assert len(expected) == 5
        client.force_login(operator)
        deadline, got = time.monotonic() + 10, None
        t0 = time.monotonic()
        while time.monotonic() < deadline:
            response = client.get("/api/v1/monitoring/devices/SIM00000000/latest")
            assert response.status_code == 200
            got = {r["pollutant"]: r["value"] for r in response.json()}
            if got == expected:
                break
            time.sleep(0.2)
        assert got == expected
        assert time.monotonic() - t0 < 10
        series = client.get("/api/v1/monitoring/readings", {"mn": "SIM00000000", "pollutant": "w01018"}).json()
        assert [p[1] for p in series["points"]][-1] == expected["w01018"]
        assert len(series["points"]) == 3 and {p[2] for p in series["points"]} == {"N"}
        page = client.get("/monitoring/devices/SIM00000000/")
        assert page.status_code == 200
        assert f'data-testid="value-w01018">{expected["w01018"]}<' in page.content.decode()
        devices = client.get("/api/v1/monitoring/devices").json()
        assert [(d["mn"], d["online"]) for d in devices] == [("SIM00000000", True)]
    finally:
        gateway.terminate()
        gateway.wait(10)
