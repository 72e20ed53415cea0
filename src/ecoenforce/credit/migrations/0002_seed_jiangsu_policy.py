"""Seed credit policy v1: Jiangsu's five colours (regulations.md §8). The scale and the national vetoes are
confirmed (环发〔2013〕150号 + Jiangsu's black); thresholds, points and which vetoes can be repaired are
assumptions, listed under "unconfirmed", for an administrator to change by adding a version."""

from django.db import migrations


def seed(apps, schema_editor):
    CreditPolicy = apps.get_model("credit", "CreditPolicy")
    CreditPolicy.objects.get_or_create(version=1, defaults={
        "values": {},  # the defaults of credit.rating.JIANGSU_DEFAULTS
        "source": "Jiangsu 5 colours green/blue/yellow/red/black, national vetoes (环发〔2013〕150号), incident drops "
                  "a grade (Guangdong guidance) — regulations.md §8; thresholds and points UNCONFIRMED: change them "
                  "by adding a version.",
    })


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
