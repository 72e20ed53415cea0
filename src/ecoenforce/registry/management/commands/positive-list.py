"""`ecoenforce positive-list expire [--as-of DATE]`: end the listings whose 3 years are over (run daily)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from ecoenforce.registry.positive.services import positive_list_expire


class Command(BaseCommand):
    help = "Expire positive-list listings past their validity (audited); prints how many."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["expire"])
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, action, as_of, **options):
        count = positive_list_expire(as_of=as_of or timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"expired: {count}"))
