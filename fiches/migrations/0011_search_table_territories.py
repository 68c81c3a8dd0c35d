"""Was: The search table (fiches.search_table) lists, per fiche, the live territories its communes
fall in: the territory facet and filter read that column instead of comparing communes.
Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0010_search_table"),
        ("territories", "0004_structure_review_interval"),
    ]

    operations = []
