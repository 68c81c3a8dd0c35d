# ruff: noqa: S608 — table names come from the models' own metadata, never from input.
"""The hand-written SQL of search, each statement with the reason the ORM cannot say it.
Everything else (the rows, their indexes, every search, filter and count) is the ORM's:
fiches.search_rows and fiches.search. PostgreSQL only."""

from contextlib import contextmanager

from django.db import connection, transaction

# The tables a search row is made of.
SOURCE_MODELS = (
    "wagtailcore.Page",
    "wagtailcore.PageViewRestriction",
    "fiches.FichePage",
    "fiches.Theme",
    "fiches.FicheKeyword",
    "fiches.FicheCoveredCommune",
    "fiches.FichePlace",
    "territories.StructurePage",
    "territories.OpeningSlot",
    "territories.Commune",
    "territories.TerritoirePage",
    "wagtailsearch.IndexEntry",
)


def analyze(*models):
    """ANALYZE (no ORM call gathers the planner's statistics). After a bulk import or a
    rebuild the planner would otherwise take the tables for empty and read every page of the
    site once per fiche."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def analyze_sources():
    from django.apps import apps

    analyze(*(apps.get_model(label) for label in SOURCE_MODELS))


# A page read out of order costs little more than the next one when the tables are in memory
# (a few hundred megabytes at 100,000 fiches): PostgreSQL's default random_page_cost (4, for
# spinning disks) would read the whole table for a word in a fifth of the rows, where the word's
# index leads to those rows alone.
RANDOM_PAGE_COST = 1.1


@contextmanager
def planner_settings():
    """A search's queries in one transaction with the planner told that the tables are in
    memory and given room to sort and count in memory (set_config: settings, not queries)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', '32MB', true), set_config('random_page_cost', %s, true)",
            [str(RANDOM_PAGE_COST)],
        )
        yield


# The search tables of the first versions (migrations 0010 to 0018), made by hand-written
# DDL, with the trigger that emptied them: dropped by migration 0019, which made them a model.
DROP_HAND_MADE_TABLES = [
    "DROP TRIGGER IF EXISTS fiches_search_forget_deleted ON fiches_fichepage",
    "DROP TRIGGER IF EXISTS fiches_search_forget_truncated ON fiches_fichepage",
    "DROP FUNCTION IF EXISTS fiches_search_forget()",
    "DROP TABLE IF EXISTS fiches_search",
    "DROP TABLE IF EXISTS fiches_search_text",
]
