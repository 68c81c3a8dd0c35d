"""The facets of search and listings, each declared once: its name (the query-string
parameter, in French, since results are shared as URLs), its label, how it filters, how it is
counted and how its options are shown. Both searches (fiches.search: the PostgreSQL table, the
rows in memory on SQLite) and the search rows (fiches.search_rows) read these declarations:
adding a facet is one declaration here.

A facet of values a fiche carries (themes, publics, keywords, territories, kinds of places) is
written in each search row as "name:value" strings (`SearchRow.facets`, one indexed array):
filtering is "the row has this string", counting is counting the strings of the matching rows.
A facet of places (open now, walk-in) is a condition on the row's places, counted as such.
"""

from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from territories.models import StructureKind, TerritoirePage

from .models import FicheKeyword, FichePage, Public, Theme

KEYWORDS_SHOWN = 12


@dataclass
class Context:
    """What the places' facets read of the clock: the visible structures open now."""

    open_ids: list = field(default_factory=list)


def option(label, count, value, is_selected):
    return {"label": str(label), "count": count, "value": value, "selected": is_selected}


class Facet:
    name = ""
    label = ""  # of the query-string field
    heading = None  # of the panel (None: the field's label)
    # Counted only over results no more numerous than FACET_IDS_LIMIT (fiches.browse).
    only_few_results = False

    def filter(self):
        """The django-filter field reading it from the query string."""
        raise NotImplementedError

    def q(self, value, context):
        """Rows having `value` (a key: an id, a kind, True), as a Q on SearchRow."""
        raise NotImplementedError

    def test(self, row, value, context):
        """`q`, for a row in memory."""
        raise NotImplementedError

    def key(self, chosen):
        """The key of a value as the query string gives it (a model instance, a kind, True)."""
        return getattr(chosen, "pk", chosen)

    def panel(self, options):
        return {"name": self.name, "label": str(self.heading or self.label), "options": options}


class ValueFacet(Facet):
    """A value the fiche carries, written in its row."""

    def read(self, source):
        """{fiche id: its keys}, for the fiches of `source` (fiches.search_rows.Source: what a
        build of rows reads of the source tables)."""
        raise NotImplementedError

    def row_value(self, key):
        return f"{self.name}:{key}"

    def q(self, value, context):
        return Q(facets__contains=[self.row_value(value)])

    def test(self, row, value, context):
        return self.row_value(value) in row.facets

    def counts(self, counted):
        """{value as a string: number of results}, from the counts of the rows' strings."""
        prefix = f"{self.name}:"
        return {v[len(prefix) :]: n for v, n in counted.items() if v.startswith(prefix)}


class ModelFacet(ValueFacet):
    model = None

    def queryset(self):
        return self.model.objects.all()

    def filter(self):
        return django_filters.ModelChoiceFilter(
            label=self.label, queryset=self.queryset(), to_field_name="slug"
        )

    def options(self, counts, current, found):
        items = self.queryset().filter(pk__in=[int(k) for k in counts]).order_by("sort_order", "name")
        return [
            option(i.name, counts[str(i.pk)], i.slug, current is not None and current.pk == i.pk)
            for i in items
        ]


class ThemeFacet(ModelFacet):
    """A theme: a category stands for its thématiques (each row lists its themes' categories)."""

    name, label, model = "theme", gettext_lazy("Thème"), Theme

    def read(self, source):
        themes = source.of(FichePage.themes.through.objects, "fichepage_id", "theme_id", "theme__parent_id")
        return {pk: {t for pair in pairs for t in pair if t is not None} for pk, pairs in themes.items()}

    def options(self, counts, current, found):
        if current is None:
            themes = Theme.objects.filter(parent=None, pk__in=[int(k) for k in counts]).order_by(
                "sort_order", "name"
            )
        else:
            # A category or one of its thématiques is chosen: the category, then its
            # thématiques, each with its count within the results.
            category = current if current.parent_id is None else current.parent
            children = Theme.objects.filter(parent=category, pk__in=[int(k) for k in counts])
            themes = [category, *children.order_by("sort_order", "name")]
        return [
            option(t.name, counts.get(str(t.pk), 0), t.slug, current is not None and t.pk == current.pk)
            for t in themes
        ]


class PublicFacet(ModelFacet):
    name, label, model = "public", gettext_lazy("Public"), Public

    def read(self, source):
        return source.of(FichePage.publics.through.objects, "fichepage_id", "public_id")


