"""pg_trgm on PostgreSQL, for the "did you mean" terms of a search that found nothing
(fiches/suggest.py). Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")


class Migration(migrations.Migration):
    dependencies = [("fiches", "0005_alter_fichepage_options")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
