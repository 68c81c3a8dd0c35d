"""Was: The text table (fiches.search_table.TEXT_TABLE) gets the GIN indexes of its arrays, as the
narrow table has: a frequent word with narrow filters then reads only the rows every index
agrees on. Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fiches", "0013_search_table_facets")]

    operations = []
