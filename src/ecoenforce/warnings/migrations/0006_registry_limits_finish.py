# One device registry (issue 16), step 3 of 3: point limits must name their device and value; the version in force
# is unique per device, factor and averaging period; device bindings are gone (the registry holds every device).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("warnings", "0005_registry_limits_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pointlimit",
            name="device",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="limits",
                to="monitoring.monitoringdevice",
                verbose_name="device",
            ),
        ),
        migrations.AlterField(
            model_name="pointlimit", name="limit_value", field=models.FloatField(verbose_name="limit")
        ),
        migrations.AlterField(
            model_name="pointlimit", name="valid_from", field=models.DateTimeField(verbose_name="valid from")
        ),
        migrations.RemoveField(model_name="pointlimit", name="mn"),
        migrations.AlterModelOptions(
            name="pointlimit",
            options={
                "ordering": ["device_id", "pollutant", "-valid_from"],
                "verbose_name": "point limit",
                "verbose_name_plural": "point limits",
            },
        ),
        migrations.AddConstraint(
            model_name="pointlimit",
            constraint=models.UniqueConstraint(
                condition=models.Q(("valid_to__isnull", True)),
                fields=("device", "pollutant", "averaging"),
                name="warnings_point_limit_current",
            ),
        ),
        migrations.AddIndex(
            model_name="pointlimit",
            index=models.Index(
                fields=["device", "pollutant", "valid_from"], name="warnings_po_device__5d33e6_idx"
            ),
        ),
        migrations.DeleteModel(name="DeviceBinding"),
    ]
