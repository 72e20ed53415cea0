"""`ecoenforce audit verify`: walk the hash chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.core.audit import audit_verify


class Command(BaseCommand):
    help = "Whole-process record tools. `audit verify` checks the SHA-256 chain of every audit event."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        verdict = audit_verify()
        if verdict.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {verdict.checked} events, chain intact."))
            return
        raise CommandError(
            f"BROKEN at event #{verdict.broken_seq}: {verdict.problem} ({verdict.checked} events before it are intact)."
        )
