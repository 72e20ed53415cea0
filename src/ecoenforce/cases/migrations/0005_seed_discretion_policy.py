"""Seed discretion policy v1 from Guangdong's 粤环发〔2021〕7号 (situations, no-penalty grounds, the apology rule
and its eleven exclusions, art. 12 landing points as read in the text); the benchmark weights are placeholders
marked UNCONFIRMED in their source until the province's 附件1 table replaces them."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "discretion_guangdong.json"


def seed(apps, schema_editor):
    DiscretionPolicy = apps.get_model("cases", "DiscretionPolicy")
    values = json.loads(SEED.read_text(encoding="utf-8"))
    DiscretionPolicy.objects.get_or_create(version=1, defaults={"values": values, "source": values["source"][:300]})


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_discretion_policy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
