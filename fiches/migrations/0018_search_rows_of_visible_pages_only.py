"""The search table keeps no row for a fiche under a Wagtail view restriction, and lists no
restricted place or territory (fiches.search_table): its rows are rebuilt once under that rule.
Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        search_table.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("fiches", "0017_datainclusion_service_fields")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
