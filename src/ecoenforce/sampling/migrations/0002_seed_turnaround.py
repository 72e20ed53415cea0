"""The default turnaround per medium (working days from the request to the lab's result): the station's usual
service times for enforcement monitoring; a bureau changes them in /admin/."""

from django.db import migrations

DEFAULTS = [
    ("waste_water", 5, "执法监测常规项目：采样后5个工作日内出具报告（站内服务承诺，可在管理后台修改）"),
    ("waste_gas", 5, "执法监测常规项目：采样后5个工作日内出具报告（站内服务承诺，可在管理后台修改）"),
    ("soil", 15, "土壤重金属前处理（消解）周期较长：15个工作日（可在管理后台修改）"),
    ("solid_waste", 15, "固体废物浸出毒性（HJ/T 299-2007 浸出18小时）及分析：15个工作日（可在管理后台修改）"),
]


def seed(apps, schema_editor):
    Turnaround = apps.get_model("sampling", "Turnaround")
    for medium, days, basis in DEFAULTS:
        Turnaround.objects.get_or_create(medium=medium, defaults={"working_days": days, "basis": basis})


class Migration(migrations.Migration):
    dependencies = [("sampling", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
