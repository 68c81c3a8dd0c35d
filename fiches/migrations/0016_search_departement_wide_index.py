"""The search table (fiches.search_table.TABLE) gets an index of its département-wide fiches in
title order: a commune's listing counts them and takes the first of them there. Other databases
skip this migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(search_table.DEPARTEMENT_WIDE_INDEX)


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {search_table.DEPARTEMENT_WIDE_INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("fiches", "0015_search_text_document_first")]

    operations = [migrations.RunPython(forwards, backwards)]
