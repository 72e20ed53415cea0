"""Seed the GB/T 4754-2017 industry classes of environmental significance (vendored, with sources)."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parents[1] / "seed" / "industries.json"


def seed(apps, schema_editor):
    Industry = apps.get_model("registry", "Industry")
    rows = json.loads(SEED.read_text(encoding="utf-8"))["industries"]
    Industry.objects.bulk_create([Industry(**row) for row in rows], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
