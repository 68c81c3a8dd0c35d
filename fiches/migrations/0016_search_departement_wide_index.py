"""Was: The search table (fiches.search_table.TABLE) gets an index of its département-wide fiches in
title order: a commune's listing counts them and takes the first of them there. Other databases
skip this migration.

Empty since 0020_search_rows: the search rows became a model (fiches.search_rows.SearchRow)
with generated migrations, and 0020 drops the tables these migrations made by hand-written SQL
on databases that ran them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fiches", "0015_search_text_document_first")]

    operations = []
