"""One search row per visible fiche (live, under no Wagtail view restriction:
territories.models.VisiblePageQuerySet) with everything a search, a listing and their facets
read: what it covers (fiches.coverage), its places, and every facet value it carries
(fiches.facets) as "name:value" strings in one indexed array.

On PostgreSQL the rows are a table (`SearchRow`, with its text vector) that fiches.search
queries through the ORM; they are rewritten from the source tables by `refresh(ids)`:
- when a page is saved, published, unpublished, moved or deleted (fiches.signal_handlers: the
  fiche itself, or the fiches whose places include a structure that changed);
- when a theme, a public or a keyword changes (the fiches that carry it);
- when a territory is published, unpublished or deleted (`refresh_territory`);
- when a view restriction is added, changed or removed, or a page moved (`refresh_subtree`);
- by `manage.py rebuild_fiche_search` (all of them, e.g. after a bulk import with signals off).
With the rows, the words of their text (`SearchWord`): the vocabulary typing slips are
corrected against (fiches.suggest).

`refresh(ids)` takes any number of fiches at once (a bulk import calls it once with all of
them). On SQLite the same rows are built in memory, unsaved, by `build(ids)`, and searched
there (fiches.search): the table and its migration exist on PostgreSQL only.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models, transaction
from django.db.models import F, Func, OuterRef, Q, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce
from django.utils.functional import cached_property
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from territories.caching import now_and_after_commit

from . import coverage, search_sql

# A refresh reads and writes this many fiches at a time.
BATCH = 2000
# The words of the vocabulary (SearchWord): shorter ones are never taken for typing slips.
MIN_WORD_LENGTH = 4
MAX_WORD_LENGTH = 40


class SearchRow(models.Model):
    """A visible fiche as search reads it (PostgreSQL only)."""

    # No database constraint and nothing done by Django on delete: a fiche's row goes with it
    # through fiches.signal_handlers; the table does not exist on SQLite.
    fiche = models.OneToOneField(
        "fiches.FichePage",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Its text (Wagtail's index vectors, the title in weight A), first in the row: a search
    # tests it in every row and most rows it then leaves.
    document = SearchVectorField(null=True)
    title = models.TextField()
    departement_wide = models.BooleanField()
    communes = ArrayField(models.IntegerField())  # covered commune by commune (fiches.coverage)
    places = ArrayField(models.IntegerField())  # its visible places
    walk_in = models.BooleanField()  # one of them has walk-in hours
    facets = ArrayField(models.TextField())  # "theme:12", "type:mds"… (fiches.facets)

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [
            GinIndex(fields=["document"], name="fiches_searchrow_document"),
            GinIndex(fields=["communes"], name="fiches_searchrow_communes"),
            GinIndex(fields=["places"], name="fiches_searchrow_places"),
            GinIndex(fields=["facets"], name="fiches_searchrow_facets"),
            models.Index(fields=["title", "fiche"], name="fiches_searchrow_title"),
            # The département-wide fiches in title order: a commune's listing takes the first
            # of them from here (fiches.search), not from the whole table.
            models.Index(
                fields=["title", "fiche"],
                name="fiches_searchrow_departement",
                condition=Q(departement_wide=True),
            ),
        ]

    def __str__(self):
        return self.title


class SearchWord(models.Model):
    """A word of the visible fiches' text (PostgreSQL only): the vocabulary a typing slip is
    corrected against (fiches.suggest.corrected), by trigram similarity through its index.
    Words are added as rows are refreshed and all rewritten by a rebuild; a word whose last
    fiche went stays until then (a correction is used only when it finds fiches)."""

    folded = models.CharField(primary_key=True, max_length=MAX_WORD_LENGTH)  # fiches.query.fold
    word = models.CharField(max_length=MAX_WORD_LENGTH)  # as written, in lower case

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [GinIndex(fields=["folded"], opclasses=["gin_trgm_ops"], name="fiches_searchword_trigram")]

    def __str__(self):
        return self.word


def vocabulary(fiche_ids=None):
    """{folded word: word as written} of the text Wagtail indexed for these fiches (all: None):
    the words of their search rows, at least MIN_WORD_LENGTH letters long, no digits."""
    from .models import FichePage
    from .query import WORD, fold

    entries = IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(FichePage))
    if fiche_ids is not None:
        entries = entries.filter(object_id__in=[str(pk) for pk in fiche_ids])
    # Wagtail keeps the text in these columns: beside the vectors on PostgreSQL, alone elsewhere.
    columns = ("title_text", "body_text") if enabled() else ("title", "body")
    words = {}
    for texts in entries.values_list(*columns):
        for word in WORD.findall(" ".join(t or "" for t in texts)):
            if MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH and word.isalpha():
                words.setdefault(fold(word), word.lower())
    return words


def _write_words(fiche_ids):
    words = vocabulary(fiche_ids)
    SearchWord.objects.bulk_create(
        [SearchWord(folded=folded, word=word) for folded, word in words.items()],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def enabled(using=None):
    """Whether the rows are a table (PostgreSQL)."""
    return (using or connection).vendor == "postgresql"


class Source:
    """What a build of rows reads of the source tables, for the visible fiches among `ids`
    (all of them: None), each part once, when first asked."""

    def __init__(self, ids=None, territories_of=None):
        from .models import FichePage

        fiches = FichePage.objects.visible()
        if ids is not None:
            fiches = fiches.filter(pk__in=ids)
        self.fiches = list(fiches.order_by().values_list("pk", "title", "coverage_kind"))
        self.ids = None if ids is None else [pk for pk, _title, _kind in self.fiches]
        self._territories_of = territories_of

    def of(self, queryset, fiche_field, *fields):
        """{fiche id: [value, or tuple of values]} of `queryset`'s rows for these fiches."""
        if self.ids is not None:
            queryset = queryset.filter(**{f"{fiche_field}__in": self.ids})
        found = defaultdict(list)
        for fiche_id, *values in queryset.values_list(fiche_field, *fields):
            found[fiche_id].append(values[0] if len(values) == 1 else tuple(values))
        return found

    @cached_property
    def places(self):
        """{fiche id: [(structure id, kind)]} of its visible places."""
        from territories.models import StructurePage

        from .models import FichePage, FichePlace, match_kind_places

        visible = FichePlace.objects.filter(structure__in=StructurePage.objects.visible())
        places = self.of(visible, "fiche_id", "structure_id", "structure__kind")
        fiches = FichePage.objects.all() if self.ids is None else FichePage.objects.filter(pk__in=self.ids)
        rules = fiches.kind_place_rules()
        if rules:
            kinds = {kind for kinds, _zone in rules.values() for kind in kinds}
            structures = StructurePage.objects.visible().filter(kind__in=kinds).only("kind", "commune")
            for pk, by_kind in match_kind_places(rules, list(structures)).items():
                places[pk] += [(s.pk, s.kind) for s in by_kind]
        return places

    @cached_property
    def coverage(self):
        """{fiche id: (département-wide, commune ids, territory ids)} (fiches.coverage)."""
        from .models import FicheCoveredCommune

        communes = self.of(FicheCoveredCommune.objects, "fiche_id", "commune_id")
        territories_of = self._territories_of
        if territories_of is None:
            territories_of = coverage.territories_by_commune()
        return {
            pk: coverage.row_values(kind, communes[pk], territories_of) for pk, _title, kind in self.fiches
        }


