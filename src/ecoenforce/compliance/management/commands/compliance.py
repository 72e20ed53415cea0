"""`ecoenforce compliance remind [--date YYYY-MM-DD]`: send the compliance calendar's reminders (idempotent)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.compliance.tasks import reminders_send


class Command(BaseCommand):
    help = "Compliance: 'remind' tells firm users of obligations 30, 7 and 1 days ahead and when passed."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--date", help="the day to remind as (default: today), YYYY-MM-DD")

    def handle(self, *args, action: str, date: str | None = None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from None
        totals = reminders_send(today=today)
        self.stdout.write(f"checked {totals['people']} firm users; {totals['sent']} new reminders")
