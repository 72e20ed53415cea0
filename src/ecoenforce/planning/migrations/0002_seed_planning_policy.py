"""Seed planning policy v1: round ratios from Fuzhou Mawei 2021 (confirmed local practice); caps and capacity
factors are assumptions a bureau replaces with its province's published figures."""

from django.db import migrations


def seed(apps, schema_editor):
    PlanningPolicy = apps.get_model("planning", "PlanningPolicy")
    PlanningPolicy.objects.get_or_create(version=1, defaults={
        "values": {},  # the defaults of planning.capacity.PlanningRules
        "source": "Round ratios: 福州马尾 2021 (special every quarter, key ≥ 25% a quarter; regulations.md §4); "
                  "general 5% a quarter: 池州 2019. Yearly caps per entity (key 4, general 1, special 4), "
                  "0.5 inspector-day per officer per inspection and 40% on-site share: UNCONFIRMED assumptions.",
    })


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
