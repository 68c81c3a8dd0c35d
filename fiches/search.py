"""Finding fiches: one small interface, two implementations.

`engine().find(criteria, offset, limit, count)` gives the number of fiches matching the
criteria (text, commune, chosen facets), the ids of the page asked in order (the last page when
`offset` is past the end) and, with `count`, how many results each facet value has. Both
implementations read the same search rows (fiches.search_rows), the same coverage rule
(fiches.coverage) and the same facet declarations (fiches.facets):

- `TableSearch`, on PostgreSQL: the rows are a table, searched through the ORM (text vectors,
  indexed arrays), each count a single pass over the matches;
- `MemorySearch`, on SQLite (the laptop demo): Wagtail's search backend ranks the text
  matches, the rows of the candidates are built in memory and filtered and counted there.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import SearchRank
from django.db.models import Count, F, Func, Q, TextField

from . import coverage, query, result_cache, search_rows, search_sql
from .facets import BY_NAME, PLACE_FACETS, Context

ORDERS = {
    "rank": ("-rank", "title", "fiche_id"),
    "local": ("departement_wide", "title", "fiche_id"),  # a precise area first
    "title": ("title", "fiche_id"),
}


@dataclass
class Criteria:
    text: str = ""
    config: str = "french_unaccent"  # PostgreSQL's text search configuration
    commune_id: int | None = None
    chosen: dict = field(default_factory=dict)  # {facet name: key}, fiches.facets
    order: str = "title"  # a key of ORDERS ("rank" with a text)
    context: Context = field(default_factory=Context)
    correct: bool = True  # when the text finds nothing, search it with its typing slips corrected
    any_part: bool = False  # fiches matching some of the text's parts (fiches.query), not all


@dataclass
class Found:
    total: int
    ids: list
    counted: dict = field(default_factory=dict)  # {"theme:12": n}: the rows' facet values
    flags: dict = field(default_factory=dict)  # {"departement_wide": n, "ouvert": n, …}
    corrected: str = ""  # the text searched instead of the one typed (fiches.suggest.corrected)
    partial: bool = False  # no fiche has all the words: these have some of them

    @property
    def departement_wide(self):
        return self.flags.get("departement_wide", 0)


def last_page_offset(offset, total, limit):
    """`offset`, or that of the last page when it is past the end."""
    return min(offset, max(0, total - 1) // limit * limit)


class TableSearch:
    """PostgreSQL: the search rows' table."""

    def find(self, criteria, offset, limit, count=False):
        rows = search_rows.SearchRow.objects.all()
        for name, key in criteria.chosen.items():
            rows = rows.filter(BY_NAME[name].q(key, criteria.context))
        text_query = None
        if criteria.text:
            text_query = query.postgres_query(criteria.text, criteria.config, criteria.any_part)
            if text_query is None:  # no word in it: nothing matches
                return Found(0, [])
            rows = rows.filter(document=text_query)
        with search_sql.planner_settings():
            if criteria.commune_id is not None and criteria.order == "local":
                found = Found(*self._local(rows, criteria.commune_id, offset, limit))
                if count:
                    self._count(rows.filter(coverage.row_q(criteria.commune_id)), criteria.context, found)
                return found
            if criteria.commune_id is not None:
                rows = rows.filter(coverage.row_q(criteria.commune_id))
            found = Found(0, [])
            if count:
                self._count(rows, criteria.context, found)
            else:
                found.total = rows.count()
            offset = last_page_offset(offset, found.total, limit)
            ranked = rows.annotate(rank=SearchRank(F("document"), text_query)) if text_query else rows
            page = ranked.order_by(*ORDERS[criteria.order]).values_list("fiche_id", flat=True)
            found.ids = list(page[offset : offset + limit])
        return found

    @staticmethod
    def _local(rows, commune_id, offset, limit):
        """What applies to a commune, its own fiches first, then the département-wide ones,
        each by title. The two parts are read apart, each through its own index: read together,
        the département-wide fiches (a third of them all, say) made every such listing read
        the whole table."""
        own = rows.filter(departement_wide=False, communes__contains=[commune_id])
        wide = rows.filter(departement_wide=True)
        own_total, wide_total = own.count(), wide.count()
        offset = last_page_offset(offset, own_total + wide_total, limit)
        ids = list(
            own.order_by("title", "fiche_id").values_list("fiche_id", flat=True)[offset : offset + limit]
        )
        if len(ids) < limit:
            start = max(0, offset - own_total)
            more = wide.order_by("title", "fiche_id").values_list("fiche_id", flat=True)
            ids += list(more[start : start + limit - len(ids)])
        return own_total + wide_total, ids

    @staticmethod
    def _count(rows, context, found):
        """Every facet value of the matches in one pass; their number and flags in another."""
        values = rows.annotate(value=Func(F("facets"), function="unnest", output_field=TextField()))
        found.counted = dict(values.values("value").annotate(n=Count("*")).values_list("value", "n"))
        found.flags = rows.aggregate(
            total=Count("pk"),
            departement_wide=Count("pk", filter=Q(departement_wide=True)),
            **{f.name: Count("pk", filter=f.q(True, context)) for f in PLACE_FACETS},
        )
        found.total = found.flags.pop("total")


