"""Was: The narrow search table of fiches.search_table, on PostgreSQL, filled from the live fiches.
Other databases skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0009_coverage_kind_index"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("territories", "0004_structure_review_interval"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
