"""Close terms for a query that found nothing: the names of themes, publics and keywords that
look like what was typed ("logemnt" → "Logement"). Trigram similarity on PostgreSQL (pg_trgm,
accents ignored), difflib elsewhere: both forgive a typing slip."""

import difflib

from django.db import connection
from django.db.models import F, Func, Value
from taggit.models import Tag

from territories.geo import normalize_name

from .models import FicheKeyword, Public, Theme

SIMILARITY = 0.3  # pg_trgm's own default threshold
DIFFLIB_CUTOFF = 0.7


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
