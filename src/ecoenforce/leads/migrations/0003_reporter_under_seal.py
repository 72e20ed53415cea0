import django.db.models.deletion
from django.db import migrations, models


def seal_reporters(apps, schema_editor):
    """Move every tipster's name and phone out of the lead into a sealed contact."""
    Lead = apps.get_model("leads", "Lead")
    SealedContact = apps.get_model("core", "SealedContact")
    for lead in Lead.objects.exclude(reporter_name="", reporter_phone="").iterator(chunk_size=500):
        if not (lead.reporter_name or lead.reporter_phone):
            continue
        lead.reporter = SealedContact.objects.create(name=lead.reporter_name, phone=lead.reporter_phone)
        lead.save(update_fields=["reporter"])


def unseal_reporters(apps, schema_editor):
    Lead = apps.get_model("leads", "Lead")
    for lead in Lead.objects.exclude(reporter=None).select_related("reporter").iterator(chunk_size=500):
        lead.reporter_name, lead.reporter_phone = lead.reporter.name[:64], lead.reporter.phone[:20]
        lead.save(update_fields=["reporter_name", "reporter_phone"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_sealed_contact'),
        ('leads', '0002_lead_assignment'),
    ]

    operations = [
        migrations.AddField(
            model_name='lead',
            name='reporter',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.sealedcontact', verbose_name='reporter (sealed)'),
        ),
        migrations.RunPython(seal_reporters, unseal_reporters),
        migrations.RemoveField(
            model_name='lead',
            name='reporter_name',
        ),
        migrations.RemoveField(
            model_name='lead',
            name='reporter_phone',
        ),
    ]
