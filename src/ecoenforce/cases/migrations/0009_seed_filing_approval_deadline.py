"""Seed the deadline for filing approval (立案审批): 7 working days, as the 2010 环境行政处罚办法 art. 22 gave for
deciding whether to file after the preliminary review (superseded; kept as bureau policy an administrator changes)."""

from django.db import migrations


def seed(apps, schema_editor):
    StageDeadline = apps.get_model("cases", "StageDeadline")
    StageDeadline.objects.get_or_create(stage="proposed", defaults={
        "days": 7, "day_kind": "working",
        "basis": "立案审批 (bureau policy; 环境行政处罚办法 2010 第22条: 7个工作日内决定是否立案)"})


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_filing_approval")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
