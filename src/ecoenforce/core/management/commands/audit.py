"""`ecoenforce audit verify [--checkpoint FILE]` and `ecoenforce audit checkpoint [--out FILE]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.core.audit import audit_checkpoint, audit_verify, audit_verify_checkpoint


class Command(BaseCommand):
    help = (
        "Whole-process record tools. `audit verify` checks the SHA-256 chain of every audit event; with "
        "`--checkpoint FILE` it also proves the chain still holds a checkpoint taken earlier, so a chain rewritten "
        "end to end is caught. `audit checkpoint` prints the chain's head with the time (and writes it to --out) "
        "for the bureau to publish or send elsewhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--checkpoint", metavar="FILE", help="verify: a file written by `audit checkpoint`")
        parser.add_argument("--out", metavar="FILE", help="checkpoint: also write the checkpoint to this file")

    def handle(self, *args, action: str, checkpoint: str | None = None, out: str | None = None, **options):
        if action == "checkpoint":
            doc = audit_checkpoint()
            text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
            if out:
                try:
                    Path(out).write_text(text + "\n", encoding="utf-8")
                except OSError as exc:
                    raise CommandError(f"Cannot write the checkpoint to {out}: {exc.strerror}.", returncode=2) from None
            self.stdout.write(text)
            return
        if checkpoint:
            try:
                doc = json.loads(Path(checkpoint).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoint file {checkpoint}: {exc}.", returncode=2) from None
            verdict = audit_verify_checkpoint(doc if isinstance(doc, dict) else {})
        else:
            verdict = audit_verify()
        if verdict.ok:
            extra = f", and it extends the checkpoint at event #{doc['seq']}" if checkpoint else ""
            self.stdout.write(self.style.SUCCESS(f"OK: {verdict.checked} events, chain intact{extra}."))
            return
        if verdict.code.startswith("checkpoint"):
            raise CommandError(f"BROKEN against the checkpoint: {verdict.problem}.")
        raise CommandError(
            f"BROKEN at event #{verdict.broken_seq}: {verdict.problem} ({verdict.checked} events before it are intact)."
        )
