"""The supervisor restarts a child that dies (with back-off), relays output, and stops every child on SIGINT."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from ecoenforce.ops.supervisor import Role, Supervisor
tmp = Path(sys.argv[1])
py = sys.executable
roles = [
    Role("sleeper", [py, "-c", "import time; print('up', flush=True); time.sleep(600)"]),
    Role("crasher", [py, "-c", "import sys; print('dying', flush=True); sys.exit(7)"]),
]
sys.exit(Supervisor(roles, state_path=tmp / "state.json").run())
"""


def test_a_dying_child_is_restarted_and_one_sigint_stops_all(tmp_path):
    tree = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        end = time.monotonic() + 30
        state = {}
        while time.monotonic() < end:
            if (tmp_path / "state.json").exists():
                state = json.loads((tmp_path / "state.json").read_text())
                if state["children"]["crasher"]["restarts"] >= 2:
                    break
            time.sleep(0.1)
        sleeper = state["children"]["sleeper"]
        assert sleeper["running"] and sleeper["restarts"] == 0
        assert state["children"]["crasher"]["last_exit"] == 7
        tree.send_signal(signal.SIGINT)
        out, _ = tree.communicate(timeout=30)
    finally:
        if tree.poll() is None:
            tree.kill()
    assert tree.returncode == 0
    lines = out.splitlines()
    assert any(line.endswith("sleeper   | up") for line in lines)
    assert any("crasher   | exited with status 7; restarting in 1 s" in line for line in lines)
    assert any("crasher   | exited with status 7; restarting in 2 s" in line for line in lines)  # back-off
    assert any("sleeper   | stopped (status -15)" in line for line in lines)
    try:
        os.kill(sleeper["pid"], 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
    final = json.loads(Path(tmp_path / "state.json").read_text())
    assert final["stopping"] and not any(c["running"] for c in final["children"].values())
