"""`ecoenforce sync_cleanup`: expire unfinished uploads past their time (their partial data removed), remove partial
files no open upload owns, and forget stored idempotent answers older than 30 days."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ecoenforce.sync.idempotency import idempotent_requests_cleanup
from ecoenforce.sync.services import uploads_cleanup


class Command(BaseCommand):
    help = "Expire unfinished uploads and forget old idempotent answers."

    def handle(self, *args, **options):
        counts = uploads_cleanup()
        forgotten = idempotent_requests_cleanup()
        self.stdout.write(_("Uploads expired: %(expired)d; partial files removed: %(orphans)d; stored answers "
                            "forgotten: %(forgotten)d.") % {**counts, "forgotten": forgotten})
