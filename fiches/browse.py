"""Finding fiches: text query, facets and the chosen commune.

One `Browse` serves the search page and every listing (theme, public, keyword, territory,
commune): a listing is a search whose filter is fixed by its URL. The facets are a
django-filter `FilterSet` read from the query string, so every combination is a shareable URL
that works without JavaScript; each facet value carries the number of results it would give.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from taggit.models import Tag

from territories.maps import map_data
from territories.models import StructureKind, StructurePage, TerritoirePage

from . import result_cache, search_table
from .commune_choice import chosen_commune, clean_text
from .models import FicheKeyword, FichePage, FichePlace, Public, Theme

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
PLACES_PER_RESULT = 3
KEYWORDS_SHOWN = 12
# Up to this many results, frequent keywords are counted and, on SQLite, the facet queries look
# the results up by primary key; beyond, each facet query carries the search as a subquery.
FACET_IDS_LIMIT = 3000
# Beyond any real result list; keeps a page number typed as 20 digits a plain integer in SQL.
MAX_PAGE = 100_000


class FicheFilter(django_filters.FilterSet):
    """The facets, as query-string parameters (French, since they are shared as URLs)."""

    theme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Thème"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
    )
    public = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Public"),
        queryset=Public.objects.all(),
        to_field_name="slug",
        method="filter_public",
    )
    territoire = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Territoire"),
        # Read per request: visible() asks whether any restriction exists (not at import).
        queryset=lambda request: TerritoirePage.objects.visible(),
        to_field_name="slug",
        method="filter_territory",
    )
    mot_cle = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Mot-clé"),
        queryset=Tag.objects.all(),
        to_field_name="slug",
        method="filter_keyword",
    )
    type = django_filters.ChoiceFilter(
        label=gettext_lazy("Type de lieu"), choices=StructureKind.choices, method="filter_kind"
    )
    ouvert = django_filters.BooleanFilter(
        label=gettext_lazy("Un lieu ouvert maintenant"), widget=forms.CheckboxInput, method="filter_open_now"
    )
    sans_rdv = django_filters.BooleanFilter(
        label=gettext_lazy("Un lieu sans rendez-vous"), widget=forms.CheckboxInput, method="filter_walk_in"
    )

    class Meta:
        model = FichePage
        fields = []

    def filter_theme(self, queryset, name, value):
        return FIXED_FILTERS["theme"](queryset, value)

    def filter_public(self, queryset, name, value):
        return FIXED_FILTERS["public"](queryset, value)

    def filter_territory(self, queryset, name, value):
        return FIXED_FILTERS["territoire"](queryset, value)

    def filter_keyword(self, queryset, name, value):
        return FIXED_FILTERS["mot_cle"](queryset, value)

    def filter_kind(self, queryset, name, value):
        return queryset.with_places(StructurePage.objects.visible().filter(kind=value))

    def filter_open_now(self, queryset, name, value):
        return queryset.with_places(StructurePage.objects.visible().open_at()) if value else queryset

    def filter_walk_in(self, queryset, name, value):
        return (
            queryset.with_places(StructurePage.objects.visible().with_walk_in_hours()) if value else queryset
        )


# --- Text ---------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold(text):
    """Lower case without accents; kept per word, since result pages fold the same words."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


_WORD = re.compile(r"\w+", re.UNICODE)


def query_stems(query):
    """Folded word starts used to highlight a query: "Logements" → "logement"."""
    stems = []
    for word in _WORD.findall(_fold(query)):
        if len(word) < 3:
            continue
        stems.append(word[:-1] if len(word) > 4 and word[-1] in "sx" else word)
    return stems


def highlight(text, query):
    """`text` escaped, the words starting like a query word in <mark> (accents and plurals
    forgiven, as the search itself does)."""
    stems = query_stems(query)
    if not stems or not text:
        return escape(text)
    out, last = [], 0
    for match in _WORD.finditer(text):
        if any(_fold(match.group()).startswith(s) for s in stems):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece is escaped above


