"""Seed risk policy v1: Fuzhou Mawei's class criteria (2021, confirmed local practice) with assumed points."""

from django.db import migrations


def seed(apps, schema_editor):
    RiskPolicy = apps.get_model("registry", "RiskPolicy")
    RiskPolicy.objects.get_or_create(version=1, defaults={
        "values": {},  # the defaults of registry.risk.RiskPolicyValues
        "source": "Class criteria: 福州马尾 2021 重点/一般/特殊 (regulations.md §4, confirmed local); "
                  "points and thresholds: assumptions to calibrate on the bureau's own records.",
    })


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_risk_policy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