class TerritoryFacet(ModelFacet):
    """A territoire d'action sociale: a département-wide fiche applies in every one
    (fiches.coverage), so it is in every territory's results and counts."""

    name, label, model = "territoire", gettext_lazy("Territoire"), TerritoirePage

    def read(self, source):
        return {pk: territories for pk, (_wide, _communes, territories) in source.coverage.items()}

    def queryset(self):
        return TerritoirePage.objects.visible()

    def filter(self):
        # Read per request: the visible territories (not at import).
        return django_filters.ModelChoiceFilter(
            label=self.label, queryset=lambda request: self.queryset(), to_field_name="slug"
        )

    def q(self, value, context):
        return Q(departement_wide=True) | super().q(value, context)

    def test(self, row, value, context):
        return row.departement_wide or super().test(row, value, context)

    def options(self, counts, current, found):
        wide = found.departement_wide
        found = [(t, n) for t in self.queryset().order_by("title") if (n := counts.get(str(t.pk), 0) + wide)]
        return [option(t.title, n, t.slug, current is not None and current.pk == t.pk) for t, n in found]


class KindFacet(ValueFacet):
    name, label = "type", gettext_lazy("Type de lieu")

    def read(self, source):
        return {pk: {kind for _structure, kind in places} for pk, places in source.places.items()}

    def filter(self):
        return django_filters.ChoiceFilter(label=self.label, choices=StructureKind.choices)

    def options(self, counts, current, found):
        labels = dict(StructureKind.choices)  # a kind no longer offered is not shown
        found = sorted((k for k in counts if k in labels), key=lambda k: str(labels[k]))
        return [option(labels[k], counts[k], k, k == current) for k in found]


class KeywordFacet(ModelFacet):
    """Frequent keywords help on a narrow result set; over thousands of results they cost
    more than they tell."""

    name, label, model = "mot_cle", gettext_lazy("Mot-clé"), Tag

    def read(self, source):
        return source.of(FicheKeyword.objects, "content_object_id", "tag_id")

    heading = gettext_lazy("Mots-clés fréquents")
    only_few_results = True

    def options(self, counts, current, found):
        tags = Tag.objects.filter(pk__in=[int(k) for k in counts])
        ranked = sorted(tags, key=lambda t: (-counts[str(t.pk)], t.name))[:KEYWORDS_SHOWN]
        return [
            option(t.name, counts[str(t.pk)], t.slug, current is not None and current.pk == t.pk)
            for t in ranked
        ]


class PlaceFacet(Facet):
    """A condition on the fiche's places, a box to tick."""

    def filter(self):
        return django_filters.BooleanFilter(label=self.label, widget=forms.CheckboxInput)

    def options(self, n, current, found):
        if not (n or current):
            return []
        return [option(self.label, n or 0, "1", bool(current))]


class OpenNowFacet(PlaceFacet):
    name, label, heading = "ouvert", gettext_lazy("Un lieu ouvert maintenant"), gettext_lazy("Lieux")

    def q(self, value, context):
        return Q(places__overlap=context.open_ids) if value else Q()

    def test(self, row, value, context):
        return not value or not set(row.places).isdisjoint(context.open_ids)


class WalkInFacet(PlaceFacet):
    name, label = "sans_rdv", gettext_lazy("Un lieu sans rendez-vous")

    def panel(self, options):
        return {"name": self.name, "label": None, "options": options}

    def q(self, value, context):
        return Q(walk_in=True) if value else Q()

    def test(self, row, value, context):
        return not value or row.walk_in


THEME, PUBLIC, TERRITORY, KIND, KEYWORD = (
    ThemeFacet(),
    PublicFacet(),
    TerritoryFacet(),
    KindFacet(),
    KeywordFacet(),
)
# In the order of the panel.
FACETS = [THEME, PUBLIC, TERRITORY, KIND, OpenNowFacet(), WalkInFacet(), KEYWORD]
BY_NAME = {f.name: f for f in FACETS}
VALUE_FACETS = [f for f in FACETS if isinstance(f, ValueFacet)]
PLACE_FACETS = [f for f in FACETS if isinstance(f, PlaceFacet)]


def row_facets(source):
    """{fiche id: the "name:value" strings of its search row}, for the fiches of `source`."""
    found = {}
    for facet in VALUE_FACETS:
        for pk, keys in facet.read(source).items():
            found.setdefault(pk, []).extend(facet.row_value(key) for key in keys)
    return {pk: sorted(values) for pk, values in found.items()}


def filterset_class():
    """The facets as a django-filter FilterSet, read from the query string and validated (the
    searches read the values, not its queryset)."""
    meta = type("Meta", (), {"model": FichePage, "fields": []})
    return type(
        "FicheFilter", (django_filters.FilterSet,), {"Meta": meta, **{f.name: f.filter() for f in FACETS}}
    )
