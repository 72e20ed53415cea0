"""`ecoenforce status [--json]`: what runs and since when, the spool backlog, the last rule run, the task queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.ops.models import ScheduledSlot
from ecoenforce.ops.selectors import status
from ecoenforce.warnings.models import RuleRun


def _when(iso: str | None) -> str:
    if not iso:
        return "—"
    return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S")


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"


class Command(BaseCommand):
    help = "Show what runs (since when, restarts), the spool backlog, the last rule run and the task queue."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **options):
        data = status()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        w = self.stdout.write
        procs = data["processes"]
        sup = procs["supervisor"]
        if sup:
            w(_("Process tree (supervisor pid %(pid)s on %(host)s, since %(since)s):")
              % {"pid": sup["pid"], "host": sup["host"], "since": _when(sup["started_at"])})  # fmt: skip
        else:
            w(_("No process tree runs on this machine (start one with `make up` or `ecoenforce up`)."))
        for name, child in procs["children"].items():
            if child["running"]:
                line = _("  %(name)-9s running   pid %(pid)s, since %(since)s") % {
                    "name": name, "pid": child["pid"], "since": _when(child.get("started_at"))}  # fmt: skip
            else:
                line = _("  %(name)-9s NOT RUNNING") % {"name": name}
            if child.get("restarts"):
                line += _("; restarted %(n)s time(s), last exit status %(code)s at %(at)s") % {
                    "n": child["restarts"], "code": child.get("last_exit"), "at": _when(child.get("last_exit_at"))}  # fmt: skip
            w(line)
        gw = data["gateway"]
        if gw and gw["alive"]:
            stats = gw.get("stats", {})
            w(_("Gateway: %(host)s:%(port)s, %(conns)s connection(s), %(acked)s frame(s) answered since %(since)s")
              % {"host": gw.get("host"), "port": gw.get("port"), "conns": gw.get("connections"),
                 "acked": stats.get("acked", 0),
                 "since": _when(datetime.fromtimestamp(gw["started_at"], UTC).isoformat()
                                if gw.get("started_at") else None)})  # fmt: skip
        b = data["backlog"]
        w(_("Spool backlog: %(frames)s frame(s) (%(size)s in %(segments)s segment(s)) not yet in the lake; "
            "last load %(last)s") % {"frames": b["frames"], "size": _mib(b["bytes"]), "segments": b["segments"],
                                     "last": _when(b["last_load"])})  # fmt: skip
        rules = data["rules"]
        for key, label in (("finished", _("Last finished rule run")), ("run", _("Newest rule run"))):
            if not rules or key not in rules or (key == "run" and rules.get("finished", {}).get("id") == rules[key]["id"]):
                continue
            r = rules[key]
            w(_("%(label)s: #%(id)s %(status)s, %(start)s – %(end)s, finished %(finished)s, %(created)s new "
                "warning(s)") % {"label": label, "id": r["id"], "status": RuleRun.Status(r["status"]).label, "start": _when(r["window_from"]),
                                 "end": _when(r["window_to"]), "finished": _when(r["finished_at"]),
                                 "created": r["warnings_created"]})  # fmt: skip
            if r["error"]:
                w(_("  error: %(error)s") % {"error": r["error"]})
        if not rules or "run" not in rules:
            w(_("No rule run yet."))
        if rules and "slot" in rules:
            s = rules["slot"]
            w(_("Last scheduled run: %(kind)s %(start)s – %(end)s (by %(who)s)")
              % {"kind": ScheduledSlot.Kind(s["kind"]).label, "start": _when(s["window_from"]), "end": _when(s["window_to"]),
                 "who": s["claimed_by"]})  # fmt: skip
        tasks = data["tasks"]
        if tasks is not None:
            w(_("Task queue: %(ready)s waiting, %(running)s running, %(failed)s failed")
              % {"ready": tasks["READY"], "running": tasks["RUNNING"], "failed": tasks["FAILED"]})  # fmt: skip
