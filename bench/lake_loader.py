"""Benchmark: the lake loader against the HJ 212 gateway, same run; then gateway + loader end to end.

Run: .venv/bin/python bench/lake_loader.py [--devices 1000] [--duration 10] [--e2e 60 | --ten-minutes] (not a test)

Part 1: the gateway's sustained acknowledged frames/s in closed loop (as bench/hj212_gateway.py), then the
loader over the spool that run left behind (`lake.loader.load`, timed in this process after its imports):
frames/s of each and the ratio loader/gateway. The per-frame reference parser (what the loader did before the
vectorised parse) is timed on the same spool for comparison.
Part 2 (--e2e SECONDS, 0 to skip): the gateway and a `lake load --watch 1` loader run together while the simulator
offers --offered frames/s in total; the spool backlog (accepted frames not yet in the lake) is sampled every
--sample seconds, then the time the loader needs to drain it after the load stops.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hj212_gateway import ENV, run_load, start_gateway  # noqa: E402

from ecoenforce.monitoring.gateway.spool import ACCEPTED, list_segments, read_records  # noqa: E402
from ecoenforce.monitoring.lake import parse as parse_mod  # noqa: E402
from ecoenforce.monitoring.lake.loader import load, spool_backlog  # noqa: E402


def _accepted(spool: Path) -> int:
    """Accepted frames in a spool."""
    return sum(r.kind == ACCEPTED for seg in list_segments(spool) for r in read_records(seg))


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM and wait (the gateway seals its segment)."""
    proc.terminate()
    proc.wait(30)


def loader_vs_gateway(args, tmp: Path) -> dict:
    """Part 1."""
    proc, port = start_gateway(tmp, args.devices)
    try:
        closed = run_load(port, devices=args.devices, duration=args.duration, warmup=2.0)
    finally:
        _stop(proc)
    spool = tmp / "spool"
    frames = _accepted(spool)
    t0, c0 = time.perf_counter(), time.process_time()
    report = load(spool, tmp / "lake")
    loader_s, loader_cpu = time.perf_counter() - t0, time.process_time() - c0
    result = {"gateway_closed_loop_per_s": closed["acked_per_s"], "spool_frames": frames,
              "rows": report.rows_written, "loader_s": round(loader_s, 2), "loader_cpu_s": round(loader_cpu, 2),
              "loader_per_s": round(frames / loader_s), "errors": dict(report.errors)}  # fmt: skip
    if args.reference:
        real = parse_mod._fast_frame
        parse_mod._fast_frame = lambda raw, key: None  # every frame through the codec's per-frame parser
        try:
            t0 = time.perf_counter()
            ref = load(spool, tmp / "lake-reference")
            ref_s = time.perf_counter() - t0
        finally:
            parse_mod._fast_frame = real
        assert ref.rows_written == report.rows_written, (ref.rows_written, report.rows_written)
        result["reference_per_s"] = round(frames / ref_s)
    result["ratio_loader_gateway"] = round(result["loader_per_s"] / result["gateway_closed_loop_per_s"], 2)
    return result


def end_to_end(args, tmp: Path) -> dict:
    """Part 2."""
    proc, port = start_gateway(tmp, args.devices)
    spool, lake = tmp / "spool", tmp / "lake"
    loader = subprocess.Popen([sys.executable, "-m", "ecoenforce.monitoring.lake.cli", "load", "--spool", str(spool),
                               "--lake", str(lake), "--watch", "1"], stdout=subprocess.DEVNULL, env=ENV)  # fmt: skip
    samples = []
    try:
        cmd = [sys.executable, "-m", "ecoenforce.monitoring.hj212.cli", "simulate", "--port", str(port),
               "--devices", str(args.devices), "--frames", "0", "--duration", str(args.e2e), "--warmup", "2",
               "--rate", str(args.offered / args.devices), "--cns", "2051", "--fast", "--connect-spread", "1.0",
               "--ack-timeout", "5"]  # fmt: skip
        sim = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=ENV)
        t0 = time.monotonic()
        while sim.poll() is None:
            time.sleep(args.sample)
            b = spool_backlog(spool, lake)
            samples.append((round(time.monotonic() - t0), b.frames))
            print(f"t={samples[-1][0]:>4}s backlog={b.frames} frames ({b.bytes / 1e6:.1f} MB)", flush=True)
        summary = json.loads(sim.stdout.read().strip().splitlines()[-1])
        stopped = time.monotonic()
        while spool_backlog(spool, lake).frames and time.monotonic() - stopped < 600:
            time.sleep(0.5)
        drain = time.monotonic() - stopped
    finally:
        loader.terminate()
        loader.wait(30)
        _stop(proc)
    half = len(samples) // 2
    first, second = [f for _, f in samples[:half]] or [0], [f for _, f in samples[half:]] or [0]
    return {"offered_per_s": args.offered, "acked_per_s": summary["acked_per_s"], "seconds": args.e2e,
            "backlog_max_frames": max(f for _, f in samples) if samples else 0,
            "backlog_max_first_half": max(first), "backlog_max_second_half": max(second),
            "drain_after_stop_s": round(drain, 1), "in_lake_frames": _accepted(spool),
            "simulator": summary}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Print both parts' figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--devices", type=int, default=1000)
    p.add_argument("--duration", type=float, default=10.0, help="closed-loop seconds (part 1)")
    p.add_argument(
        "--no-reference", dest="reference", action="store_false", help="skip the per-frame reference"
    )
    p.add_argument("--e2e", type=float, default=60.0, help="end-to-end seconds (part 2; 0 = skip)")
    p.add_argument("--ten-minutes", action="store_true", help="part 2 for 600 s")
    p.add_argument("--offered", type=float, default=10_000.0, help="frames/s offered in part 2")
    p.add_argument("--sample", type=float, default=5.0, help="backlog sampling period (part 2)")
    args = p.parse_args(argv)
    if args.ten_minutes:
        args.e2e = 600.0
    with tempfile.TemporaryDirectory(prefix="lakebench-") as tmp:
        one = loader_vs_gateway(args, Path(tmp))
    print(f"gateway closed loop: {one['gateway_closed_loop_per_s']:,.0f} frames/s; loader: {one['loader_per_s']:,} "
          f"frames/s ({one['spool_frames']:,} frames, {one['rows']:,} rows in {one['loader_s']} s); "
          f"ratio loader/gateway {one['ratio_loader_gateway']:.2f}x", flush=True)  # fmt: skip
    if "reference_per_s" in one:
        print(f"per-frame reference parser on the same spool: {one['reference_per_s']:,} frames/s "
              f"(vectorised {one['loader_per_s'] / one['reference_per_s']:.1f}x)", flush=True)  # fmt: skip
    two = None
    if args.e2e:
        with tempfile.TemporaryDirectory(prefix="lakebench-e2e-") as tmp:
            two = end_to_end(args, Path(tmp))
        print(f"end to end at {two['offered_per_s']:,.0f} frames/s offered for {two['seconds']:.0f} s: acked "
              f"{two['acked_per_s']:,.0f}/s; backlog max {two['backlog_max_frames']:,} frames (first half "
              f"{two['backlog_max_first_half']:,}, second half {two['backlog_max_second_half']:,}); drained "
              f"{two['drain_after_stop_s']} s after the load stopped", flush=True)  # fmt: skip
    print(json.dumps({"loader_vs_gateway": one, "end_to_end": two}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