def build(fiche_ids=None, territories_of=None):
    """The rows of the visible fiches among `fiche_ids` (all of them: None), unsaved, without
    their text, in a fixed number of queries (`territories_of`: coverage.territories_by_commune(),
    when already read)."""
    from territories.models import StructurePage

    from . import facets

    source = Source(fiche_ids, territories_of)
    values = facets.row_facets(source)
    walk_in = set(StructurePage.objects.visible().with_walk_in_hours().values_list("pk", flat=True))
    rows = []
    for pk, title, _kind in source.fiches:
        wide, communes, _territories = source.coverage[pk]
        places = sorted({structure for structure, _kind in source.places[pk]})
        rows.append(
            SearchRow(
                fiche_id=pk,
                title=title,
                departement_wide=wide,
                communes=communes,
                places=places,
                walk_in=any(p in walk_in for p in places),
                facets=values.get(pk, []),
            )
        )
    return rows


def _write_text(rows):
    """Each row's text: Wagtail's index vectors of its fiche, the title in weight A."""
    from .models import FichePage

    entry = IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(FichePage),
        object_id=Cast(OuterRef("fiche_id"), models.TextField()),
    )
    empty = Value("", output_field=SearchVectorField())

    def vector(column):
        return Coalesce(Subquery(entry.values(column)[:1]), empty, output_field=SearchVectorField())

    title = Func(vector("title"), Value("A"), function="setweight", output_field=SearchVectorField())
    rows.update(document=CombinedExpression(title, "||", vector("body"), output_field=SearchVectorField()))


