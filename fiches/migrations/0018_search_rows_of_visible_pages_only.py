"""Was: The search table keeps no row for a fiche under a Wagtail view restriction, and lists no
restricted place or territory (fiches.search_table): its rows are rebuilt once under that rule.
Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fiches", "0017_datainclusion_service_fields")]

    operations = []
