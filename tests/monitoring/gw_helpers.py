"""Helpers for in-process gateway tests: start a Gateway on an ephemeral loopback port, talk to it."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from ecoenforce.monitoring.gateway import Gateway, GatewayConfig, read_records
from ecoenforce.monitoring.gateway.spool import list_segments
from ecoenforce.monitoring.hj212 import FrameDecoder, RawFrame, build_segment, encode_frame, parse


def upload(mn: str = "DEV1", pw: str = "123456", qn: str = "20260101000000001", cn: str = "2011", flag: int = 5,
           cp: str = "DataTime=20260101000000;w01018-Rtd=41.5,w01018-Flag=N") -> bytes:  # fmt: skip
    """One framed upload."""
    return encode_frame(build_segment(qn=qn, st="32", cn=cn, pw=pw, mn=mn, flag=flag, cp=cp))


@contextlib.asynccontextmanager
async def running_gateway(tmp: Path, directory=None, **overrides):
    """A started gateway (spool under tmp/spool, log tmp/conn.jsonl); closed on exit."""
    config = GatewayConfig(host="127.0.0.1", port=0, spool_dir=tmp / "spool", log_path=tmp / "conn.jsonl",
                           **overrides)  # fmt: skip
    gateway = Gateway(config, directory)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.close()


async def read_answers(reader: asyncio.StreamReader, count: int, timeout: float = 2.0) -> list:
    """Read `count` framed answers (parsed Packets), or fewer if the timeout passes first."""
    decoder, out = FrameDecoder(), []
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while len(out) < count:
        left = end - loop.time()
        if left <= 0:
            break
        try:
            data = await asyncio.wait_for(reader.read(4096), left)
        except TimeoutError:
            break
        if not data:
            break
        out += [parse(i.raw) for i in decoder.feed(data) if isinstance(i, RawFrame)]
    return out


def spool_records(tmp: Path) -> list:
    """Every record in the spool (all segments, SEALs excluded)."""
    return [r for seg in list_segments(tmp / "spool") for r in read_records(seg) if r.kind != 255]