def read_query(request):
    query = clean_text(request.GET.get("q"), 10 * MAX_QUERY_LENGTH)
    if len(query) > MAX_QUERY_LENGTH:
        messages.info(
            request, _("Votre recherche a été raccourcie à %(n)d caractères.") % {"n": MAX_QUERY_LENGTH}
        )
        query = query[:MAX_QUERY_LENGTH].strip()
    return query


def text_search(queryset, query):
    """The fiches of `queryset` matching `query`, best first, as a QuerySet (Wagtail's search
    backend: `french_unaccent` on PostgreSQL, FTS5 on SQLite), so it can be counted, paginated
    and used as a subquery by the facets."""
    return queryset.search(query, operator="and").get_queryset()


# --- Browsing -----------------------------------------------------------------------------


def _page_number(raw):
    """The page number asked: 1 unless `raw` is ASCII digits; a very large one is MAX_PAGE."""
    if not (raw.isascii() and raw.isdigit()):
        return 1
    digits = raw.lstrip("0")
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else max(1, min(int(digits or 0), MAX_PAGE))


class _Window:
    """The result list as a Paginator sees it: its length is the number of results, and the
    only slice ever asked of it (Paginator.page) is the page that was read."""

    def __init__(self, total, ids):
        self.total, self.ids = total, list(ids)

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        return self.ids


# What a result shows of its fiche (fiches/includes/results.html): not the body, the
# professional section and the forty other columns of the page.
FICHE_RESULT_FIELDS = ("title", "url_path", "summary", "last_verified", "is_demo")


@dataclass
class Result:
    fiche: FichePage
    places: list = field(default_factory=list)  # [(structure, km)], nearest first
    snippet: str = ""
    title: str = ""


@dataclass
class ThemeGroup:
    category: Theme | None  # None: fiches filed under no theme
    results: list


def group_by_category(results):
    """The results under their first theme category (in the categories' order), the fiches
    with the nearest place first within each: the commune page reads them by need, then by
    distance. One query for every fiche's themes."""
    links = (
        FichePage.themes.through.objects.filter(fichepage_id__in=[r.fiche.pk for r in results])
        .select_related("theme__parent")
        .only(
            "fichepage_id",
            "theme__parent_id",
            "theme__name",
            "theme__sort_order",
            "theme__slug",
            "theme__parent__name",
            "theme__parent__sort_order",
            "theme__parent__slug",
        )
    )
    category_of = {}
    for link in links:
        category = link.theme.parent if link.theme.parent_id else link.theme
        current = category_of.get(link.fichepage_id)
        if current is None or (category.sort_order, category.name) < (current.sort_order, current.name):
            category_of[link.fichepage_id] = category
    groups = {}
    for result in results:
        category = category_of.get(result.fiche.pk)
        groups.setdefault(category, []).append(result)

    def nearest(result):
        distance = result.places[0][1] if result.places else None
        return (distance is None, distance or 0)

    ordered = sorted(groups, key=lambda c: (c is None, c.sort_order if c else 0, c.name if c else ""))
    return [ThemeGroup(c, sorted(groups[c], key=nearest)) for c in ordered]


