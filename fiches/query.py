"""What a typed search looks for: its words, each run of them that is a term of the synonyms
and acronyms list (fiches.models.Synonym) widened to the term's equivalents, as one query for
each search that reads it:

- PostgreSQL's text search over the search rows (fiches.search.TableSearch): every part must
  match, a widened part by any of its phrasings (`postgres_query`);
- Wagtail's search backend (fiches.search.MemorySearch on SQLite, and the matching structures
  on both databases): the same tree of Wagtail query objects (`wagtail_query`).

Only the words are searched: punctuation, quotes and symbols typed with them are dropped, so
that no character has a meaning for a database's query syntax.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery
from wagtail.search.query import And, Or, PlainText

from . import result_cache

WORD = re.compile(r"\w+")
# A term of at most this many words: longer runs of the query are never compared.
MAX_TERM_WORDS = 6


@lru_cache(maxsize=8192)
def fold(word):
    """Lower case without accents nor ligatures: "Électricité" → "electricite", "cœur" → "coeur"."""
    word = unicodedata.normalize("NFKD", word.lower()).replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in word if not unicodedata.combining(c))


def fold_words(text):
    """The words of `text`, folded; apostrophes and hyphens separate words."""
    return [fold(w) for w in WORD.findall(text or "")]


def _singular(word):
    """A folded word with a plural's final s or x dropped, so that "couches" is the term "couche";
    short words are kept whole ("pas" is not the acronym "PASS")."""
    return word[:-1] if len(word) > 4 and word[-1] in "sx" else word


def _key(words):
    """What a run of words is compared by: its words, singular, in any order ("handicapé
    enfant" is the term "enfant handicapé")."""
    return tuple(sorted(_singular(w) for w in words))


@dataclass(frozen=True)
class Part:
    """A run of the query's words as typed, and when it is a term of the synonyms list, every
    phrasing searched for it (the term and its equivalents)."""

    typed: str
    alternatives: tuple = ()

    @property
    def phrasings(self):
        return (self.typed, *(a for a in self.alternatives if fold_words(a) != fold_words(self.typed)))


class Synonyms:
    """The synonyms list, read once per generation of the result cache (an edit of it bumps
    the generation: fiches.signal_handlers), as {words' key: phrasings}."""

    def __init__(self, entries):
        self.groups = {}
        for term, equivalents, both_ways in entries:
            phrasings = (term, *(e.strip() for e in equivalents if fold_words(e)))
            for typed in phrasings if both_ways else (term,):
                words = fold_words(typed)
                if words and len(words) <= MAX_TERM_WORDS:
                    current = self.groups.get(_key(words), ())
                    self.groups[_key(words)] = current + tuple(p for p in phrasings if p not in current)
        self.words = {w for key in self.groups for w in key}

    @classmethod
    def current(cls):
        from .models import Synonym

        def read():
            rows = Synonym.objects.order_by("key").values_list("term", "equivalents", "both_ways")
            return cls((term, equivalents.split(","), both) for term, equivalents, both in rows)

        # In the one result cache, under its generation (dropped by any edit), like the rest.
        return result_cache.cached(result_cache.Keys("synonyms")(), read)

    def knows(self, word):
        """Whether a folded word is part of a term or an equivalent (never a typing slip)."""
        return _singular(word) in self.words

    def parts(self, text):
        """The query's words in parts: the longest runs that are terms, and each other word."""
        words = WORD.findall(text or "")
        folded = [fold(w) for w in words]
        parts, i = [], 0
        while i < len(words):
            for n in range(min(MAX_TERM_WORDS, len(words) - i), 0, -1):
                alternatives = self.groups.get(_key(folded[i : i + n]))
                if alternatives:
                    parts.append(Part(" ".join(words[i : i + n]), alternatives))
                    i += n
                    break
            else:
                parts.append(Part(words[i]))
                i += 1
        return parts


def parts(text):
    return Synonyms.current().parts(text)


def has_words(text):
    return bool(WORD.search(text or ""))


def postgres_query(text, config, any_part=False):
    """A django.contrib.postgres SearchQuery for the search rows' text vectors, or None when
    the text has no word. Every part must match; with `any_part`, one of them is enough."""
    query = None
    for part in parts(text):
        alternatives = None
        for phrasing in part.phrasings:
            one = SearchQuery(" ".join(WORD.findall(phrasing)), config=config, search_type="plain")
            alternatives = one if alternatives is None else alternatives | one
        if query is None:
            query = alternatives
        else:
            query = query | alternatives if any_part else query & alternatives
    return query


def wagtail_query(text, any_part=False):
    """The same query for Wagtail's search backend, or None when the text has no word."""
    queries = []
    for part in parts(text):
        phrasings = [PlainText(" ".join(WORD.findall(p)), operator="and") for p in part.phrasings]
        queries.append(phrasings[0] if len(phrasings) == 1 else Or(phrasings))
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return Or(queries) if any_part else And(queries)
