"""The vocabulary of the search rows (fiches.search_rows.SearchWord, PostgreSQL only), with a
trigram index for the correction of typing slips (fiches.suggest): pg_trgm enabled first
(TrigramExtension does nothing on another database), then the words of the fiches that have a
search row."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from fiches.query import WORD, fold

    SearchRow = apps.get_model("fiches", "SearchRow")
    SearchWord = apps.get_model("fiches", "SearchWord")
    IndexEntry = apps.get_model("wagtailsearch", "IndexEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="fiches", model="fichepage").first()
    if content_type is None:
        return
    ids = [str(pk) for pk in SearchRow.objects.values_list("fiche_id", flat=True)]
    words = {}
    entries = IndexEntry.objects.filter(content_type=content_type, object_id__in=ids)
    for texts in entries.values_list("title_text", "body_text").iterator():
        for word in WORD.findall(" ".join(t or "" for t in texts)):
            if 4 <= len(word) <= 40 and word.isalpha():
                words.setdefault(fold(word), word.lower())
    SearchWord.objects.bulk_create(
        [SearchWord(folded=f, word=w) for f, w in words.items()], ignore_conflicts=True, batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("fiches", "0023_synonyms"),
        ("wagtailsearch", "0010_add_text_fields"),  # title_text, body_text
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("folded", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("word", models.CharField(max_length=40)),
            ],
            options={
                "required_db_vendor": "postgresql",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["folded"], name="fiches_searchword_trigram", opclasses=["gin_trgm_ops"]
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
