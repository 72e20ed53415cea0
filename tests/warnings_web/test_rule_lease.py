"""The rule lease: one rule run executes at a time; a holder that died (on this machine at once, elsewhere when its
lease runs out) leaves the run to be claimed again, and the scheduler's recovery re-queues it."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone

from ecoenforce.warnings.models import RuleRun
from ecoenforce.warnings.runs import rule_run_claim, rule_run_create, rule_run_execute, rule_runs_recover

pytestmark = pytest.mark.django_db
HOST = socket.gethostname()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _run(**lease) -> RuleRun:
    now = timezone.now()
    run = rule_run_create(
        actor=None, window_from=now - dt.timedelta(hours=3), window_to=now - dt.timedelta(hours=2)
    )
    if lease:
        RuleRun.objects.filter(pk=run.pk).update(status=RuleRun.Status.RUNNING, **lease)
    return run


def test_a_live_holder_keeps_the_lease_and_a_dead_one_loses_it_at_once(lake):
    soon = timezone.now() + dt.timedelta(minutes=30)
    held = _run(lease_holder=f"{HOST}:{os.getppid()}", lease_until=soon)  # a live process of this machine
    other = _run()
    assert rule_run_claim(run_id=other.pk) == "busy"  # one run at a time: the next waits
    assert rule_run_claim(run_id=held.pk) == "busy"
    RuleRun.objects.filter(pk=held.pk).update(lease_holder=f"{HOST}:{_dead_pid()}")  # SIGKILLed half-way
    assert rule_run_claim(run_id=other.pk) == "claimed"
    other.refresh_from_db()
    assert (other.status, other.attempts, other.lease_holder) == ("running", 1, f"{HOST}:{os.getpid()}")


def test_a_holder_on_another_machine_is_trusted_until_its_lease_runs_out(lake):
    far = _run(lease_holder="gpu-box-7:4242", lease_until=timezone.now() + dt.timedelta(minutes=5))
    assert rule_run_claim(run_id=far.pk) == "busy"
    RuleRun.objects.filter(pk=far.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert rule_run_claim(run_id=far.pk) == "claimed"


def test_a_waiting_run_gives_up_unexecuted_and_a_done_run_is_not_executed_again(lake):
    _run(lease_holder="gpu-box-7:4242", lease_until=timezone.now() + dt.timedelta(minutes=5))
    waiting = _run()
    assert rule_run_execute(run_id=waiting.pk, wait=0.2).status == "queued"
    RuleRun.objects.filter(status="running").update(lease_until=timezone.now())
    done = rule_run_execute(run_id=waiting.pk)
    assert (done.status, done.attempts) == ("done", 1)
    assert (rule_run_execute(run_id=waiting.pk).attempts, rule_run_claim(run_id=waiting.pk)) == (1, "done")


def test_the_recovery_requeues_a_run_whose_worker_died_and_leaves_a_live_one(lake):
    alive = _run(lease_holder="gpu-box-7:4242", lease_until=timezone.now() + dt.timedelta(minutes=30))
    assert rule_runs_recover() == []
    RuleRun.objects.filter(pk=alive.pk).update(lease_holder=f"{HOST}:{_dead_pid()}")
    assert rule_runs_recover() == [alive.pk]  # tests run tasks at once: re-queued and executed
    alive.refresh_from_db()
    assert (alive.status, alive.attempts) == ("done", 1)
