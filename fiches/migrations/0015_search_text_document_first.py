"""Was: The text table (fiches.search_table.TEXT_TABLE) made again with its text vector as first
column, where a search finds it without stepping over every row's arrays; both tables are
rebuilt, their `facets` column now holding the theme categories only (the thématiques are
counted from `themes` when a category is chosen). Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fiches", "0014_search_text_array_indexes")]

    operations = []
