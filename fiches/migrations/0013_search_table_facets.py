"""The search table (fiches.search_table) gets a `facets` column, every facet value of a row in
one integer array, so that a search counts all its facets in one pass; the text table becomes
the same rows with their text, so that a text search reads one table, with no join. Both are
rebuilt. Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        # The text table of 0012 held only the vectors: made again in its new shape.
        schema_editor.execute(f"DROP TABLE IF EXISTS {search_table.TEXT_TABLE}")
        for statement in search_table.CREATE:  # adds the column to an existing table
            schema_editor.execute(statement)
        search_table.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        table, text = search_table.TABLE, search_table.TEXT_TABLE
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS facets")
        # 0012's shape: the vectors alone.
        for column in (*search_table.COLUMNS[1:], "facets"):
            schema_editor.execute(f"ALTER TABLE {text} DROP COLUMN IF EXISTS {column}")


class Migration(migrations.Migration):
    dependencies = [("fiches", "0012_search_text_table")]

    operations = [migrations.RunPython(forwards, backwards)]
