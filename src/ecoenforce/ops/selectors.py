"""`ecoenforce status`: what runs, since when, the spool backlog, the last rule run, the task queue."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.conf import settings

from ecoenforce.ops.runstate import pid_alive, read_state

STALE = 30.0  # a process whose state file is older than this (and which is not alive here) is shown as stale


def _age(iso_or_epoch) -> float | None:
    if iso_or_epoch is None:
        return None
    if isinstance(iso_or_epoch, (int, float)):
        return time.time() - float(iso_or_epoch)
    return time.time() - datetime.fromisoformat(str(iso_or_epoch)).timestamp()


def processes() -> dict:
    """The local process tree from the supervisor's state file (or the single processes' own files)."""
    run_dir = settings.VAR_DIR / "run"
    tree = read_state(run_dir / "supervisor.json")
    out = {"supervisor": None, "children": {}}
    if tree is not None and pid_alive(tree.get("pid")) and not tree.get("stopping"):
        out["supervisor"] = {"pid": tree["pid"], "host": tree.get("host"), "started_at": tree.get("started_at")}
        for name, child in tree.get("children", {}).items():
            running = bool(child.get("running")) and pid_alive(child.get("pid"))
            out["children"][name] = {**child, "running": running}
    for name in ("gateway", "scheduler"):  # run on their own (systemd) they still leave their state file
        state = read_state(run_dir / f"{name}.json")
        if state is None or name in out["children"]:
            continue
        alive = pid_alive(state.get("pid"))
        out["children"][name] = {"pid": state.get("pid"), "running": alive, "started_at": state.get("started_at"),
                                 "restarts": None, "last_exit": None, "standalone": True}  # fmt: skip
    return out


def gateway() -> dict | None:
    """The gateway's own status file: address, counters, age."""
    state = read_state(settings.VAR_DIR / "run" / "gateway.json")
    if state is None:
        return None
    return {**state, "age": _age(state.get("beat_at")), "alive": pid_alive(state.get("pid"))}


def backlog() -> dict:
    """Spool not yet in the lake."""
    from ecoenforce.monitoring.lake.loader import spool_backlog

    if not settings.SPOOL_DIR.is_dir():
        return {"segments": 0, "bytes": 0, "frames": 0, "last_load": None, "last_load_age": None}
    b = spool_backlog(settings.SPOOL_DIR, settings.LAKE_URL or settings.LAKE_DIR, settings.LOADER_ID or None)
    return {"segments": b.segments, "bytes": b.bytes, "frames": b.frames,
            "last_load": datetime.fromtimestamp(b.last_load, UTC).isoformat() if b.last_load else None,
            "last_load_age": _age(b.last_load)}  # fmt: skip


def _run(run) -> dict:
    return {"id": run.pk, "status": run.status, "window_from": run.window_from.isoformat(),
            "window_to": run.window_to.isoformat(), "created_at": run.created_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "warnings_created": run.warnings_created, "warnings_updated": run.warnings_updated,
            "error": run.error[:200]}  # fmt: skip


def last_rule_run() -> dict | None:
    """The newest rule run (any origin), the newest finished one and the newest scheduled slot."""
    from ecoenforce.ops.models import ScheduledSlot
    from ecoenforce.warnings.models import RuleRun

    run = RuleRun.objects.order_by("-created_at", "-id").first()
    finished = RuleRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()
    slot = ScheduledSlot.objects.order_by("-window_to", "-id").first()
    if run is None and slot is None:
        return None
    out = {}
    if run is not None:
        out["run"] = _run(run)
    if finished is not None:
        out["finished"] = _run(finished)
    if slot is not None:
        out["slot"] = {"kind": slot.kind, "window_from": slot.window_from.isoformat(),
                       "window_to": slot.window_to.isoformat(), "run_id": slot.run_id,
                       "claimed_by": slot.claimed_by}  # fmt: skip
    return out


def task_queue() -> dict | None:
    """Queued / running background tasks when they go through the database (None with the immediate backend)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except (ImportError, RuntimeError):
        return None
    counts = dict.fromkeys(("READY", "RUNNING", "FAILED"), 0)
    for status in counts:
        counts[status] = DBTaskResult.objects.filter(status=status).count()
    return counts


def status() -> dict:
    """Everything `ecoenforce status` shows."""
    return {"at": datetime.now(UTC).isoformat(), "processes": processes(), "gateway": gateway(),
            "backlog": backlog(), "rules": last_rule_run(), "tasks": task_queue()}  # fmt: skip
