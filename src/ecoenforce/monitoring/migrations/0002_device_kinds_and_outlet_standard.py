# One device registry (issue 16): devices of every kind, and the standard and category each outlet is judged under.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_registry_of_monitoring_points"),
    ]

    operations = [
        migrations.AddField(
            model_name="monitoringdevice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("cems", "Automatic monitoring"),
                    ("electricity", "Electricity monitoring"),
                    ("video", "Video monitoring"),
                ],
                default="cems",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="monitoringdevice",
            name="label",
            field=models.CharField(blank=True, max_length=120, verbose_name="label"),
        ),
        migrations.AlterField(
            model_name="monitoringdevice",
            name="mn",
            field=models.CharField(max_length=32, unique=True, verbose_name="MN"),
        ),
        migrations.AlterField(
            model_name="monitoringdevice",
            name="password",
            field=models.CharField(
                blank=True,
                help_text="The HJ 212 access password (PW). Automatic monitoring only: without it the gateway quarantines the device's frames.",
                max_length=16,
                verbose_name="password",
            ),
        ),
        migrations.AddField(
            model_name="outlet",
            name="standard",
            field=models.CharField(
                blank=True,
                help_text="The emission standard the outlet is judged under, e.g. GB 13223-2011.",
                max_length=80,
                verbose_name="applicable standard",
            ),
        ),
        migrations.AddField(
            model_name="outlet",
            name="category",
            field=models.CharField(
                blank=True,
                help_text="The source category in that standard, e.g. 燃煤锅炉 特别排放限值.",
                max_length=200,
                verbose_name="category under the standard",
            ),
        ),
    ]
