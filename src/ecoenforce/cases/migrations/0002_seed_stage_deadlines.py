"""Seed the stage deadline policy (an administrator may change it in the admin)."""

from django.db import migrations

POLICY = [
    # stage, days, counted in, basis
    ("filed", 7, "working", "立案后及时调查 (bureau policy; adjust to the province's rule)"),
    ("investigation", 30, "calendar", "调查取证 (bureau policy)"),
    ("review", 7, "working", "案件审查 (bureau policy)"),
    ("legal_review", 5, "working", "法制审核 (bureau policy; 行政处罚法 第58条 requires the review itself)"),
    ("notice", 5, "working", "陈述申辩/听证申请期 (行政处罚法 第64条: 5 days; 第85条: working days)"),
    ("decision", 7, "working", "送达 (行政处罚法 第61条: 7 days; 第85条: working days)"),
    ("service", 15, "calendar", "缴纳罚款 (行政处罚法 第67条: 15 days)"),
    ("execution", 90, "calendar", "执行 (bureau policy)"),
]


def seed(apps, schema_editor):
    StageDeadline = apps.get_model("cases", "StageDeadline")
    for stage, days, kind, basis in POLICY:
        StageDeadline.objects.get_or_create(stage=stage, defaults={"days": days, "day_kind": kind, "basis": basis})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