class Browse:
    """Results and facets for one request.

    `fixed` names the facet a listing's URL sets (e.g. {"theme": theme}); it is applied but
    not offered as a facet to change.
    """

    def __init__(self, request, fixed=None, commune=None, default_order_local=False, with_facets=True):
        self.request = request
        self.fixed = fixed or {}
        # A page that shows no facets (the commune page) does not have them counted.
        self.with_facets = with_facets
        self._offset = 0
        self.query = read_query(request)
        if commune is None:
            commune, self.typed_commune, self.candidates = chosen_commune(request)
        else:
            self.typed_commune, self.candidates = commune.name, []
        self.commune = commune
        self.default_order_local = default_order_local
        data = request.GET.copy()
        for name in self.fixed:
            data.pop(name, None)
        # Validated here; its queryset is built only when read (`_filtered`): PostgreSQL's
        # search table takes the criteria, not the queryset.
        self.filterset = FicheFilter(data, queryset=FichePage.objects.none())
        if self.filterset.errors:
            messages.warning(request, _("Un filtre inconnu a été ignoré : vérifiez le lien utilisé."))

    @cached_property
    def _filtered(self):
        """The visible fiches (`FichePage.objects.visible()`: live, under no view restriction)
        matching the listing's fixed facet, the commune and the filters."""
        base = FichePage.objects.visible()
        for name, value in self.fixed.items():
            base = FIXED_FILTERS[name](base, value)
        if self.commune is not None:
            base = base.covering(self.commune)
        self.filterset.queryset = base
        return self.filterset.qs

    @cached_property
    def results(self):
        """The results as a queryset, in order (read on SQLite)."""
        if self.query:
            return text_search(self._filtered, self.query)
        if self.default_order_local or self.commune is not None:
            return self._filtered.local_first()
        return self._filtered.order_by("title", "pk")

    @property
    def ids(self):
        """The results as a queryset to select ids from (unordered)."""
        return self.results if self.query else self._filtered

    @property
    def active(self):
        return bool(self.query or self.commune or self.fixed or self.selected_filters())

    def selected_filters(self):
        return {k: v for k, v in self.filterset.form.cleaned_data.items() if v not in (None, "", False)}

    @cached_property
    def _cache_key(self):
        """Keys of what this request finds (fiches.result_cache): made of its criteria, not its
        URL, so that parameters in another order or another page number share them."""
        return result_cache.Keys(
            self.query,
            self.commune.pk if self.commune else None,
            sorted((name, value.pk) for name, value in self.fixed.items()),
            sorted((name, getattr(value, "pk", value)) for name, value in self.selected_filters().items()),
            self.default_order_local,
            get_language(),
            self._open_now_criterion(),
        )

    def _open_now_criterion(self):
        """What the results depend on of the clock: which places are open now, when they count
        them (the facets) or filter by them; nothing otherwise."""
        if not (self.with_facets and self.active) and "ouvert" not in self.selected_filters():
            return None
        ids = sorted(self._structure_ids("open"))
        return hashlib.sha256(repr(ids).encode()).hexdigest()[:16]

    def ranked_ids(self):
        """On SQLite, the ids of every result, in order, read in one query (or from the cache):
        the count, the page and the facets all come from it, instead of each repeating the
        search. (PostgreSQL reads only the page asked: `_found`.)"""
        return self._once(
            "ids",
            lambda: result_cache.cached(
                self._cache_key("ids"), lambda: list(self.results.values_list("pk", flat=True))
            ),
        )

    def _page_ids(self, offset):
        """(number of results, ids of the PER_PAGE results from `offset`, or of the last page
        when `offset` is past the end)."""
        self._offset = offset
        if search_table.enabled():
            found = self._found()
            return found.total, found.ids
        ids = self.ranked_ids()
        offset = min(offset, max(0, len(ids) - 1) // PER_PAGE * PER_PAGE)
        return len(ids), ids[offset : offset + PER_PAGE]

    def _total(self):
        return self._found().total if search_table.enabled() else len(self.ranked_ids())

    # -- PostgreSQL: the search table (fiches.search_table) ------------------------------

    def _found(self):
        """On PostgreSQL, the number of results, the ids of the page asked and, for a search or
        a listing that shows facets, every facet count, in one query over the search table (or
        from the cache)."""
        # Facets already kept for these criteria (another page of the same results): not
        # counted again.
        with_counts = self.with_facets and self.active and self._kept_facets is None
        offset = self._offset

        def find():
            found = self._find(with_counts, offset)
            if with_counts:  # this same page asked again, its facets then kept: read, not searched
                result_cache.keep(self._cache_key("found", False, offset), found)
            return found

        return self._once(
            ("found", offset),
            lambda: result_cache.cached(self._cache_key("found", with_counts, offset), find),
        )

    def _find(self, with_counts, offset):
        conditions, params = [], {}

        def add(sql, value):
            name = f"p{len(params)}"
            params[name] = value
            conditions.append(sql.replace("%s", f"%({name})s"))

        criteria = {**self.selected_filters(), **self.fixed}
        for name, value in criteria.items():
            if name == "theme":
                add("themes @> ARRAY[%s]::int[]", value.pk)
            elif name == "public":
                add("publics @> ARRAY[%s]::int[]", value.pk)
            elif name == "mot_cle":
                add("keywords @> ARRAY[%s]::int[]", value.pk)
            elif name == "territoire":
                add("(departement_wide OR territories @> ARRAY[%s]::int[])", value.pk)
            elif name == "type":
                add("kinds @> ARRAY[%s]::text[]", value)
            elif name == "ouvert":
                add(search_table.among("places", "%s"), self._structure_ids("open"))
            elif name == "sans_rdv":
                conditions.append("walk_in")
        if self.query:
            order = "rank"
        elif self.default_order_local or self.commune is not None:
            order = "local"
        else:
            order = "title"
        facets = None
        if with_counts:
            facets = {
                "territories": self._live_territory_ids(),
                "open": self._structure_ids("open"),
                "keyword_limit": FACET_IDS_LIMIT,
                # The panel lists a chosen category's thématiques (fixed, it shows no themes).
                "thematiques": "theme" in self.selected_filters() and "theme" not in self.fixed,
            }
        config = settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG") or "french_unaccent"
        return search_table.find(
            conditions,
            params,
            order,
            self.query,
            config,
            facets,
            offset=offset,
            limit=PER_PAGE,
            commune=self.commune.pk if self.commune is not None else None,
        )

    def _live_territory_ids(self):
        return self._once(
            "territory-ids",
            lambda: result_cache.cached(
                result_cache.Keys("territory-ids")(),
                lambda: list(TerritoirePage.objects.visible().values_list("pk", flat=True)),
            ),
        )

    def _territory_communes(self):
        """On SQLite, {territory id: [commune ids]} of the live territories, kept with the
        results (PostgreSQL's search table lists each fiche's territories)."""
        return self._once(
            "territories",
            lambda: result_cache.cached(
                result_cache.Keys("territory-communes")(),
                lambda: {
                    t.pk: list(t.covered_communes().values_list("pk", flat=True))
                    for t in TerritoirePage.objects.visible()
                },
            ),
        )

    def _structure_ids(self, which):
        """Ids of the live structures open now ("open", kept for the quarter hour) or with
        walk-in hours ("walk_in"), kept with the results."""

        def read():
            structures = StructurePage.objects.visible()
            query = structures.open_at() if which == "open" else structures.with_walk_in_hours()
            return list(query.values_list("pk", flat=True))

        slot = result_cache.time_slot() if which == "open" else None
        return self._once(
            which, lambda: result_cache.cached(result_cache.Keys("structures", which, slot)(), read)
        )

    def _once(self, name, compute):
        memo = self.__dict__.setdefault("_memo", {})
        if name not in memo:
            memo[name] = compute()
        return memo[name]

    def page(self):
        raw = str(self.request.GET.get("page") or "")
        number = _page_number(raw)
        # Past the end, the ids are those of the last page (one query, not two).
        total, ids = self._page_ids((number - 1) * PER_PAGE)
        number = min(number, max(1, -(-total // PER_PAGE)))
        if raw and str(number) != raw.lstrip("0"):
            messages.info(self.request, _("Cette page de résultats n’existe pas : voici la plus proche."))
        page_obj = Paginator(_Window(total, ids), PER_PAGE).page(number)
        by_id = {f.pk: f for f in FichePage.objects.filter(pk__in=ids).only(*FICHE_RESULT_FIELDS)}
        page_obj.results = self._results([by_id[pk] for pk in ids if pk in by_id])
        return page_obj

    def _results(self, fiches):
        by_fiche = {f.pk: [] for f in fiches}
        if self.commune is not None and fiches:
            by_fiche = FichePage.card_places(list(by_fiche))
        results = []
        for fiche in fiches:
            structures = by_fiche[fiche.pk]
            ranked = []
            if self.commune is not None and self.commune.has_position:
                ranked = sorted(
                    (
                        (s, s.distance_km_from(self.commune.latitude, self.commune.longitude))
                        for s in structures
                    ),
                    key=lambda item: (item[1] is None, item[1] or 0, item[0].title),
                )[:PLACES_PER_RESULT]
            results.append(
                Result(
                    fiche, ranked, highlight(fiche.summary, self.query), highlight(fiche.title, self.query)
                )
            )
        return results

    def map(self, page_obj):
        if self.commune is None:
            return None
        places = [item for r in page_obj.results for item in r.places]
        return map_data(places, self.request, self.commune)

    def matching_structures(self, limit=5):
        if not self.query:
            return []
        ids = result_cache.cached(
            self._cache_key("structures", limit),
            lambda: [
                s.pk for s in StructurePage.objects.visible().search(self.query, operator="and")[:limit]
            ],
        )
        by_id = StructurePage.objects.visible().select_related("commune").in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    # -- Facets -------------------------------------------------------------------------

    def facets(self):
        """Each facet with its options: label, count within the results, and the URL that
        selects (or, when selected, removes) it. The counts are kept in the cache with the
        results; the URLs are this request's."""
        facets = self._kept_facets
        if facets is None:
            facets = result_cache.cached(self._cache_key("facets"), self._count_facets)
        return [
            {
                **facet,
                "options": [
                    {
                        **option,
                        "url": self._option_url(
                            facet["name"], None if option["selected"] else option["value"]
                        ),
                    }
                    for option in facet["options"]
                ],
            }
            for facet in facets
        ]

    @cached_property
    def _kept_facets(self):
        """The facets panel kept for these criteria, read once per request."""
        return result_cache.peek(self._cache_key("facets"))

    def _count_facets(self):
        counts = self._found().counts if search_table.enabled() else self._counts_from_tables()
        selected = self.selected_filters()
        facets = [
            self._theme_facet(counts.get("theme", {}), selected.get("theme")),
            self._public_facet(counts.get("public", {}), selected.get("public")),
            self._territory_facet(counts.get("territoire", {}), selected.get("territoire")),
            self._kind_facet(counts.get("type", {}), selected.get("type")),
            *self._boolean_facets(counts, selected),
            # Frequent keywords help on a narrow result set; over thousands of results they
            # cost more than they tell.
            self._keyword_facet(counts.get("mot_cle", {}), selected.get("mot_cle"))
            if self._total() <= FACET_IDS_LIMIT
            else None,
        ]
        return [f for f in facets if f and f["options"] and f["name"] not in self.fixed]

    def _option_url(self, name, value):
        """This request's URL with the parameter `name` set to `value` (None: removed), in its
        place, and without the page number: what QueryDict.copy() and urlencode() would give.
        The other parameters, before and after `name`, are encoded once per facet, not once
        per option (a panel has some fifty)."""
        around = self.__dict__.setdefault("_encoded_around", {})
        if name not in around:
            items = list(self._query_lists.items())
            at = next((n for n, (key, _values) in enumerate(items) if key == name), len(items))
            around[name] = tuple(
                urlencode([(key, v) for key, values in part for v in values])
                for part in (items[:at], items[at + 1 :])
            )
        before, after = around[name]
        middle = "" if value is None else urlencode([(name, value)])
        encoded = "&".join(part for part in (before, middle, after) if part)
        return f"?{encoded}" if encoded else self.request.path

    @cached_property
    def _query_lists(self):
        return {key: values for key, values in self.request.GET.lists() if key != "page"}

    @staticmethod
    def _option(label, count, value, is_selected):
        return {"label": str(label), "count": count, "value": value, "selected": is_selected}

    # Counting, on SQLite (PostgreSQL counts in the search table): {facet: {value: n}}, the
    # values as strings, as the search table gives them.

    def _counts_from_tables(self):
        ids = self.ranked_ids()
        if len(ids) > FACET_IDS_LIMIT:
            ids = self.ids.order_by().values("pk")
        themes = FichePage.themes.through.objects.filter(fichepage_id__in=ids)
        counts = {
            "theme": {
                **self._grouped(
                    themes.annotate(t=Coalesce("theme__parent_id", "theme_id")), "t", "fichepage_id"
                ),
                **self._grouped(themes.filter(theme__parent__isnull=False), "theme_id", "fichepage_id"),
            },
            "public": self._grouped(
                FichePage.publics.through.objects.filter(fichepage_id__in=ids), "public_id", "fichepage_id"
            ),
            "type": self._grouped(
                FichePlace.objects.filter(fiche_id__in=ids, structure__in=StructurePage.objects.visible()),
                "structure__kind",
                "fiche_id",
            ),
            "mot_cle": self._grouped(
                FicheKeyword.objects.filter(content_object_id__in=ids), "tag_id", "content_object_id"
            )
            if len(self.ranked_ids()) <= FACET_IDS_LIMIT
            else {},
        }
        fiches = FichePage.objects.filter(pk__in=ids)
        counts["territoire"] = {
            str(pk): n
            for pk, communes in self._territory_communes().items()
            if (n := fiches.in_territory(communes).count())
        }
        places = FichePlace.objects.filter(fiche_id__in=ids)
        counts.update(
            places.aggregate(
                ouvert=Count(
                    "fiche_id", distinct=True, filter=Q(structure_id__in=self._structure_ids("open"))
                ),
                sans_rdv=Count(
                    "fiche_id", distinct=True, filter=Q(structure_id__in=self._structure_ids("walk_in"))
                ),
            )
        )
        return counts

    @staticmethod
    def _grouped(queryset, key, fiche):
        rows = queryset.values(key).annotate(n=Count(fiche, distinct=True)).values_list(key, "n")
        return {str(value): n for value, n in rows if n}

    # Presenting: label, count, value and whether it is selected, for each option.

    @staticmethod
    def _option(label, count, value, is_selected):
        return {"label": str(label), "count": count, "value": value, "selected": is_selected}

    def _theme_facet(self, counts, current):
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
        options = [
            self._option(t.name, counts.get(str(t.pk), 0), t.slug, current is not None and t.pk == current.pk)
            for t in themes
        ]
        return {"name": "theme", "label": _("Thème"), "options": options}

    def _public_facet(self, counts, current):
        publics = Public.objects.filter(pk__in=[int(k) for k in counts]).order_by("sort_order", "name")
        options = [
            self._option(p.name, counts[str(p.pk)], p.slug, current is not None and current.pk == p.pk)
            for p in publics
        ]
        return {"name": "public", "label": _("Public"), "options": options}

    def _territory_facet(self, counts, current):
        territories = (
            TerritoirePage.objects.visible().filter(pk__in=[int(k) for k in counts]).order_by("title")
        )
        options = [
            self._option(t.title, counts[str(t.pk)], t.slug, current is not None and current.pk == t.pk)
            for t in territories
        ]
        return {"name": "territoire", "label": _("Territoire"), "options": options}

    def _kind_facet(self, counts, current):
        labels = dict(StructureKind.choices)
        options = [
            self._option(labels.get(kind, kind), n, kind, kind == current)
            for kind, n in sorted(counts.items(), key=lambda row: str(labels.get(row[0], row[0])))
        ]
        return {"name": "type", "label": _("Type de lieu"), "options": options}

    def _boolean_facets(self, counts, selected):
        """ "Open now" and "walk-in"."""
        facets = []
        for name, label, option_label in (
            ("ouvert", _("Lieux"), _("Un lieu ouvert maintenant")),
            ("sans_rdv", None, _("Un lieu sans rendez-vous")),
        ):
            is_selected = bool(selected.get(name))
            n = counts.get(name) or 0
            if n or is_selected:
                facets.append(
                    {
                        "name": name,
                        "label": label,
                        "options": [self._option(option_label, n, "1", is_selected)],
                    }
                )
            else:
                facets.append(None)
        return facets

    def _keyword_facet(self, counts, current):
        tags = Tag.objects.filter(pk__in=[int(k) for k in counts])
        ranked = sorted(tags, key=lambda t: (-counts[str(t.pk)], t.name))[:KEYWORDS_SHOWN]
        options = [
            self._option(t.name, counts[str(t.pk)], t.slug, current is not None and current.pk == t.pk)
            for t in ranked
        ]
        return {"name": "mot_cle", "label": _("Mots-clés fréquents"), "options": options}


# How a listing's URL fixes a facet.
FIXED_FILTERS = {
    "theme": lambda qs, theme: qs.with_theme(theme),
    "public": lambda qs, public: qs.with_public(public),
    "territoire": lambda qs, territory: qs.in_territory(territory.covered_communes()),
    "mot_cle": lambda qs, tag: qs.with_keyword(tag),
}
