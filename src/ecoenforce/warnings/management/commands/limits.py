"""`ecoenforce limits load`: seed the national emission standards and limits (idempotent)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the seeded emission standards and limits (existing, possibly edited, rows are kept)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])

    def handle(self, *args, **opts):
        from ecoenforce.warnings.services import limits_seed_load

        created, kept = limits_seed_load(actor=None)
        self.stdout.write(f"limits: {created} created, {kept} already present")
