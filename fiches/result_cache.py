"""The site's one cache of derived values: what a search or a listing finds, a fiche's places
and the printed handouts, kept under keys holding one generation number, which
fiches.signal_handlers increments (now and after the commit) whenever published content changes.

A search or a listing reads every matching fiche id in rank order, then counts each facet over
them. At 100,000 fiches a broad query ("logement", a theme, a large commune) matches tens of
thousands of fiches and costs hundreds of milliseconds, while the same queries, themes and
communes are asked all day across the network. So what they find (the ids in order, the facet
counts, the matching structures) is kept for `FICHES_RESULTS_CACHE_SECONDS` (15 minutes; 0
turns it off) under a key made of everything it depends on:

- the request's criteria (text, commune, facets, the listing's fixed facet) and the language;
- for results that count or filter the places open now, which of them are open (the list of
  the open places is itself kept for the quarter hour, `time_slot`: opening hours change on the
  quarter hour in practice). Results stay valid from one quarter hour to the next while the
  same places are open: all night, all weekend, most of a morning;
- a generation number, incremented whenever a page is saved, moved or deleted, a theme, a
  public or a keyword changes, or a fiche's covered communes are recomputed
  (fiches.signal_handlers): a published change shows in the next search, never 15 minutes
  later.

The page of results itself (titles, summaries, distances) is read afresh, except each fiche's
places, kept here one entry per fiche (`FichePage.card_places`). A fiche page keeps here what it
shows of its relations (`FichePage.shown_relations`; never for a preview).
Handouts (fiches.handouts) put the same generation in their keys: all follow the same changes.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from territories.caching import now_and_after_commit


class Generation:
    """A number kept in the cache and put into other keys: incrementing it retires them all at
    once, however many there are (they expire on their own)."""

    def __init__(self, key):
        self.key = key

    def current(self):
        return cache.get_or_set(self.key, 1, None)

    def bump(self):
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache (evicted, or never read): any new value will do
            cache.set(self.key, 2, None)


GENERATION = Generation("fiches:results-generation")
KEY_PREFIX = "fiches:results:"
DEFAULT_SECONDS = 15 * 60
SLOT_MINUTES = 15


def seconds():
    return getattr(settings, "FICHES_RESULTS_CACHE_SECONDS", DEFAULT_SECONDS)


def forget_results(**signal_kwargs):
    """Signal handler: what was kept before a change is never read again."""
    now_and_after_commit(GENERATION.bump)


def time_slot(now=None):
    now = timezone.localtime(now)
    return now.strftime("%Y%m%d%H") + f"{now.minute // SLOT_MINUTES:d}"


class Keys:
    """Cache keys for what one request finds: the generation is read once, then every key adds
    its own criteria (any repr-able values). The query text goes into a hash, never into the
    cache in clear."""

    def __init__(self, *criteria):
        self.criteria = (GENERATION.current(), *criteria)

    def __call__(self, *more):
        return KEY_PREFIX + hashlib.sha256(repr((*self.criteria, *more)).encode()).hexdigest()


def cached(cache_key, compute):
    """`compute()`, or what it gave for the same key earlier."""
    if not seconds():
        return compute()
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds())
    return value


def cached_many(keys, compute):
    """{id: value} for every id of `keys` ({id: cache key}): what is kept under those keys, read
    in one call, and `compute(missing ids)` ({id: value}) for the others, kept in turn."""
    if not seconds():
        return compute(list(keys))
    kept = cache.get_many(list(keys.values()))
    values = {id_: kept[key] for id_, key in keys.items() if key in kept}
    missing = [id_ for id_ in keys if id_ not in values]
    if missing:
        fresh = compute(missing)
        cache.set_many({keys[id_]: fresh[id_] for id_ in missing}, seconds())
        values.update(fresh)
    return values


def keep(cache_key, value):
    """Keep `value` under this key too (what `cached` would read there)."""
    if seconds():
        cache.set(cache_key, value, seconds())


def peek(cache_key):
    """What `cached` keeps under this key, or None (nothing kept, or no cache)."""
    return cache.get(cache_key) if seconds() else None
