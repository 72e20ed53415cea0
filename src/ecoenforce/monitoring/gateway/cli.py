"""`ecoenforce gateway` entry point: parse flags, pick uvloop when available, run the gateway."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from .directory import FileDeviceDirectory
from .limits import GatewayConfig, MiB
from .server import EXIT_SPOOL_FAILED, serve
from .spool import SpoolFailed


def build_parser() -> argparse.ArgumentParser:
    """Flags of the gateway command."""
    p = argparse.ArgumentParser(prog="ecoenforce gateway", description="HJ 212 TCP gateway")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=9212, help="TCP port (0 = any free port, announced on stdout)")
    p.add_argument("--spool", type=Path, default=Path("var/spool"), help="spool directory")
    p.add_argument("--devices", type=Path, default=None,
                   help="device snapshot JSON; without it every MN is accepted (testing only)")  # fmt: skip
    p.add_argument(
        "--log", type=Path, default=None, help="connection log (JSON lines); default SPOOL/connections.jsonl"
    )
    p.add_argument("--status-file", type=Path, default=None,
                   help="JSON file rewritten every few seconds: address, start time, counters (ecoenforce status)")  # fmt: skip
    p.add_argument("--max-connections", type=int, default=20_000)
    p.add_argument("--max-connections-per-peer", type=int, default=500,
                   help="connections from one IPv4 address / IPv6 /64 (carrier NATs share addresses)")  # fmt: skip
    p.add_argument("--max-frame", type=int, default=4096, help="maximum data segment bytes")
    p.add_argument("--idle-timeout", type=float, default=900.0)
    p.add_argument("--frame-timeout", type=float, default=30.0)
    p.add_argument("--rate", type=float, default=50.0, help="frames/s per device (faster devices are slowed)")
    p.add_argument("--burst", type=float, default=200.0)
    p.add_argument("--auth-backoff", type=float, default=60.0,
                   help="first back-off (s) after too many wrong passwords from a peer or for an MN; doubles")  # fmt: skip
    p.add_argument("--quarantine-mib", type=float, default=256.0, help="quarantine kept per day, in total (MiB)")
    p.add_argument("--quarantine-peer-mib", type=float, default=16.0, help="quarantine kept per day per peer (MiB)")
    p.add_argument("--quarantine-mns", type=int, default=5000, help="distinct unregistered MNs kept per day")
    p.add_argument("--commit-interval-ms", type=float, default=2.0)
    p.add_argument("--no-uvloop", action="store_true")
    return p


def config_from_args(args: argparse.Namespace) -> GatewayConfig:
    """Map parsed flags onto a GatewayConfig."""
    return GatewayConfig(
        host=args.host, port=args.port, spool_dir=args.spool, devices_file=args.devices,
        log_path=args.log or args.spool / "connections.jsonl", max_connections=args.max_connections,
        max_segment=args.max_frame, idle_timeout=args.idle_timeout, frame_timeout=args.frame_timeout,
        rate=args.rate, burst=args.burst, commit_interval=args.commit_interval_ms / 1000.0,
        max_connections_per_peer=args.max_connections_per_peer, auth_backoff=args.auth_backoff,
        quarantine_bytes=int(args.quarantine_mib * MiB), quarantine_peer_bytes=int(args.quarantine_peer_mib * MiB),
        quarantine_mns=args.quarantine_mns, status_path=args.status_file,
    )  # fmt: skip


def run(coro, *, use_uvloop: bool = True):
    """Run a coroutine on uvloop when it is importable (2-3x faster sockets), else on asyncio's loop."""
    if use_uvloop:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                return runner.run(coro)
    return asyncio.run(coro)


def main(argv: list[str] | None = None) -> int:
    """Run the gateway until SIGTERM/SIGINT; prints the final counters as JSON."""
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    directory = FileDeviceDirectory(args.devices) if args.devices else None
    if args.devices and not args.devices.exists():
        print(
            f"warning: device snapshot {args.devices} does not exist yet; all MNs quarantined",
            file=sys.stderr,
        )
    try:
        stats = run(serve(config, directory), use_uvloop=not args.no_uvloop)
    except SpoolFailed as exc:
        # exit non-zero so a supervisor restarts the gateway and an operator is told; nothing unacknowledged
        # was lost: devices keep what was not answered and send it again
        print(f"error: {exc}; the gateway stopped (exit {EXIT_SPOOL_FAILED})", file=sys.stderr, flush=True)
        return EXIT_SPOOL_FAILED
    print(json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
