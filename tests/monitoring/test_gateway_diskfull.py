"""Issue 15 item 3: when the spool cannot write, the gateway exits non-zero instead of listening deaf; every frame it
acknowledged is on disk, and a restarted gateway works (the failure is not sticky). The 'full disk' is a file-size
limit (RLIMIT_FSIZE) on the gateway process: writes past it fail with EFBIG exactly as a full disk fails them."""

import asyncio
import resource
import subprocess
import sys

from gw_helpers import read_answers, upload
from hj212_data import REPO_ROOT

from ecoenforce.monitoring.gateway import DeviceInfo, write_snapshot
from ecoenforce.monitoring.gateway.spool import ACCEPTED, list_segments, read_records
from ecoenforce.monitoring.lake import load, read_readings

LIMIT = 96 * 1024


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _start(tmp, *, limited: bool) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoenforce.monitoring.gateway.cli", "--host", "127.0.0.1", "--port", "0",
         "--spool", str(tmp / "spool"), "--devices", str(tmp / "devices.json"), "--rate", "100000",
         "--burst", "100000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
        preexec_fn=_limit_file_size if limited else None,
    )  # fmt: skip
    line = proc.stdout.readline()
    assert line.startswith("LISTENING"), proc.stderr.read()
    return proc, int(line.split()[2])


async def _send_until_hung_up(port: int, total: int) -> list[str]:
    """Send frames in batches of 20, collecting answers, until the gateway hangs up."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    acked: list[str] = []
    for batch in range(0, total, 20):
        try:
            writer.write(b"".join(upload(qn=f"2026010100{i:07d}", cp=f"DataTime=20260101{i // 60 % 24:02d}{i % 60:02d}00;"
                                         "w01018-Rtd=41.5,w01018-Flag=N") for i in range(batch, batch + 20)))  # fmt: skip
            await writer.drain()
        except ConnectionError:
            break
        answers = await read_answers(reader, 20, timeout=2.0)
        acked += [a.qn for a in answers]
        if len(answers) < 20:
            break
    writer.close()
    return acked


def test_a_full_disk_stops_the_gateway_with_a_non_zero_exit_and_loses_no_acknowledged_frame(tmp_path):
    write_snapshot(tmp_path / "devices.json", [DeviceInfo("DEV1", "123456")])
    gateway, port = _start(tmp_path, limited=True)
    try:
        acked = asyncio.run(_send_until_hung_up(port, 2000))
        code = gateway.wait(15)  # today's gateway kept listening here, deaf, and this timed out
        err = gateway.stderr.read()
    finally:
        if gateway.poll() is None:
            gateway.kill()
            gateway.wait(10)
    assert code == 3
    assert "cannot be written" in err and "File too large" in err
    assert 100 < len(acked) < 2000  # some frames were stored and answered before the disk 'filled'
    spooled = [r for s in list_segments(tmp_path / "spool") for r in read_records(s) if r.kind == ACCEPTED]
    qns = [r.raw.split(b"QN=")[1][:17].decode() for r in spooled]
    assert set(acked) <= set(qns)  # every acknowledgement is backed by a durable record

    restarted, port = _start(tmp_path, limited=False)  # the failure is not sticky
    try:
        again = asyncio.run(_send_until_hung_up(port, 40))
    finally:
        restarted.terminate()
        assert restarted.wait(15) == 0
    assert len(again) == 40
    load(tmp_path / "spool", tmp_path / "lake")  # the torn tail of the failed segment is skipped, not fatal
    times = {r["data_time"].strftime("%H%M") for r in read_readings(tmp_path / "lake", as_dicts=True)}
    assert {f"{int(q[10:]) // 60 % 24:02d}{int(q[10:]) % 60:02d}" for q in acked} <= times
