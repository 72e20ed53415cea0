"""Seed the industry checklists v1 (onsite.checklists.DEFAULTS: thermal power, cement, chemicals, electroplating,
printing and dyeing, municipal wastewater, hazardous-waste operators and the general checklist, each item with its
legal basis). An administrator changes them by adding a version."""

from django.db import migrations


def seed(apps, schema_editor):
    from ecoenforce.onsite.checklists import DEFAULTS

    ChecklistPolicy = apps.get_model("onsite", "ChecklistPolicy")
    ChecklistPolicy.objects.get_or_create(version=1, defaults={
        "values": DEFAULTS,
        "source": "v1: 大气污染防治法, 水污染防治法, 固体废物污染环境防治法, 排污许可管理条例, 环境保护法 (articles per item)",
    })


class Migration(migrations.Migration):
    dependencies = [("onsite", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
