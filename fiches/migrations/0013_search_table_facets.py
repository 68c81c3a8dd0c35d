"""Was: The search table (fiches.search_table) gets a `facets` column, every facet value of a row in
one integer array, so that a search counts all its facets in one pass; the text table becomes
the same rows with their text, so that a text search reads one table, with no join. Both are
rebuilt. Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fiches", "0012_search_text_table")]

    operations = []
