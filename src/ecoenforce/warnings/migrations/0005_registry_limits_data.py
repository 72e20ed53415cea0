# One device registry (issue 16), step 2 of 3: carry every device binding into the monitoring registry and every
# point limit onto its registered device.
#
# - A binding whose MN the registry already has merges into that device: the registry's entity and kind stay (it is
#   the record the gateway and the pages used), the binding's label fills an empty one, its MQTT publisher becomes
#   the device's grant. Any other binding becomes a device of its kind (meters and cameras carry no HJ 212 password).
# - A point limit becomes the first version of its device's limit, valid since the epoch (it judged every reading
#   until now), with the emission limit's value, unit, averaging and reference O2 copied onto it. A point limit on
#   an MN that neither the registry nor a binding knew could never raise a warning (a warning needs the entity);
#   it is dropped, and the count is printed.

import datetime as dt

from django.db import migrations

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def forward(apps, schema_editor):
    Binding = apps.get_model("warnings", "DeviceBinding")
    Device = apps.get_model("monitoring", "MonitoringDevice")
    Grant = apps.get_model("warnings", "MqttGrant")
    PointLimit = apps.get_model("warnings", "PointLimit")
    for b in Binding.objects.order_by("pk").iterator():
        device = Device.objects.filter(mn=b.mn).first()
        if device is None:
            device = Device.objects.create(
                mn=b.mn, kind=b.kind, entity_id=b.entity_id, label=b.label, password=""
            )
        elif b.label and not device.label:
            device.label = b.label
            device.save(update_fields=["label"])
        if b.publisher_id:
            Grant.objects.update_or_create(device=device, defaults={"publisher_id": b.publisher_id})
    dropped = 0
    for p in PointLimit.objects.select_related("limit").order_by("pk").iterator():
        device = Device.objects.filter(mn=p.mn).first()
        if device is None:
            p.delete()
            dropped += 1
            continue
        lim = p.limit
        p.device, p.limit_value, p.limit_min, p.unit = device, lim.limit_value, lim.limit_min, lim.unit
        p.averaging, p.reference_o2, p.valid_from = lim.averaging, lim.reference_o2, EPOCH
        p.save()
    if dropped:
        print(f"\n  point limits on MNs no registry knew, dropped: {dropped}")


class Migration(migrations.Migration):
    dependencies = [
        ("warnings", "0004_registry_limits_schema"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
