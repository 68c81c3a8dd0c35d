"""Was: The search table's text vectors move to a table of their own (fiches.search_table.TEXT_TABLE):
the rows read by listings and commune pages become a few hundred bytes. Both tables are then
rebuilt from the live fiches. Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fiches", "0011_search_table_territories")]

    operations = []