def refresh(fiche_ids, words=True):
    """Rewrite the rows of these fiches, any number of them at once (dropping those no longer
    visible), and add their words to the vocabulary (`words`: False before the vocabulary's
    migration, fiches.0024): `fiches.search_rows.refresh(ids)` is the one call after a change or
    a bulk import."""
    ids = sorted({int(i) for i in fiche_ids})
    if not ids or not enabled():
        return
    territories_of = coverage.territories_by_commune()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        SearchRow.objects.filter(fiche_id__in=batch).delete()
        rows = SearchRow.objects.bulk_create(build(batch, territories_of))
        _write_text(SearchRow.objects.filter(fiche_id__in=batch))
        if words:
            _write_words([row.fiche_id for row in rows])


def refresh_now_and_after_commit(fiche_ids):
    """Signal-handler helper: now, for the transaction that made the change, and again after
    the commit, when the search index entries written with it are final."""
    ids = list(fiche_ids)
    if ids and enabled():
        now_and_after_commit(lambda: refresh(ids))


def refresh_territory(territory_id):
    """After a territory is published, unpublished or deleted: its value in exactly the rows of
    the fiches (not département-wide) covering one of its communes, if it is visible. Two
    updates over the indexed arrays, instead of rewriting thousands of rows."""
    if not enabled():
        return
    from territories.models import TerritoirePage

    from . import facets

    value = facets.TERRITORY.row_value(territory_id)
    array = ArrayField(models.TextField())
    SearchRow.objects.filter(facets__contains=[value]).update(
        facets=Func(F("facets"), Value(value), function="array_remove", output_field=array)
    )
    territory = TerritoirePage.objects.visible().filter(pk=territory_id).first()
    if territory is None:
        return
    communes = list(territory.covered_communes().values_list("pk", flat=True))
    SearchRow.objects.filter(departement_wide=False, communes__overlap=communes).update(
        facets=Func(F("facets"), Value(value), function="array_append", output_field=array)
    )


def refresh_subtree(page_id):
    """After a view restriction on this page is added, changed or removed, or the page moved
    (it may now be in or out of a restricted section): the rows of the fiches at or below it
    and of the fiches placed at a structure at or below it rewritten, the territories at or
    below it taken out of the rows or put back."""
    if not enabled():
        return
    from territories.models import StructurePage, TerritoirePage

    from .models import FichePage, FichePlace

    page = Page.objects.filter(pk=page_id).first()
    if page is None:  # deleted with its restriction: the deletion refreshed the rows
        return
    below = Page.objects.descendant_of(page, inclusive=True)
    fiche_ids = set(FichePage.objects.filter(pk__in=below.values("pk")).values_list("pk", flat=True))
    fiche_ids |= set(
        FichePlace.objects.filter(structure_id__in=below.values("pk")).values_list("fiche_id", flat=True)
    )
    for kind in (
        StructurePage.objects.filter(pk__in=below.values("pk")).values_list("kind", flat=True).distinct()
    ):
        fiche_ids |= set(FichePage.objects.with_place_kind(kind).values_list("pk", flat=True))
    refresh(fiche_ids)
    for territory_id in TerritoirePage.objects.filter(pk__in=below.values("pk")).values_list("pk", flat=True):
        refresh_territory(territory_id)


def rebuild(using=None, words=True):
    """All rows (and the vocabulary, unless `words` is False), from scratch; returns how many
    visible fiches they hold."""
    if not enabled(using):
        return 0
    from .models import FichePage

    search_sql.analyze_sources()  # after a bulk import, statistics first
    with transaction.atomic():  # searches meanwhile read the rows as they were
        SearchRow.objects.all().delete()
        if words:
            SearchWord.objects.all().delete()
        refresh(FichePage.objects.visible().values_list("pk", flat=True), words=words)
    search_sql.analyze(SearchRow)
    return SearchRow.objects.count()
