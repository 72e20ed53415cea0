"""`ecoenforce up`: migrate, seed the demo city on first run, print the logins, then run the whole product as one
supervised process tree — web, HJ 212 gateway, lake loader, task worker and rule scheduler — until Ctrl-C."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.first_admin import NoAdministrator, ensure_first_administrator
from ecoenforce.demo.seed import DEMO_PASSWORD, DemoSeeder, demo_logins
from ecoenforce.serving import collect_static, gunicorn_argv

ROLES = ("web", "gateway", "loader", "worker", "scheduler")
DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


def process_roles(*, host: str, port: int, workers: int, gateway_host: str, gateway_port: int, load_every: float,
                  schedule: list[str], only: list[str]) -> list:  # fmt: skip
    """The processes of the tree (see docs/deploy.md for running each on its own machine)."""
    from ecoenforce.ops.supervisor import Role

    python = sys.executable
    cli = [python, "-m", "ecoenforce.cli"]
    # every process queues and runs background work through the database, never inside a web request
    env = {"TASKS_BACKEND": os.environ.get("TASKS_BACKEND", DATABASE_TASKS), "PYTHONUNBUFFERED": "1"}
    roles = {
        "web": Role("web", gunicorn_argv(host=host, port=port, workers=workers), env),  # ecoenforce/serving.py
        "gateway": Role("gateway", [*cli, "gateway", "--host", gateway_host, "--port", str(gateway_port)], env),
        "loader": Role("loader", [*cli, "lake", "load", "--watch", f"{load_every:g}", "--quiet"], env),
        "worker": Role("worker", [*cli, "db_worker", "--no-reload", "--interval", "1"], env),
        "scheduler": Role("scheduler", [*cli, "schedule", *schedule], env),
    }
    return [roles[name] for name in ROLES if name in only]


class Command(BaseCommand):
    help = ("Run the whole product on this machine: migrate, seed the demo on first run, then web, gateway, lake "
            "loader, task worker and rule scheduler, each restarted if it dies; Ctrl-C stops them all.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--gateway-host", default=os.environ.get("ECOENFORCE_GATEWAY_HOST", "0.0.0.0"),
                            help="address the HJ 212 gateway listens on (devices connect here)")  # fmt: skip
        parser.add_argument("--gateway-port", type=int, default=int(os.environ.get("ECOENFORCE_GATEWAY_PORT", 9212)))
        parser.add_argument("--load-every", type=float, default=2.0, help="seconds between lake loads")
        parser.add_argument("--schedule-every", type=float, default=3600.0, help="seconds between rule runs")
        parser.add_argument("--schedule-window", type=float, default=None, help="seconds each rule run covers")
        parser.add_argument("--schedule-delay", type=float, default=300.0,
                            help="seconds after a period closes before its rules run")  # fmt: skip
        parser.add_argument("--daily-at", default="00:30", help="Beijing time of the daily full-day run, or 'off'")
        parser.add_argument("--only", default=",".join(ROLES), help=f"processes to run, of {', '.join(ROLES)}")
        parser.add_argument("--no-demo", action="store_true", help="do not seed the demo city")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then exit")

    def handle(self, *args, host: str, port: int, workers: int, no_demo: bool, no_serve: bool, **options):
        only = [r.strip() for r in options["only"].split(",") if r.strip()]
        unknown = sorted(set(only) - set(ROLES))
        if unknown:
            raise CommandError(f"unknown process(es): {', '.join(unknown)}; choose from {', '.join(ROLES)}")
        call_command("migrate", interactive=False, verbosity=0)
        if collect_static():
            self.stdout.write("Static files collected (hashed, gzip and brotli).")
        self.stdout.write(f"Database ready: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        if not no_demo:
            if DemoSeeder(log=self.stdout.write).run():
                self.stdout.write(self.style.SUCCESS("Demo city 常州市 seeded."))
        else:
            # A real installation: no demo superuser; the installer chooses the first administrator.
            try:
                created = ensure_first_administrator(environ=os.environ, interactive=sys.stdin.isatty(),
                                                     write=self.stdout.write)
            except (NoAdministrator, ValidationFailed) as exc:
                raise CommandError(str(getattr(exc, "message", exc)), returncode=2) from None
            if created is not None:
                self.stdout.write(self.style.SUCCESS(f"Administrator {created.username} created."))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"ecoenforce is starting on http://{host}:{port}/"))
        self.stdout.write(f"  public portal: http://{host}:{port}/public/   API: http://{host}:{port}/api/v1/docs")
        self.stdout.write(f"  HJ 212 gateway: {options['gateway_host']}:{options['gateway_port']}   "
                          f"processes: {', '.join(only)}   status: ecoenforce status")  # fmt: skip
        if not no_demo:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role, what in demo_logins():
                self.stdout.write(f"  {username:<11} {role} — {what}")
        sys.stdout.flush()
        if no_serve:
            return
        from ecoenforce.ops.supervisor import Supervisor

        schedule = ["--every", f"{options['schedule_every']:g}", "--delay", f"{options['schedule_delay']:g}",
                    "--daily-at", options["daily_at"]]  # fmt: skip
        if options["schedule_window"]:
            schedule += ["--window", f"{options['schedule_window']:g}"]
        roles = process_roles(host=host, port=port, workers=workers, gateway_host=options["gateway_host"],
                              gateway_port=options["gateway_port"], load_every=options["load_every"],
                              schedule=schedule, only=only)  # fmt: skip
        self.stdout.write("Ctrl-C stops every process.")
        sys.stdout.flush()
        Supervisor(roles, state_path=settings.VAR_DIR / "run" / "supervisor.json").run()
