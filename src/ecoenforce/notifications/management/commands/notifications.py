"""`ecoenforce notifications sweep [--date YYYY-MM-DD]`: notify near and passed deadlines (idempotent)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.notifications.tasks import deadline_sweep


class Command(BaseCommand):
    help = "Notifications: 'sweep' notifies every person of deadlines due within 3 working days or passed."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep"])
        parser.add_argument("--date", help="the day to sweep as (default: today), YYYY-MM-DD")

    def handle(self, *args, action: str, date: str | None = None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from None
        totals = deadline_sweep(today=today)
        self.stdout.write(f"checked {totals['people']} people: {totals['near']} deadlines near, "
                          f"{totals['passed']} passed; {totals['created']} new notifications")
