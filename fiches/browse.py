"""Finding fiches for one request: text query, facets and the chosen commune.

One `Browse` serves the search page and every listing (theme, public, keyword, territory,
commune): a listing is a search whose filter is fixed by its URL. The facets (fiches.facets)
are read from the query string, so every combination is a shareable URL that works without
JavaScript; each facet value carries the number of results it would give. The search itself is
fiches.search's; what it finds is kept in the cache (fiches.result_cache).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from territories.maps import map_data
from territories.models import Commune, StructurePage

from . import facets, query, result_cache, search
from .commune_choice import chosen_commune, clean_text, remember
from .models import FichePage, Theme

MAX_QUERY_LENGTH = 200
# The query-string parameter asking for the words as typed (no correction of typing slips).
AS_TYPED = "tel_quel"
PER_PAGE = 20
PLACES_PER_RESULT = 3
# Up to this many results, frequent keywords are shown (fiches.facets.KeywordFacet).
FACET_IDS_LIMIT = 3000
# Beyond any real result list; keeps a page number typed as 20 digits a plain integer in SQL.
MAX_PAGE = 100_000

# The facets as query-string parameters, validated.
FicheFilter = facets.filterset_class()


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
        self.query = read_query(request)
        if self.query and not query.has_words(self.query):
            messages.warning(
                request,
                _(
                    "Votre recherche ne contient aucun mot : tapez un besoin, un sigle ou le nom d’un dispositif."
                ),
            )
        # "Rechercher les mots tels quels": no correction of typing slips (fiches.search.find).
        self.as_typed = request.GET.get(AS_TYPED) == "1"
        self.corrected = ""  # the text searched instead of the query, when it found nothing
        self.partial = False  # no fiche has all the words: the results have some of them
        # The commune typed in the need box ("aide alimentaire Montceau", "71100"), if any:
        # it becomes the commune criterion and the other words the need (removable, see
        # `without_commune_url`; `tel_quel=1` reads the words as typed).
        self.named_commune = None
        if commune is None and self.query and not self.as_typed:
            self.named_commune = Commune.objects.of_departement().named_in(self.query)
        if self.named_commune is not None:
            named = self.named_commune
            self.query, commune, self.candidates = named.rest, named.commune, named.candidates
            remember(request, commune)
            self.typed_commune = commune.name
            if self.candidates:
                messages.info(
                    request,
                    _(
                        "« %(typed)s » est le code postal de plusieurs communes : voici les résultats "
                        "pour %(name)s, ou choisissez une autre commune ci-dessous."
                    )
                    % {"typed": named.typed, "name": commune.name},
                )
        elif commune is None:
            commune, self.typed_commune, self.candidates = chosen_commune(request)
        else:
            self.typed_commune, self.candidates = commune.name, []
        self.commune = commune
        self.default_order_local = default_order_local
        data = request.GET.copy()
        for name in self.fixed:
            data.pop(name, None)
        # Validated only: the search reads the values chosen, not the FilterSet's queryset.
        self.filterset = FicheFilter(data, queryset=FichePage.objects.none())
        if self.filterset.errors:
            messages.warning(request, _("Un filtre inconnu a été ignoré : vérifiez le lien utilisé."))

    def without_commune_url(self):
        """This search without the commune read in the need box: the need's words, or the
        words as typed when they were only the commune."""
        query = self.query or self.named_commune.typed
        params = [(k, v) for k, values in self.request.GET.lists() for v in values]
        params = [(k, v) for k, v in params if k not in ("q", "commune", "insee", "page", "tel_quel")]
        return "?" + urlencode([("q", query), ("commune", ""), ("tel_quel", "1"), *params])

    @property
    def active(self):
        return bool(self.query or self.commune or self.fixed or self.selected_filters())

    def found_little(self, total):
        """Whether this search counts as a need without an answer (fiches.needs): words were
        typed, `FICHES_FEW_RESULTS` fiches or fewer were found, on the first page, with no
        filter narrowing it (a filter that empties a list says nothing of the offer), and not
        the return from "Je n'ai pas trouvé" (`signale`: that search was counted already); or no
        fiche had all its words (the results have some of them: fiches.search.find)."""
        return (
            bool(self.query)
            and self.request.GET.get("signale") != "1"
            and (total <= settings.FICHES_FEW_RESULTS or self.partial)
            and not self.fixed
            and not self.selected_filters()
            and _page_number(str(self.request.GET.get("page") or "")) == 1
        )

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
            self.as_typed,
            get_language(),
            self._open_now_criterion(),
        )

    def _open_now_criterion(self):
        """What the results depend on of the clock: which places are open now, when they count
        them (the facets) or filter by them; nothing otherwise."""
        if not (self.with_facets and self.active) and "ouvert" not in self.selected_filters():
            return None
        return hashlib.sha256(repr(sorted(self._open_ids())).encode()).hexdigest()[:16]

    def _open_ids(self):
        """Ids of the visible structures open now, kept for the quarter hour."""

        def read():
            return list(StructurePage.objects.visible().open_at().values_list("pk", flat=True))

        return self._once(
            "open",
            lambda: result_cache.cached(
                result_cache.Keys("structures", "open", result_cache.time_slot())(), read
            ),
        )

    @cached_property
    def _criteria(self):
        chosen = {**self.selected_filters(), **self.fixed}
        if self.query:
            order = "rank"
        elif self.default_order_local or self.commune is not None:
            order = "local"
        else:
            order = "title"
        return search.Criteria(
            text=self.query,
            config=settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG") or "french_unaccent",
            commune_id=self.commune.pk if self.commune is not None else None,
            chosen={name: facets.BY_NAME[name].key(value) for name, value in chosen.items()},
            order=order,
            correct=not self.as_typed,
            context=facets.Context(open_ids=self._open_ids() if "ouvert" in chosen or self._counting else []),
        )

    @cached_property
    def _counting(self):
        """Whether this request counts the facets: a search or a listing that shows them, when
        no panel is kept for these criteria (another page of the same results)."""
        return self.with_facets and self.active and self._kept_facets is None

    def _found(self, offset):
        """The number of results, the ids of the page asked and, when counted, every facet
        count, from the search (fiches.search) or the cache."""
        counting = self._counting

        def find():
            found = search.find(self._criteria, offset, PER_PAGE, count=counting)
            if counting:  # this same page asked again, its facets then kept: read, not searched
                result_cache.keep(self._cache_key("found", False, offset), found)
            return found

        return self._once(
            ("found", offset),
            lambda: result_cache.cached(self._cache_key("found", counting, offset), find),
        )

    def _once(self, name, compute):
        memo = self.__dict__.setdefault("_memo", {})
        if name not in memo:
            memo[name] = compute()
        return memo[name]

    def page(self):
        raw = str(self.request.GET.get("page") or "")
        number = _page_number(raw)
        self._offset = (number - 1) * PER_PAGE
        # Past the end, the ids are those of the last page (one search, not two).
        found = self._found(self._offset)
        total, ids = found.total, found.ids
        self.corrected, self.partial = found.corrected, found.partial
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
                    fiche,
                    ranked,
                    highlight(fiche.summary, self.searched_text),
                    highlight(fiche.title, self.searched_text),
                )
            )
        return results

    def map(self, page_obj):
        if self.commune is None:
            return None
        places = [item for r in page_obj.results for item in r.places]
        return map_data(places, self.request, self.commune)

    @property
    def searched_text(self):
        """The words searched: the query, or its correction (known once the page is read)."""
        return self.corrected or self.query

    def as_typed_url(self):
        """This search without the correction of its typing slips."""
        return self._option_url(AS_TYPED, "1")

    def matching_structures(self, limit=5):
        if not self.query:
            return []
        text_query = query.wagtail_query(self.searched_text)
        if text_query is None:
            return []
        ids = result_cache.cached(
            self._cache_key("structures", limit),
            lambda: [s.pk for s in StructurePage.objects.visible().search(text_query)[:limit]],
        )
        by_id = StructurePage.objects.visible().select_related("commune").in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    # -- Facets -------------------------------------------------------------------------

    def facets(self):
        """Each facet with its options: label, count within the results, and the URL that
        selects (or, when selected, removes) it. The counts are kept in the cache with the
        results; the URLs are this request's."""
        panels = self._kept_facets
        if panels is None:
            panels = result_cache.cached(self._cache_key("facets"), self._count_facets)
        return [
            {
                **panel,
                "options": [
                    {
                        **option,
                        "url": self._option_url(
                            panel["name"], None if option["selected"] else option["value"]
                        ),
                    }
                    for option in panel["options"]
                ],
            }
            for panel in panels
        ]

    @cached_property
    def _kept_facets(self):
        """The facets panel kept for these criteria, read once per request."""
        return result_cache.peek(self._cache_key("facets"))

    def _count_facets(self):
        """The panels (fiches.facets), from the counts of the page's search."""
        found = self._found(getattr(self, "_offset", 0))
        selected = self.selected_filters()
        panels = []
        for facet in facets.FACETS:
            if facet.name in self.fixed or (facet.only_few_results and found.total > FACET_IDS_LIMIT):
                continue
            if isinstance(facet, facets.PlaceFacet):
                counts = found.flags.get(facet.name, 0)
            else:
                counts = facet.counts(found.counted)
            options = facet.options(counts, selected.get(facet.name), found)
            if options:
                panels.append(facet.panel(options))
        return panels

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
