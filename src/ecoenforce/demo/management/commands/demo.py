"""`ecoenforce demo`: seed the demo city once (idempotent: a second run changes nothing)."""

from django.core.management.base import BaseCommand

from ecoenforce.demo.seed import DEMO_PASSWORD, DemoSeeder, demo_logins


class Command(BaseCommand):
    help = "Seed the demo city 常州市 with a year of enforcement history (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 2,050 demo entities to create")

    def handle(self, *args, scale: float, **options):
        created = DemoSeeder(entity_scale=scale, log=self.stdout.write).run()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo city seeded."))
        else:
            self.stdout.write("Demo city already present: nothing changed.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, what in demo_logins():
            self.stdout.write(f"  {username:<11} {role} — {what}")
