"""`ecoenforce import-pools entities|inspectors FILE [--dry-run] [--user NAME]`: the pools from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.core.models import User
from ecoenforce.core.tables.uploads import path_read
from ecoenforce.registry.pools.services import pool_file_import


class Command(BaseCommand):
    help = ("Import regulated entities or inspectors from .xlsx/.csv (columns: see the template on the import page). "
            "Every row is checked; with any problem nothing is imported and the problems are listed. Exit code 1 "
            "when the file has problems.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["entities", "inspectors"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
        parser.add_argument("--user", help="import as this user (their jurisdiction and name in the audit record)")

    def handle(self, *args, kind, file, dry_run, user, **options):
        path = Path(file)
        data = path_read(path)  # refused past the size cap, before reading
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user named {user}")
        report = pool_file_import(kind=kind, actor=actor, data=data, filename=path.name, dry_run=dry_run)
        for p in report.problems:
            self.stdout.write(f"row {p.row}\t{p.column}\t{p.problem}\t{p.action}")
        for p in report.notices:
            self.stdout.write(f"note row {p.row}\t{p.column}\t{p.problem}\t{p.action}")
        summary = (f"{kind}: {report.rows} rows, {report.created} created, {report.updated} updated, "
                   f"{report.unchanged} unchanged, {len(report.problems)} problems")
        if not report.ok:
            self.stdout.write(self.style.ERROR(summary + " — nothing imported"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(summary + (" (dry run, nothing written)" if dry_run else "")))
