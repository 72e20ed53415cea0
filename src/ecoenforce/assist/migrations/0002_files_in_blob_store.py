"""Finding evidence files move into the platform's one file store (content-addressed blobs, `core.files`): each file kept the old way
under `FILES_DIR/findings/<finding>/<random>.<ext>` is copied into the blob store, checked against the SHA-256 recorded
when it was received, and the row names its blob by that SHA-256 alone (`stored` goes).

A migration rather than a fallback read: after it there is one way a file is stored and served, and every copied
file has been proved to be the one received. The old files are copied, never moved or deleted, so a release rolled
back still finds them; `FILES_DIR/findings/` can be removed once this has run. A file missing or changed since it was
received is not copied and is named on stderr: its row answers "not found" rather than serve other bytes.
Going back re-adds `stored` empty: the previous release needs the old files and a database restored from before."""

import sys

from django.db import migrations, models


def copy_into_blobs(apps, schema_editor):
    from ecoenforce.core.attachments import legacy_files_into_blobs

    rows = apps.get_model("assist", "FindingFile").objects.exclude(stored="").values_list("stored", "sha256")
    for problem in legacy_files_into_blobs(area="findings", rows=rows.iterator()):
        print("assist.FindingFile: not copied into the blob store:", problem, file=sys.stderr)


class Migration(migrations.Migration):
    dependencies = [("assist", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="findingfile",
            name="stored",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="stored as"),
        ),
        migrations.RunPython(copy_into_blobs, migrations.RunPython.noop),
        migrations.RemoveField(model_name="findingfile", name="stored"),
    ]
