"""`ecoenforce up`: migrate, seed the demo city on first run, print the logins and serve the web app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.first_admin import NoAdministrator, ensure_first_administrator
from ecoenforce.demo.seed import DEMO_PASSWORD, DemoSeeder, demo_logins


class Command(BaseCommand):
    help = "Run the whole product on this machine: migrate, seed the demo on first run, serve on HOST:PORT."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-demo", action="store_true", help="do not seed the demo city")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then exit")

    def handle(self, *args, host: str, port: int, workers: int, no_demo: bool, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
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
        if not no_demo:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role, what in demo_logins():
                self.stdout.write(f"  {username:<11} {role} — {what}")
        sys.stdout.flush()
        if no_serve:
            return
        self._start_task_worker()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        os.execv(gunicorn, [gunicorn, "ecoenforce.wsgi:application", "--bind", f"{host}:{port}",
                            "--workers", str(workers), "--threads", "4", "--access-logfile", "-"])

    def _start_task_worker(self) -> None:
        """The background worker for queued jobs (rule runs, chain checks); it ends when the server ends."""
        if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
            return  # an in-process backend runs jobs itself

        def die_with_parent() -> None:
            # gunicorn replaces this process (same pid): when it exits, the kernel stops the worker too.
            if sys.platform.startswith("linux"):
                import ctypes

                ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

        subprocess.Popen([sys.executable, "-m", "ecoenforce.cli", "db_worker", "--no-reload", "--interval", "1"],
                         preexec_fn=die_with_parent)  # noqa: PLW1509 - only sets the death signal
        self.stdout.write("Background worker started (rule runs, chain checks).")
