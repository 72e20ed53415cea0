"""Run in a subprocess against a test's own database (argv: setup LAKE START HOURS | runs LAKE START HOURS STEP |
one RUN_ID LAKE | dump).

setup: writes a labelled scenario into LAKE around the HOURS after START and
registers its devices in the monitoring registry. runs: executes the rule runs of consecutive STEP-hour windows as
the task worker would — a window already done is skipped, one left half-done is executed again (what the
scheduler's recovery re-queues). one: executes one recorded run. dump: prints every warning as JSON."""

import datetime as dt
import json
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ (factories)
django.setup()

from ecoenforce.warnings.models import RuleRun, Warning  # noqa: E402
from ecoenforce.warnings.runs import rule_run_create, rule_run_execute  # noqa: E402

command = sys.argv[1]
if command == "setup":
    from ecoenforce.core.models import Organization, Region, Role, User
    from ecoenforce.monitoring import services as monitoring
    from ecoenforce.monitoring.lake import wide
    from ecoenforce.monitoring.scenario import generate, write_lake
    from factories import make_entity

    lake, start, hours = Path(sys.argv[2]), dt.datetime.fromisoformat(sys.argv[3]), int(sys.argv[4])
    days = (hours + 48) // 24 + 1  # a day either side of the windows: the behaviours fall inside them
    sc = generate(n_points=10, days=days, seed=17, start=start - dt.timedelta(days=1), inject_share=1.0,
                  lookalike_share=0.3)  # fmt: skip
    write_lake(sc, lake)
    wide.backfill(lake)
    city = Region.objects.get(code="320400")
    org = Organization.objects.create(name="常州市生态环境局", short_name="常", kind=Organization.Kind.CITY_BUREAU,
                                     region=city)  # fmt: skip
    admin = User.objects.create(username="recovery-admin", role=Role.ADMINISTRATOR, organization=org,
                                is_superuser=True, is_staff=True, full_name="管理员")  # fmt: skip
    entity = make_entity(region=Region.objects.get(code="320412"), actor=admin)
    pollutants: dict[str, set] = {}
    for mns, factors in zip(sc.columns["hour"]["mn"], sc.columns["hour"]["pollutant"], strict=True):  # chunks
        pollutants.setdefault(str(mns[0]), set()).update(str(p) for p in set(factors))
    for i, (mn, factors) in enumerate(sorted(pollutants.items())):
        kind = "water" if any(p.startswith("w") for p in factors) else "gas"
        monitoring.device_save(actor=admin, data=monitoring.DeviceInput(
            entity_id=entity.pk, outlet_code=f"DA{i:03d}", outlet_name=f"排口{i}", outlet_kind=kind, mn=mn,
            password="123456", pollutants=sorted(factors)))  # fmt: skip
    print(f"DEVICES {len(pollutants)}")
elif command == "runs":
    lake, start = sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
    hours, step = int(sys.argv[4]), int(sys.argv[5])
    for i in range(0, hours, step):
        a, b = start + dt.timedelta(hours=i), start + dt.timedelta(hours=i + step)
        run = RuleRun.objects.filter(window_from=a, window_to=b).first()
        if run is None:
            run = rule_run_create(actor=None, window_from=a, window_to=b)
        rule_run_execute(run_id=run.pk, lake_dir=lake)
        print(f"WINDOW {i}", flush=True)
elif command == "one":
    run = rule_run_execute(run_id=int(sys.argv[2]), lake_dir=sys.argv[3])
    print(f"STATUS {run.status}")
elif command == "dump":
    rows = Warning.objects.order_by("event_id").values_list(
        "event_id", "rule", "mn", "pollutant", "start", "end", "hits", "value", "severity")  # fmt: skip
    runs = list(RuleRun.objects.order_by("window_from").values_list("window_from", "status", "attempts"))
    print(json.dumps({"warnings": list(rows), "runs": runs}, default=str))
