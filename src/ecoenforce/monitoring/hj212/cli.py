"""`ecoenforce hj212 parse|simulate`: look inside a frame; drive simulated devices against a gateway."""

from __future__ import annotations

import argparse
import json
import sys

from .describe import describe


def build_parser() -> argparse.ArgumentParser:
    """Subcommands parse and simulate."""
    p = argparse.ArgumentParser(prog="ecoenforce hj212", description="HJ 212 tools")
    sub = p.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="decode a frame and print a readable breakdown")
    parse.add_argument("frame", nargs="?", help="the frame text (default: read lines from stdin)")
    parse.add_argument("--strict", action="store_true", help="the standard only, no leniency")
    parse.add_argument("--sm4-key", help="32 hex characters: device key for 2025 encrypted CP")
    sim = sub.add_parser("simulate", help="simulated devices sending traffic to a gateway")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, required=True)
    sim.add_argument("--devices", type=int, default=10)
    sim.add_argument("--frames", type=int, default=10, help="frames per device (0 = until --duration)")
    sim.add_argument("--duration", type=float, default=60.0)
    sim.add_argument("--rate", type=float, default=0.0, help="frames/s per device (0 = closed loop)")
    sim.add_argument("--window", type=int, default=1)
    sim.add_argument("--ack-timeout", type=float, default=2.0)
    sim.add_argument("--cns", default="2011,2051,2011,2061,2011,2031")
    sim.add_argument("--mn-prefix", default="SIM")
    sim.add_argument("--password", default="123456")
    sim.add_argument("--connect-spread", type=float, default=1.0)
    sim.add_argument(
        "--warmup", type=float, default=0.0, help="seconds before acks count toward rate/latency"
    )
    sim.add_argument(
        "--fast", action="store_true", help="benchmark mode: fixed values per device, only times vary"
    )
    sim.add_argument("--acked-file", help="write acknowledged (mn, cn, DataTime) as JSON lines here")
    return p


def _parse(args: argparse.Namespace) -> int:
    """Print a breakdown of each frame; exit 1 if any was rejected."""
    key = bytes.fromhex(args.sm4_key) if args.sm4_key else None
    frames = [args.frame] if args.frame else [line.rstrip("\r\n") for line in sys.stdin if line.strip()]
    status = 0
    for i, text in enumerate(frames):
        if i:
            print()
        lines = describe(text + "\r\n", strict=args.strict, sm4_key=key)
        status |= any(line.startswith("REJECTED") for line in lines)
        print("\n".join(lines))
    return status


def _simulate(args: argparse.Namespace) -> int:
    """Run the simulator and print its counters as JSON; exit 1 when some frames stayed unacknowledged."""
    from ..gateway.cli import run
    from ..gateway.simulator import SimConfig, simulate

    cfg = SimConfig(host=args.host, port=args.port, devices=args.devices, frames=args.frames, duration=args.duration,
                    rate=args.rate, window=args.window, ack_timeout=args.ack_timeout, cns=tuple(args.cns.split(",")),
                    mn_prefix=args.mn_prefix, password=args.password, connect_spread=args.connect_spread,
                    warmup=args.warmup, fast=args.fast)  # fmt: skip
    result = run(simulate(cfg))
    if args.acked_file:
        with open(args.acked_file, "w", encoding="utf-8") as fh:
            for key in result.acked_keys:
                fh.write(json.dumps(key) + "\n")
    print(json.dumps(result.summary()), flush=True)
    return 1 if result.unacked else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point wired into the `ecoenforce` CLI."""
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        return _parse(args)
    return _simulate(args)


if __name__ == "__main__":
    sys.exit(main())
