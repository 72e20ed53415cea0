# One device registry (issue 16), step 1 of 3: MQTT grants on registered devices; point limits keyed by the
# registered device and versioned (value copied from the emission limit, validity period).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("warnings", "0003_notice_answers"),
        ("monitoring", "0002_device_kinds_and_outlet_standard"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MqttGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "device",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mqtt_grant",
                        to="monitoring.monitoringdevice",
                        verbose_name="device",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        help_text="The only publisher that may send this device's readings over MQTT.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grants",
                        to="warnings.mqttpublisher",
                        verbose_name="MQTT publisher",
                    ),
                ),
            ],
            options={"verbose_name": "MQTT grant", "verbose_name_plural": "MQTT grants"},
        ),
        migrations.RemoveConstraint(model_name="pointlimit", name="warnings_point_limit_unique"),
        migrations.AddField(
            model_name="pointlimit",
            name="device",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="limits",
                to="monitoring.monitoringdevice",
                verbose_name="device",
            ),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="limit_value",
            field=models.FloatField(null=True, verbose_name="limit"),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="limit_min",
            field=models.FloatField(blank=True, null=True, verbose_name="lower limit"),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="unit",
            field=models.CharField(blank=True, max_length=20, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="averaging",
            field=models.CharField(
                choices=[("hour", "Hourly mean"), ("day", "Daily mean"), ("instant", "Any single value")],
                default="hour",
                max_length=8,
                verbose_name="averaging period",
            ),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="reference_o2",
            field=models.FloatField(blank=True, null=True, verbose_name="reference O2 (%)"),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="valid_from",
            field=models.DateTimeField(null=True, verbose_name="valid from"),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="valid_to",
            field=models.DateTimeField(blank=True, null=True, verbose_name="valid until"),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="set_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="set by",
            ),
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="set_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="set at"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="pointlimit",
            name="note",
            field=models.CharField(blank=True, max_length=200, verbose_name="note"),
        ),
    ]
