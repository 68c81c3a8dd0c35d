"""The narrow search table of fiches.search_table, on PostgreSQL, filled from the live fiches.
Other databases skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        for statement in search_table.CREATE:
            schema_editor.execute(statement)
        search_table.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        for statement in search_table.DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0009_coverage_kind_index"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("territories", "0004_structure_review_interval"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