class MemorySearch:
    """SQLite: the rows of the candidates built in memory."""

    def find(self, criteria, offset, limit, count=False):
        from .models import FichePage

        candidates = None
        if criteria.text:
            text_query = query.wagtail_query(criteria.text, criteria.any_part)
            if text_query is None:  # no word in it: nothing matches
                return Found(0, [])
            matches = FichePage.objects.visible().search(text_query).get_queryset()
            candidates = list(matches.values_list("pk", flat=True))
        territories_of = result_cache.cached(
            result_cache.Keys("territories-by-commune")(), coverage.territories_by_commune
        )
        rows = {r.fiche_id: r for r in search_rows.build(candidates, territories_of)}
        matching = [
            row
            for row in (rows.values() if candidates is None else (rows[i] for i in candidates if i in rows))
            if (criteria.commune_id is None or coverage.row_covers(row, criteria.commune_id))
            and all(BY_NAME[name].test(row, key, criteria.context) for name, key in criteria.chosen.items())
        ]
        if criteria.order == "local":
            matching.sort(key=lambda r: (r.departement_wide, r.title, r.fiche_id))
        elif criteria.order == "title":
            matching.sort(key=lambda r: (r.title, r.fiche_id))
        total = len(matching)
        offset = last_page_offset(offset, total, limit)
        found = Found(total, [r.fiche_id for r in matching[offset : offset + limit]])
        if count:
            found.counted = dict(Counter(v for row in matching for v in row.facets))
            found.flags = {
                "departement_wide": sum(row.departement_wide for row in matching),
                **{
                    f.name: sum(f.test(row, True, criteria.context) for row in matching) for f in PLACE_FACETS
                },
            }
        return found


def engine():
    return TableSearch() if search_rows.enabled() else MemorySearch()


def find(criteria, offset, limit, count=False):
    """`engine().find(…)`; when the text finds nothing, the same search with the text's typing
    slips corrected (fiches.suggest.corrected; `Found.corrected` then says the text searched),
    and when that finds nothing either, the fiches having some of the typed text's parts, best
    first (`Found.partial`). Neither costs anything to a search that finds fiches."""
    found = engine().find(criteria, offset, limit, count)
    if found.total or not criteria.text or not criteria.correct:
        return found
    from .suggest import corrected

    text = corrected(criteria.text)
    if text is not None:
        again = engine().find(replace(criteria, text=text), offset, limit, count)
        if again.total:
            again.corrected = text
            return again
    # The words as typed: a correction that found nothing with all the words is no better.
    if len(query.parts(criteria.text)) > 1:
        some = engine().find(replace(criteria, any_part=True), offset, limit, count)
        if some.total:
            some.partial = True
            return some
    return found
