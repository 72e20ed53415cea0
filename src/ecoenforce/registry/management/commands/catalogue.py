"""`ecoenforce catalogue starter|export|import|publish|diff`: the enforcement-item catalogue from the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.models import Role, User
from ecoenforce.core.tables.uploads import path_read
from ecoenforce.registry.catalogue.excel import matters_xlsx
from ecoenforce.registry.catalogue.selectors import catalogue_previous, catalogue_version_diff, matter_row
from ecoenforce.registry.catalogue.services import (
    catalogue_import,
    catalogue_publish,
    catalogue_version_create,
    catalogue_version_get,
)
from ecoenforce.registry.catalogue.starter import catalogue_load_starter


class Command(BaseCommand):
    help = ("starter: load and publish the starter catalogue if none exists; export YEAR FILE: write a version as "
            ".xlsx; import YEAR FILE: create the YEAR draft if needed and replace its matters from FILE (all or "
            "nothing); publish YEAR; diff YEAR: changes against the previous published version.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["starter", "export", "import", "publish", "diff"])
        parser.add_argument("year", nargs="?", type=int)
        parser.add_argument("file", nargs="?")

    def handle(self, *args, action, year, file, **options):
        admin = User.objects.filter(role=Role.ADMINISTRATOR).first() or User.objects.filter(is_superuser=True).first()
        try:
            if action == "starter":
                version = catalogue_load_starter(actor=None)
                self.stdout.write("a catalogue already exists: nothing changed" if version is None
                                  else f"published {version.year}: {version.matters.count()} matters")
                return
            if year is None:
                raise CommandError("give the version year")
            if action == "import":
                if not file or admin is None:
                    raise CommandError("give the file; an administrator account must exist (it signs the audit)")
                try:
                    version = catalogue_version_get(year=year)
                except ApplicationError:
                    version = catalogue_version_create(actor=admin, year=year)
                report = catalogue_import(actor=admin, version=version, data=path_read(file),
                                          filename=Path(file).name)
                for p in report.problems:
                    self.stdout.write(f"row {p.row}\t{p.column}\t{p.problem}\t{p.action}")
                self.stdout.write(f"{report.rows} rows, {report.created} new, {report.updated} changed, "
                                  f"{report.unchanged} unchanged, {len(report.problems)} problems")
                if not report.ok:
                    raise SystemExit(1)
                return
            version = catalogue_version_get(year=year)
            if action == "export":
                if not file:
                    raise CommandError("give the output file")
                Path(file).write_bytes(matters_xlsx((matter_row(m) for m in version.matters.all()),
                                                    title=f"catalogue-{year}"))
                self.stdout.write(f"wrote {file}")
            elif action == "publish":
                catalogue_publish(actor=admin, version=version)
                self.stdout.write(f"published {year}")
            else:
                old = catalogue_previous(version)
                if old is None:
                    raise CommandError("no earlier published version")
                diff = catalogue_version_diff(old=old, new=version)
                for m in diff.added:
                    self.stdout.write(f"+ {m.code} {m.name}")
                for m in diff.removed:
                    self.stdout.write(f"- {m.code} {m.name}")
                for c in diff.changed:
                    for f in c.changes:
                        self.stdout.write(f"~ {c.code} {f.field}: {f.old} -> {f.new}")
                self.stdout.write(f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed, "
                                  f"{diff.unchanged} unchanged")
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
