"""The text table (fiches.search_table.TEXT_TABLE) made again with its text vector as first
column, where a search finds it without stepping over every row's arrays; both tables are
rebuilt, their `facets` column now holding the theme categories only (the thématiques are
counted from `themes` when a category is chosen). Other databases skip this migration."""

from django.db import migrations

# 0014's shape, for going back: the vectors after the columns of the narrow table.
TEXT_LAST = """CREATE TABLE {text} (
    LIKE {table} INCLUDING DEFAULTS,
    document tsvector NOT NULL,
    PRIMARY KEY (fiche_id)
)"""


def forwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {search_table.TEXT_TABLE}")
        for statement in search_table.CREATE:  # the table, its indexes, the triggers
            schema_editor.execute(statement)
        search_table.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from fiches import search_table

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {search_table.TEXT_TABLE}")
        schema_editor.execute(TEXT_LAST.format(text=search_table.TEXT_TABLE, table=search_table.TABLE))
        for statement in search_table.CREATE:  # its indexes (the table exists)
            schema_editor.execute(statement)
        search_table.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("fiches", "0014_search_text_array_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
