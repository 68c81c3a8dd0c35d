"""The text table (fiches.search_table.TEXT_TABLE) gets the GIN indexes of its arrays, as the
narrow table has: a frequent word with narrow filters then reads only the rows every index
agrees on. Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        for statement in search_table.TEXT_ARRAY_INDEXES:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        for column in search_table.ARRAYS:
            name, _create = search_table.array_index(search_table.TEXT_TABLE, column)
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("fiches", "0013_search_table_facets")]

    operations = [migrations.RunPython(forwards, backwards)]
