"""Seed tip reward policy v1 (regulations.md §6): 5 % of the fine, at most ¥100,000 (Zhejiang), first reporter only
(Shandong), real-name reports only (Hunan 2025); the ¥500 minimum is UNCONFIRMED. An administrator changes any of
them by adding a version."""

from django.db import migrations


def seed(apps, schema_editor):
    RewardPolicy = apps.get_model("social", "RewardPolicy")
    RewardPolicy.objects.get_or_create(version=1, defaults={
        "values": {},  # the defaults of social.rewards.DEFAULTS
        "source": "Zhejiang 5% of the fine, cap ¥100,000; Shandong first whistleblower only; Hunan 2025 real name "
                  "(regulations.md §6); minimum ¥500 UNCONFIRMED: change it by adding a version.",
    })


class Migration(migrations.Migration):
    dependencies = [("social", "0003_rewards")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
