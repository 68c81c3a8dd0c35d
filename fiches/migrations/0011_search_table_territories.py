"""The search table (fiches.search_table) lists, per fiche, the live territories its communes
fall in: the territory facet and filter read that column instead of comparing communes.
Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        table = search_table.TABLE
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS territories integer[] NOT NULL DEFAULT '{{}}'"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_territories ON {table} USING gin (territories)"
        )
        # Filled by 0012, which rebuilds the table in its final shape.


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {search_table.TABLE} DROP COLUMN IF EXISTS territories")


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0010_search_table"),
        ("territories", "0004_structure_review_interval"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
