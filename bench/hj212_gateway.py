"""Benchmark: HJ 212 gateway vs the floor server (framing + CRC + group-fsync spool + 9014), same load, same run.

Run: .venv/bin/python bench/hj212_gateway.py [--devices 1000] [--duration 10] [--offered 5000]   (not a test)

For each server: (1) sustained acknowledged frames/s with every device in closed loop (next frame when the last
is acked); (2) p50/p99 ack latency at a fixed offered load. The load generator is a second process
(`ecoenforce hj212 simulate --fast`), 2051 minute frames as in the floor's own measurements.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FLOOR = REPO_ROOT.parent / "shared" / "bench" / "hj212_floor_server.py"
ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
sys.path.insert(0, str(REPO_ROOT / "src"))

from ecoenforce.monitoring.gateway import DeviceInfo, write_snapshot  # noqa: E402


def _free_port() -> int:
    """An ephemeral loopback port for the floor server (it takes a fixed port argument)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, timeout: float = 10.0) -> None:
    """Poll until the server accepts connections."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def start_gateway(tmp: Path, devices: int) -> tuple[subprocess.Popen, int]:
    """Our gateway with a device snapshot (authentication on), durable spool, connection log, limits on."""
    write_snapshot(tmp / "devices.json", [DeviceInfo(f"SIM{i:08d}", "123456") for i in range(devices)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoenforce.monitoring.gateway.cli", "--host", "127.0.0.1", "--port", "0",
         "--spool", str(tmp / "spool"), "--devices", str(tmp / "devices.json"), "--rate", "1000", "--burst", "2000",
         # every simulated device connects from 127.0.0.1: without this the per-peer ceiling (500) refuses half of them
         "--max-connections-per-peer", str(devices + 10)],
        stdout=subprocess.PIPE, env=ENV, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()
    if not line.startswith("LISTENING"):
        raise RuntimeError(f"gateway did not start: {line!r}")
    return proc, int(line.split()[2])


def start_floor(tmp: Path) -> tuple[subprocess.Popen, int]:
    """The shared floor server."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(FLOOR), str(port), str(tmp / "floor.spool")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)  # fmt: skip
    _wait_listening(port)
    return proc, port


def run_load(
    port: int, *, devices: int, duration: float, warmup: float, rate: float = 0.0, window: int = 1
) -> dict:
    """One load-generator process; returns its JSON summary."""
    cmd = [sys.executable, "-m", "ecoenforce.monitoring.hj212.cli", "simulate", "--port", str(port),
           "--devices", str(devices), "--frames", "0", "--duration", str(duration), "--warmup", str(warmup),
           "--rate", str(rate), "--window", str(window), "--cns", "2051", "--fast", "--connect-spread", "1.0",
           "--ack-timeout", "5"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=duration + 60)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(name: str, start, args) -> dict:
    """Throughput then fixed-load latency against one freshly started server."""
    with tempfile.TemporaryDirectory(prefix=f"hj212bench-{name}-") as tmp:
        proc, port = start(Path(tmp)) if name == "floor" else start(Path(tmp), args.devices)
        try:
            sustained = run_load(
                port, devices=args.devices, duration=args.duration, warmup=2.0, window=args.window
            )
            fixed = run_load(port, devices=args.devices, duration=args.duration, warmup=2.0,
                             rate=args.offered / args.devices)  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(15)
    return {"sustained_acked_per_s": sustained["acked_per_s"], "fixed_load_acked_per_s": fixed["acked_per_s"],
            "p50_ms": fixed["p50_ms"], "p99_ms": fixed["p99_ms"], "sustained_p99_ms": sustained["p99_ms"]}  # fmt: skip


def _median(results: list[dict]) -> dict:
    """Per-figure median over rounds."""
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def main(argv: list[str] | None = None) -> int:
    """Run both servers under the same load and print figures and ratios."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--devices", type=int, default=1000)
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--offered", type=float, default=5000.0, help="frames/s offered in the latency run")
    p.add_argument("--window", type=int, default=1, help="frames in flight per device in the throughput run")
    p.add_argument("--rounds", type=int, default=2, help="gateway/floor pairs, order alternating")
    args = p.parse_args(argv)
    if not FLOOR.exists():
        print(f"floor server not found at {FLOOR}", file=sys.stderr)
        return 2
    runs: dict[str, list[dict]] = {"gateway": [], "floor": []}
    for r in range(args.rounds):  # alternate the order so drift on the shared machine hits both alike
        order = [("gateway", start_gateway), ("floor", start_floor)]
        for name, start in order if r % 2 == 0 else order[::-1]:
            runs[name].append(measure(name, start, args))
            print(f"round {r + 1} {name}: {json.dumps(runs[name][-1])}", flush=True)
    ours, floor = (_median(runs[name]) for name in ("gateway", "floor"))
    ratio = (
        ours["sustained_acked_per_s"] / floor["sustained_acked_per_s"]
        if floor["sustained_acked_per_s"]
        else 0.0
    )
    print(
        f"devices={args.devices} duration={args.duration}s offered={args.offered:.0f}/s window={args.window} "
        f"rounds={args.rounds} (medians)"
    )
    print(f"{'':24}{'gateway':>12}{'floor':>12}")
    for key in ("sustained_acked_per_s", "fixed_load_acked_per_s", "p50_ms", "p99_ms", "sustained_p99_ms"):
        print(f"{key:24}{ours[key]!s:>12}{floor[key]!s:>12}")
    print(f"ratio gateway/floor (sustained): {ratio:.2f}x")
    print(json.dumps({"gateway": ours, "floor": floor, "ratio": round(ratio, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
