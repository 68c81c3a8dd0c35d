"""Typing slips, for a query that found nothing:

- `corrected(text)`: the text with each word the fiches never use replaced by the closest word
  of their vocabulary (fiches.search_rows: the words of the search rows), "logemnt" →
  "logement"; fiches.search searches it when the words as typed find nothing;
- `close_terms(text)`: the names of themes, publics and keywords that look like what was
  typed, proposed when even that finds nothing.

Trigram similarity on PostgreSQL (pg_trgm, accents ignored, through the vocabulary's trigram
index), difflib elsewhere: both forgive a typing slip."""

import difflib

from django.db import connection
from django.db.models import F, Func, Value
from taggit.models import Tag

from territories.geo import normalize_name

from . import result_cache, search_rows
from .models import FicheKeyword, FichePage, Public, Theme
from .query import WORD, Synonyms, fold

SIMILARITY = 0.3  # pg_trgm's own default threshold
DIFFLIB_CUTOFF = 0.7
# A word is replaced only by one this close: a slip, not another word.
CORRECTION_SIMILARITY = 0.4
CORRECTION_CUTOFF = 0.8


def corrected(text):
    """`text` with its unknown words replaced by the closest words of the vocabulary, or None
    when no word was replaced. A word of the synonyms list, a short word (an acronym) or one
    with digits is kept as typed."""
    synonyms = Synonyms.current()
    words = [(match, fold(match.group())) for match in WORD.finditer(text or "")]
    candidates = {
        folded
        for _match, folded in words
        if len(folded) >= search_rows.MIN_WORD_LENGTH and folded.isalpha() and not synonyms.knows(folded)
    }
    if not candidates:
        return None
    closest = _trigram_words if search_rows.enabled() else _difflib_words
    replacements = closest(sorted(candidates))
    if not replacements:
        return None
    out, last = [], 0
    for match, folded in words:
        if folded in replacements:
            out += [text[last : match.start()], replacements[folded]]
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _trigram_words(candidates):
    """{unknown word: closest word} through the vocabulary's trigram index (PostgreSQL)."""
    from django.contrib.postgres.lookups import TrigramSimilar
    from django.contrib.postgres.search import TrigramSimilarity

    known = set(search_rows.SearchWord.objects.filter(folded__in=candidates).values_list("folded", flat=True))
    found = {}
    for folded in candidates:
        if folded in known:
            continue
        word = (
            search_rows.SearchWord.objects.filter(TrigramSimilar(F("folded"), Value(folded)))
            .annotate(similarity=TrigramSimilarity("folded", Value(folded)))
            .filter(similarity__gte=CORRECTION_SIMILARITY)
            .order_by("-similarity", "folded")
            .values_list("word", flat=True)
            .first()
        )
        if word:
            found[folded] = word
    return found


def _difflib_words(candidates):
    """{unknown word: closest word} by difflib over the vocabulary, kept in the result cache."""

    def read():
        return search_rows.vocabulary(FichePage.objects.visible().values_list("pk", flat=True))

    vocabulary = result_cache.cached(result_cache.Keys("vocabulary")(), read)
    found = {}
    for folded in candidates:
        if folded in vocabulary:
            continue
        close = difflib.get_close_matches(folded, list(vocabulary), n=1, cutoff=CORRECTION_CUTOFF)
        if close:
            found[folded] = vocabulary[close[0]]
    return found


def _vocabulary():
    used_tags = Tag.objects.filter(pk__in=FicheKeyword.objects.values("tag_id"))
    return [Theme.objects.all(), Public.objects.all(), used_tags]


def close_terms(query, limit=5):
    query = (query or "").strip()[:100]
    if len(query) < 3:
        return []
    if connection.vendor == "postgresql":
        return _trigram_terms(query, limit)
    return _difflib_terms(query, limit)


def _trigram_terms(query, limit):
    from django.contrib.postgres.search import TrigramWordSimilarity

    scored = {}
    for queryset in _vocabulary():
        rows = (
            queryset.annotate(
                similarity=TrigramWordSimilarity(
                    Func(Value(query), function="unaccent"), Func(F("name"), function="unaccent")
                )
            )
            .filter(similarity__gte=SIMILARITY)
            .order_by("-similarity")
            .values_list("name", "similarity")[:limit]
        )
        for name, similarity in rows:
            key = normalize_name(name)
            if similarity > scored.get(key, ("", 0))[1]:
                scored[key] = (name, similarity)
    return [name for name, _s in sorted(scored.values(), key=lambda x: -x[1])][:limit]


def _difflib_terms(query, limit):
    names = {}
    for queryset in _vocabulary():
        for name in queryset.values_list("name", flat=True):
            names.setdefault(normalize_name(name), name)
            for word in normalize_name(name).split():
                if len(word) > 3:
                    names.setdefault(word, name)
    folded = normalize_name(query)
    found = difflib.get_close_matches(folded, list(names), n=limit * 2, cutoff=DIFFLIB_CUTOFF)
    result = []
    for key in found:
        if names[key] not in result:
            result.append(names[key])
    return result[:limit]
