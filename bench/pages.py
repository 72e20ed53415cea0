"""Page timings on the demo city: median and p90 server time of the main staff pages and the public portal.

    .venv/bin/python bench/pages.py            # needs the demo seeded (make up, or: ecoenforce demo)

The baseline, measured in the same run, is the sign-in page (template rendering, no queries): the
ratio says what each page's own work costs, whatever the machine is doing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from ecoenforce.cases.models import Case  # noqa: E402
from ecoenforce.leads.models import Lead  # noqa: E402
from ecoenforce.planning.models import DrawRound, InspectionPlan  # noqa: E402

RUNS = 15


def timed(client: Client, url: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main() -> int:
    setup_test_environment()
    if not Case.objects.exists():
        print("no demo data: run `ecoenforce demo` first", file=sys.stderr)
        return 1
    staff = Client()
    assert staff.login(username="cityleader", password="Demo@2026"), "demo login failed"
    case = Case.objects.filter(decision_number__gt="").first()
    lead = Lead.objects.first()
    anonymous = Client()
    inspector = Client()
    assert inspector.login(username="inspector", password="Demo@2026"), "demo login failed"
    plan = InspectionPlan.objects.first()
    published = DrawRound.objects.filter(status=DrawRound.Status.PUBLISHED).first()
    drawn = DrawRound.objects.filter(status=DrawRound.Status.DRAWN).first()
    base_median, base_p90 = timed(anonymous, "/accounts/login/")
    pages = [
        ("dashboard", staff, "/"),
        ("entity list (2,050 entities, page 1)", staff, "/registry/entities/"),
        ("entity list filtered", staff, "/registry/entities/?permit_class=key&region=320412"),
        ("lead inbox", staff, "/leads/"),
        ("lead detail", staff, f"/leads/{lead.pk}/"),
        ("case list", staff, "/cases/"),
        ("case list, overdue only", staff, "/cases/?overdue=yes"),
        ("case file with timeline", staff, f"/cases/{case.pk}/"),
        ("API: cases, 100 rows", staff, "/api/v1/cases/?limit=100"),
        ("public portal", anonymous, "/public/"),
        ("inspection plan (checks, progress)", staff, f"/planning/plans/{plan.pk}/"),
        ("double-random rounds", staff, "/planning/rounds/"),
        (f"drawn round ({drawn.tasks.count()} targets)", staff, f"/planning/rounds/{drawn.pk}/"),
        ("my tasks (inspector)", inspector, "/planning/tasks/"),
        (f"public round ({published.tasks.count()} results)", anonymous, f"/public/rounds/{published.pk}/"),
        ("public round file (JSON)", anonymous, f"/public/rounds/{published.pk}/round.json"),
        ("entity export (Excel, 2,050 rows)", staff, "/registry/entities/?export=xlsx"),
    ]
    print(f"{'page':<40} {'median ms':>10} {'p90 ms':>8} {'× baseline':>11}")
    print(f"{'baseline: sign-in page':<40} {base_median:>10.1f} {base_p90:>8.1f} {1:>11.1f}")
    for name, client, url in pages:
        median, p90 = timed(client, url)
        print(f"{name:<40} {median:>10.1f} {p90:>8.1f} {median / base_median:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
