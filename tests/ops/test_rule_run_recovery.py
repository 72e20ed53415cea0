"""Issue 16, bad input: a rule run killed half-way (SIGKILL at random points) and run again leaves exactly the
warnings of an uninterrupted run, nothing doubled or lost; two executions of the same hour never run at once.

Each case runs the product's own entry points in subprocesses against a database of its own (a SQLite file
migrated once and copied per case), as the task worker does after a crash and the scheduler's recovery."""

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "rule_runs_script.py"
HOURS, STEP = 36, 3  # twelve 3-hour runs over a day and a half of a labelled scenario

# The cases run in subprocesses on SQLite files of their own whatever DATABASE_URL says: once per CI run is enough.
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif("postgres" in os.environ.get("DATABASE_URL", ""),
                                 reason="runs on its own SQLite files; the SQLite pass covers it")]  # fmt: skip


def _env(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TASKS_BACKEND")}
    src = str(HERE.parents[1] / "src")  # this checkout's code, whatever the interpreter has installed
    path = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    return {**env, "ECOENFORCE_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "ecoenforce.settings",
            "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}  # fmt: skip


def _script(var: Path, *args: str, timeout: float = 600) -> str:
    out = subprocess.run([sys.executable, str(SCRIPT), *args], env=_env(var), capture_output=True, text=True,
                         timeout=timeout)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A migrated database with the scenario's devices registered, the lake, and the window start."""
    base = tmp_path_factory.mktemp("recovery")
    var, lake = base / "var", base / "lake"
    out = subprocess.run([sys.executable, "-m", "ecoenforce.cli", "migrate", "-v0"], env=_env(var),
                         capture_output=True, text=True, timeout=900)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    now = dt.datetime.now(dt.UTC)
    start = (now - dt.timedelta(days=4)).replace(minute=0, second=0, microsecond=0)
    assert "DEVICES 10" in _script(var, "setup", str(lake), start.isoformat(), str(HOURS))
    return var, lake, start


def _fresh(world, name: str) -> Path:
    """A copy of the prepared database for one case."""
    var, _lake, _start = world
    target = var.parent / name
    shutil.copytree(var, target)
    return target


def _dump(var: Path) -> dict:
    return json.loads(_script(var, "dump"))


def test_a_run_killed_at_random_points_then_resumed_leaves_the_warnings_of_an_uninterrupted_run(world):
    _var, lake, start = world
    ref = _fresh(world, "reference")
    began = time.monotonic()
    _script(ref, "runs", str(lake), start.isoformat(), str(HOURS), str(STEP))
    took = time.monotonic() - began
    expected = _dump(ref)
    assert len(expected["warnings"]) >= 4
    assert len({w[0] for w in expected["warnings"]}) == len(expected["warnings"])
    assert all(status == "done" for _w, status, _a in expected["runs"])
    rng = random.Random(16)
    for case in range(4):
        var = _fresh(world, f"killed-{case}")
        kills = 0
        for _attempt in range(3):  # killed up to three times in a row, each at a random moment
            proc = subprocess.Popen([sys.executable, str(SCRIPT), "runs", str(lake), start.isoformat(), str(HOURS),
                                     str(STEP)], env=_env(var), stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
            time.sleep(rng.uniform(0.3, took * 0.9))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.communicate(timeout=60)
        _script(var, "runs", str(lake), start.isoformat(), str(HOURS), str(STEP))  # the worker again
        got = _dump(var)
        assert got["warnings"] == expected["warnings"], f"case {case} ({kills} kills)"
        assert [(w, s) for w, s, _a in got["runs"]] == [(w, s) for w, s, _a in expected["runs"]]


def test_two_workers_executing_the_same_hour_take_turns_and_the_second_finds_it_done(world):
    _var, lake, start = world
    var = _fresh(world, "twice")
    # the first run of the day and a half, queued (what a scheduler's slot records), executed by two workers at once
    code = (f"import django; django.setup(); import datetime as dt; from ecoenforce.warnings.runs import rule_run_create;"
            f"s = dt.datetime.fromisoformat('{start.isoformat()}');"
            f"print(rule_run_create(actor=None, window_from=s, window_to=s + dt.timedelta(hours={STEP})).pk)")  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(var), capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    run_id = out.stdout.strip().splitlines()[-1]
    procs = [subprocess.Popen([sys.executable, str(SCRIPT), "one", run_id, str(lake)], env=_env(var),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    assert sorted(o[0].strip() for o in outs) == ["STATUS done", "STATUS done"]
    runs = _dump(var)["runs"]
    assert [(status, attempts) for _w, status, attempts in runs] == [("done", 1)]  # executed once, not twice
