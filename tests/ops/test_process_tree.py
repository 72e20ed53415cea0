"""Issue 16 item 1: `ecoenforce up` runs web, gateway, loader, task worker and scheduler as one supervised tree.

The end-to-end test starts a fresh tree on free ports with a short schedule, lets a simulated device send one
hourly frame above its limit, and waits for the warning to appear on the desk (the API the desk page uses) with
no command typed. Then it kills the gateway (the supervisor restarts it) and stops everything with one SIGINT.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecoenforce.monitoring.hj212 import FrameDecoder, RawFrame, build_segment, encode_frame, parse

HERE = Path(__file__).resolve().parent
MN, PASSWORD = "TREE0000000001", "246810"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TASKS_BACKEND")}
    return {**env, "ECOENFORCE_VAR_DIR": str(tmp / "var"), "DJANGO_SETTINGS_MODULE": "ecoenforce.settings",
            "PYTHONUNBUFFERED": "1", "ECOENFORCE_ADMIN_USERNAME": "tree-installer",
            "ECOENFORCE_ADMIN_PASSWORD": "Qv8#mZr4-Lp2wXc9"}  # fmt: skip


def _cli(tmp: Path, *args: str, timeout: float = 300) -> str:
    out = subprocess.run([sys.executable, "-m", "ecoenforce.cli", *args], env=_env(tmp), capture_output=True,
                         text=True, timeout=timeout)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


def _send_hour_frame(port: int, value: float, hour: datetime) -> list:
    """A device's 2061 hourly upload (Flag=5: answer requested); returns the answers."""
    cp = f"DataTime={hour:%Y%m%d%H%M%S};a34013-Avg={value},a34013-Flag=N;a00000-Avg=42.5,a00000-Flag=N"
    frame = encode_frame(build_segment(qn=f"{hour:%Y%m%d%H%M%S}123", st="31", cn="2061", pw=PASSWORD, mn=MN,
                                       flag=5, cp=cp))  # fmt: skip
    end = time.monotonic() + 30
    while True:  # a restarted gateway is "running" a moment before it listens: connect as a device would, again
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            break
        except ConnectionRefusedError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)
    with s:
        s.sendall(frame)
        decoder, answers, end = FrameDecoder(), [], time.monotonic() + 10
        while not answers and time.monotonic() < end:
            answers += [parse(i.raw) for i in decoder.feed(s.recv(4096)) if isinstance(i, RawFrame)]
    return answers


def _wait(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _status(tmp: Path) -> dict:
    return json.loads(_cli(tmp, "status", "--json", timeout=60))


def _api(port: int, token: str, path: str):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_a_device_over_its_limit_becomes_a_warning_on_the_desk_with_no_command_typed(tmp_path):
    _cli(tmp_path, "up", "--no-demo", "--no-serve")  # migrate the fresh database
    setup = subprocess.run([sys.executable, str(HERE / "tree_setup.py"), MN, PASSWORD], env=_env(tmp_path),
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    facts = dict(line.split(" ", 1) for line in setup.stdout.splitlines() if line.startswith(("LIMIT", "TOKEN")))
    limit, token = float(facts["LIMIT"]), facts["TOKEN"]
    web, gateway = _free_port(), _free_port()
    tree = subprocess.Popen(
        [sys.executable, "-m", "ecoenforce.cli", "up", "--no-demo", "--port", str(web), "--workers", "1",
         "--gateway-host", "127.0.0.1", "--gateway-port", str(gateway), "--load-every", "1",
         "--schedule-every", "5", "--schedule-window", "7200", "--schedule-delay", "0", "--daily-at", "off"],
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        status = _wait(lambda: (s := _status(tmp_path))["processes"]["supervisor"] and all(
            c["running"] for c in s["processes"]["children"].values()) and s, 120, "all five processes")  # fmt: skip
        assert sorted(status["processes"]["children"]) == ["gateway", "loader", "scheduler", "web", "worker"]
        _wait(lambda: _status(tmp_path)["gateway"], 60, "the gateway's status")
        hour = (datetime.now(UTC) + timedelta(hours=8)).replace(minute=0, second=0, microsecond=0, tzinfo=None)
        hour -= timedelta(hours=1)  # the hour just closed, Beijing time as devices send it
        answers = _send_hour_frame(gateway, limit * 5, hour)
        assert [(a.cn, a.mn) for a in answers] == [("9014", MN)]
        desk = _wait(lambda: [w for w in _api(web, token, "/api/v1/warnings/")["items"] if w["mn"] == MN], 180,
                     "the warning on the desk")  # fmt: skip
        assert [(w["rule"], w["pollutant"], w["value"], w["threshold"]) for w in desk] == [
            ("exceedance", "a34013", limit * 5, limit)]
        status = _status(tmp_path)
        assert status["rules"]["finished"]["status"] == "done" and status["rules"]["slot"]["kind"] == "hourly"
        assert status["backlog"]["frames"] == 0 and status["tasks"]["FAILED"] == 0
        assert status["gateway"]["stats"]["acked"] == 1
        # a process that dies is restarted by the supervisor
        gw_pid = status["processes"]["children"]["gateway"]["pid"]
        os.kill(gw_pid, signal.SIGKILL)
        restarted = _wait(lambda: (c := _status(tmp_path)["processes"]["children"]["gateway"])["running"]
                          and c["pid"] != gw_pid and c, 60, "the gateway's restart")  # fmt: skip
        assert (restarted["restarts"], restarted["last_exit"]) == (1, -9)
        assert [(a.cn, a.mn) for a in _send_hour_frame(gateway, limit / 2, hour - timedelta(hours=1))] == [("9014", MN)]
        pids = [c["pid"] for c in _status(tmp_path)["processes"]["children"].values()]
        tree.send_signal(signal.SIGINT)  # one Ctrl-C stops everything
        out, _ = tree.communicate(timeout=60)
    finally:
        if tree.poll() is None:
            tree.kill()
            tree.communicate(timeout=30)
    assert tree.returncode == 0, out
    assert not any(_alive(pid) for pid in pids), out
    text = _cli(tmp_path, "status")
    assert "No process tree runs on this machine" in text or "没有" in text


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
