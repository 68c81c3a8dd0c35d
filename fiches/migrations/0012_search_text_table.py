"""The search table's text vectors move to a table of their own (fiches.search_table.TEXT_TABLE):
the rows read by listings and commune pages become a few hundred bytes. Both tables are then
rebuilt from the live fiches. Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        for statement in search_table.CREATE:  # the text table, and the trigger that empties it
            schema_editor.execute(statement)
        schema_editor.execute(f"ALTER TABLE {search_table.TABLE} DROP COLUMN IF EXISTS document")
        search_table.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        table, text = search_table.TABLE, search_table.TEXT_TABLE
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN document tsvector NOT NULL DEFAULT ''")
        schema_editor.execute(
            f"UPDATE {table} SET document = t.document FROM {text} t WHERE t.fiche_id = {table}.fiche_id"
        )
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_document ON {table} USING gin (document)")
        # The text table stays (0010's backwards drops it): the trigger that empties it with
        # the fiches still names it.


class Migration(migrations.Migration):
    dependencies = [("fiches", "0011_search_table_territories")]

    operations = [migrations.RunPython(forwards, backwards)]
