# ruff: noqa: S608 — the SQL here is made of this module's constants and generated parameter
# names; every value, the query text included, is passed as a parameter.
"""On PostgreSQL, one narrow row per visible fiche (live, under no Wagtail view restriction:
territories.models.VisiblePageQuerySet) with everything search and facets read.

A search reads Wagtail's index entries (several kilobytes a row, joined to the page tables by a
text id) and each facet then joins three or four tables over the result ids: fine at a thousand
fiches, far too slow at a hundred thousand, where a broad query matches tens of thousands. This
table holds, per live fiche, as integer arrays with GIN indexes, its themes (with their
categories), publics, keywords, covered communes, the live territories those communes fall in,
its live places and their kinds, and the facet values (theme categories, publics, territories,
kinds) in one array (`facets`). A second table (TEXT_TABLE) holds the same rows with their
weighted text vector (Wagtail's index vectors: title in weight A, the other fields as Wagtail
weighs them), its arrays indexed too. A listing reads the first, a text
search the second, each alone: a search with its facets and its commune is a single query over
one table whose filters are index lookups (`find`, used by fiches.browse).

It is derived data, rewritten from the source tables by `refresh(ids)`:
- when a page is saved, published, unpublished, moved or deleted (fiches.signal_handlers: the
  fiche itself, or the fiches whose places include a structure that changed);
- when a theme, a public or a keyword changes (the fiches that carry it);
- when a territory is published, unpublished or deleted (`refresh_territory`: its id is
  taken out of every row, then put in the rows whose communes it covers);
- when a view restriction is added, changed or removed, or a page moved (`refresh_subtree`:
  the fiches, places and territories at or below the page): restricted pages have no row, are
  no place nor territory in any row;
- by `manage.py rebuild_fiche_search` (all of it, e.g. after a bulk import with signals off).

SQLite has no arrays and no text vectors: there, search and facets read the source tables
(fiches.browse) and this module does nothing.
"""

import hashlib

from django.db import connection, transaction

from territories.caching import now_and_after_commit
from territories.models import SlotAccess, StructureKind

TABLE = "fiches_search"
# The rows again with their text vectors: a listing or a commune page reads tens of thousands of
# rows of the narrow table (a few hundred bytes each), which with the vectors inline would be
# three times as many pages; a text search reads the matches with their text and their facets
# in one table, where a join of the two would read the narrow table whole (at 100,000 fiches,
# half of a broad search's time).
TEXT_TABLE = "fiches_search_text"

# The indexed arrays, and every column in the order the rows are written (`facets` apart).
ARRAYS = ("themes", "publics", "keywords", "communes", "territories", "places", "kinds")
COLUMNS = ("fiche_id", "title", "departement_wide", *ARRAYS, "walk_in")

TEXT_TABLE_DEFINITION = f"""CREATE TABLE IF NOT EXISTS {TEXT_TABLE} (
    document tsvector NOT NULL,
    LIKE {TABLE} INCLUDING DEFAULTS,
    PRIMARY KEY (fiche_id)
)"""


def array_index(table, column):
    """The name of `table`'s GIN index on its array `column`, and the statement creating it."""
    name = f"{table}_{column}"
    return name, f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column})"


TEXT_ARRAY_INDEXES = [array_index(TEXT_TABLE, column)[1] for column in ARRAYS]

# The département-wide fiches in title order: a commune's listing counts them and takes the
# first of them from here (`find` with a commune and no facets), not from the whole table.
DEPARTEMENT_WIDE_INDEX_NAME = f"{TABLE}_departement_wide"
DEPARTEMENT_WIDE_INDEX = f"CREATE INDEX IF NOT EXISTS {DEPARTEMENT_WIDE_INDEX_NAME} ON {TABLE} (title, fiche_id) WHERE departement_wide"

CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        fiche_id integer PRIMARY KEY,
        title text NOT NULL,
        departement_wide boolean NOT NULL,
        themes integer[] NOT NULL,
        publics integer[] NOT NULL,
        keywords integer[] NOT NULL,
        communes integer[] NOT NULL,
        territories integer[] NOT NULL DEFAULT '{{}}',
        places integer[] NOT NULL,
        kinds text[] NOT NULL,
        walk_in boolean NOT NULL,
        facets integer[] NOT NULL DEFAULT '{{}}'
    )""",
    # Columns added after the first version: every migration that runs CREATE brings an older
    # table to this shape before it rebuilds it.
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS territories integer[] NOT NULL DEFAULT '{{}}'",
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS facets integer[] NOT NULL DEFAULT '{{}}'",
    *(array_index(TABLE, column)[1] for column in ARRAYS),
    f"CREATE INDEX IF NOT EXISTS {TABLE}_title ON {TABLE} (title, fiche_id)",
    DEPARTEMENT_WIDE_INDEX,
    # The same rows with their text: a text search reads this table alone, with no join. The
    # text comes first: a search tests it in every row, most of which it then leaves, and a
    # column after the arrays would be found only by stepping over them (a sixth of a broad
    # search's scan at 100,000 fiches).
    TEXT_TABLE_DEFINITION,
    f"CREATE INDEX IF NOT EXISTS {TEXT_TABLE}_document ON {TEXT_TABLE} USING gin (document)",
    # Its arrays indexed too: a broad word with narrow filters ("aide" for one theme and one
    # public) then reads the few rows all the indexes agree on, not every row with the word.
    *TEXT_ARRAY_INDEXES,
    # A row goes with its fiche, even when the fiche is deleted or its table emptied by SQL
    # (a foreign key would forbid the TRUNCATE Django's test runner and `flush` use).
    f"""CREATE OR REPLACE FUNCTION {TABLE}_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM {TABLE};
            DELETE FROM {TEXT_TABLE};
        ELSE
            DELETE FROM {TABLE} WHERE fiche_id = OLD.page_ptr_id;
            DELETE FROM {TEXT_TABLE} WHERE fiche_id = OLD.page_ptr_id;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {TABLE}_forget_deleted AFTER DELETE ON fiches_fichepage
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_forget()""",
    f"""CREATE OR REPLACE TRIGGER {TABLE}_forget_truncated AFTER TRUNCATE ON fiches_fichepage
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_forget()""",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_forget_deleted ON fiches_fichepage",
    f"DROP TRIGGER IF EXISTS {TABLE}_forget_truncated ON fiches_fichepage",
    f"DROP FUNCTION IF EXISTS {TABLE}_forget()",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP TABLE IF EXISTS {TEXT_TABLE}",
]


def _unrestricted(page):
    """SQL: the page `page` (an alias of wagtailcore_page) is under no view restriction, on
    itself or an ancestor: territories.models.VisiblePageQuerySet.visible() (Wagtail's
    `public()`), in SQL. Rows are only ever written for visible pages, whoever reads them."""
    return f"""NOT EXISTS (SELECT 1 FROM wagtailcore_pageviewrestriction r
        JOIN wagtailcore_page rp ON rp.id = r.page_id WHERE starts_with({page}.path, rp.path))"""


_LIVE_PLACE = f"JOIN wagtailcore_page sp ON sp.id = pl.structure_id AND sp.live AND {_unrestricted('sp')}"

# (territory, commune) for every commune a visible territory covers: TerritoirePage.covered_communes()
# in SQL (the communes of its EPCI in its département, plus those added one by one), because the
# table is also filled by migrations, where the models may not match the tables yet; a test
# checks that the two agree. Computed once per statement (a few hundred rows), not once per fiche.
_TERRITORY_COMMUNES = f"""
tm AS MATERIALIZED (
    SELECT tp.page_ptr_id AS territory, c.id AS commune
    FROM territories_territoirepage tp
    JOIN wagtailcore_page p ON p.id = tp.page_ptr_id AND p.live AND {_unrestricted("p")}
    JOIN wagtailcore_page parent ON parent.path = left(p.path, -4)
    JOIN territories_departementpage d ON d.page_ptr_id = parent.id
    JOIN territories_territoirepage_epcis te ON te.territoirepage_id = tp.page_ptr_id
    JOIN territories_commune c ON c.epci_id = te.epci_id AND c.departement_code = d.code
    UNION
    SELECT tc.territoirepage_id, tc.commune_id
    FROM territories_territoirepage_communes tc
    JOIN wagtailcore_page p ON p.id = tc.territoirepage_id AND p.live AND {_unrestricted("p")}
)"""

# The visible fiches (live, under no view restriction), the source of both tables.
_LIVE_FICHES = f"""
FROM fiches_fichepage f
JOIN wagtailcore_page p ON p.id = f.page_ptr_id AND p.live AND {_unrestricted("p")}
"""
_IDS = " WHERE f.page_ptr_id = ANY(%(ids)s)"

# The rows of the live fiches among %(ids)s (or all of them), from the source tables.
_SELECT = f"""
WITH {_TERRITORY_COMMUNES}
SELECT f.page_ptr_id AS fiche_id,
    p.title AS title,
    f.coverage_kind = 'departement' AS departement_wide,
    ARRAY(SELECT DISTINCT x FROM fiches_fichepage_themes ft
          JOIN fiches_theme t ON t.id = ft.theme_id,
          LATERAL unnest(ARRAY[t.id, t.parent_id]) AS x
          WHERE ft.fichepage_id = f.page_ptr_id AND x IS NOT NULL) AS themes,
    ARRAY(SELECT public_id FROM fiches_fichepage_publics WHERE fichepage_id = f.page_ptr_id) AS publics,
    ARRAY(SELECT tag_id FROM fiches_fichekeyword WHERE content_object_id = f.page_ptr_id) AS keywords,
    ARRAY(SELECT commune_id FROM fiches_fichecoveredcommune WHERE fiche_id = f.page_ptr_id) AS communes,
    ARRAY(SELECT DISTINCT tm.territory FROM fiches_fichecoveredcommune fc
          JOIN tm ON tm.commune = fc.commune_id
          WHERE fc.fiche_id = f.page_ptr_id AND f.coverage_kind <> 'departement') AS territories,
    ARRAY(SELECT DISTINCT pl.structure_id FROM fiches_ficheplace pl
          {_LIVE_PLACE}
          WHERE pl.fiche_id = f.page_ptr_id) AS places,
    ARRAY(SELECT DISTINCT s.kind FROM fiches_ficheplace pl
          JOIN territories_structurepage s ON s.page_ptr_id = pl.structure_id
          {_LIVE_PLACE}
          WHERE pl.fiche_id = f.page_ptr_id) AS kinds,
    EXISTS(SELECT 1 FROM fiches_ficheplace pl
           {_LIVE_PLACE}
           JOIN territories_openingslot os ON os.structure_id = pl.structure_id AND os.access = %(walk_in)s
           WHERE pl.fiche_id = f.page_ptr_id) AS walk_in
{_LIVE_FICHES}"""
_COLUMNS = ", ".join(COLUMNS)

# Every facet value of a row (theme category, public, territory, kind) in one integer array, so
# that all facets are counted in a single pass over the results: the facet's number in the top
# bits, the value in the low FACET_BITS (an id, below 268 million, or for a kind of structure the
# first 28 bits of its md5: stable when kinds are added or reordered; a test checks they do not
# collide). Of the themes, only the categories: the panel shows a category's thématiques only once
# the category is chosen, when `find` counts them from `themes` over results that are fewer (a
# fifth of the values this pass would otherwise go through).
FACET_BITS = 28
FACETS = ("theme", "public", "territoire", "type")
_THEME, _PUBLIC, _TERRITORY, _KIND = (n << FACET_BITS for n in range(len(FACETS)))
_KIND_CODE = f"('x' || left(md5(k), {FACET_BITS // 4}))::bit({FACET_BITS})::int"
_FACETS_OF_ROW = f"""ARRAY(
    SELECT x FROM unnest(s.themes) AS x WHERE x IN (SELECT id FROM fiches_theme WHERE parent_id IS NULL)
    UNION ALL SELECT {_PUBLIC} + x FROM unnest(s.publics) AS x
    UNION ALL SELECT {_TERRITORY} + x FROM unnest(s.territories) AS x
    UNION ALL SELECT {_KIND} + {_KIND_CODE} FROM unnest(s.kinds) AS k)"""


def kind_code(kind):
    """The code of a kind of structure in the facets column, as the SQL above computes it."""
    return int(hashlib.md5(kind.encode(), usedforsecurity=False).hexdigest()[: FACET_BITS // 4], 16)


def _insert(where=""):
    """INSERT of the rows of the live fiches (`where`: which ones), facets column included."""
    return (
        f"INSERT INTO {TABLE} ({_COLUMNS}, facets) SELECT s.*, {_FACETS_OF_ROW} FROM ({_SELECT}{where}) AS s"
    )


def _insert_text(where=""):
    """INSERT of the text table's rows, copied from the rows just written to TABLE (`where`:
    which ones, `n` being TABLE) with their text: Wagtail's index vectors, the title in
    weight A."""
    return f"""
INSERT INTO {TEXT_TABLE} ({_COLUMNS}, facets, document)
SELECT {", ".join(f"n.{c}" for c in COLUMNS)}, n.facets,
    setweight(coalesce(e.title, ''::tsvector), 'A') || coalesce(e.body, ''::tsvector)
FROM {TABLE} n
LEFT JOIN wagtailsearch_indexentry e
    ON e.content_type_id = (SELECT id FROM django_content_type
                            WHERE app_label = 'fiches' AND model = 'fichepage')
    AND e.object_id = n.fiche_id::text
{where}"""


def enabled(using=None):
    return (using or connection).vendor == "postgresql"


def refresh(fiche_ids):
    """Rewrite the rows of these fiches (dropping those no longer live)."""
    ids = sorted({int(i) for i in fiche_ids})
    if not ids or not enabled():
        return
    with connection.cursor() as cursor:
        for table in (TABLE, TEXT_TABLE):
            cursor.execute(f"DELETE FROM {table} WHERE fiche_id = ANY(%(ids)s)", {"ids": ids})
        cursor.execute(_insert(_IDS), {"ids": ids, "walk_in": SlotAccess.WALK_IN})
        cursor.execute(_insert_text(" WHERE n.fiche_id = ANY(%(ids)s)"), {"ids": ids})


def refresh_now_and_after_commit(fiche_ids):
    """Signal-handler helper: now, for the transaction that made the change, and again after
    the commit, when the search index entries written with it are final."""
    ids = list(fiche_ids)
    if ids and enabled():
        now_and_after_commit(lambda: refresh(ids))


def territory_communes():
    """[(territory id, commune id)], the live territories' communes as the table reads them."""
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {_TERRITORY_COMMUNES} SELECT territory, commune FROM tm ORDER BY 1, 2")
        return cursor.fetchall()


def refresh_territory(territory_id):
    """After a territory is published, unpublished or deleted: its id in exactly the rows of
    the fiches (not département-wide) covering one of its communes, if it is visible. Two updates
    over the indexed arrays in each table, instead of rewriting thousands of rows."""
    if not enabled():
        return
    with connection.cursor() as cursor:
        values = {"t": territory_id, "f": _TERRITORY + territory_id}
        for table in (TABLE, TEXT_TABLE):
            cursor.execute(
                f"UPDATE {table} SET territories = array_remove(territories, %(t)s),"
                " facets = array_remove(facets, %(f)s)"
                " WHERE territories @> ARRAY[%(t)s]::int[]",
                values,
            )
            cursor.execute(
                f"WITH {_TERRITORY_COMMUNES} UPDATE {table} SET territories = array_append(territories, %(t)s),"
                " facets = array_append(facets, %(f)s)"
                " WHERE NOT departement_wide"
                " AND communes && ARRAY(SELECT commune::int FROM tm WHERE territory = %(t)s)",
                values,
            )


_SUBTREE_FICHES = """
SELECT f.page_ptr_id FROM fiches_fichepage f JOIN wagtailcore_page p ON p.id = f.page_ptr_id
WHERE starts_with(p.path, %(path)s)
UNION
SELECT pl.fiche_id FROM fiches_ficheplace pl JOIN wagtailcore_page sp ON sp.id = pl.structure_id
WHERE starts_with(sp.path, %(path)s)"""
_SUBTREE_TERRITORIES = """
SELECT tp.page_ptr_id FROM territories_territoirepage tp JOIN wagtailcore_page p ON p.id = tp.page_ptr_id
WHERE starts_with(p.path, %(path)s)"""


def refresh_subtree(page_id):
    """After a view restriction on this page is added, changed or removed, or the page moved
    (it may now be in or out of a restricted section): the rows of the fiches at or below it
    and of the fiches placed at a structure at or below it rewritten, the territories at or
    below it taken out of the rows or put back."""
    if not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT path FROM wagtailcore_page WHERE id = %s", [page_id])
        row = cursor.fetchone()
        if row is None:  # deleted with its restriction: the deletion refreshed the rows
            return
        cursor.execute(_SUBTREE_FICHES, {"path": row[0]})
        fiche_ids = [r[0] for r in cursor.fetchall()]
        cursor.execute(_SUBTREE_TERRITORIES, {"path": row[0]})
        territory_ids = [r[0] for r in cursor.fetchall()]
    refresh(fiche_ids)
    for territory_id in territory_ids:
        refresh_territory(territory_id)


# The tables the rows are made of.
_SOURCE_TABLES = (
    "wagtailcore_page",
    "wagtailcore_pageviewrestriction",
    "fiches_fichepage",
    "fiches_fichepage_themes",
    "fiches_theme",
    "fiches_fichepage_publics",
    "fiches_fichekeyword",
    "fiches_fichecoveredcommune",
    "fiches_ficheplace",
    "territories_structurepage",
    "territories_openingslot",
    "territories_commune",
    "territories_territoirepage",
    "territories_territoirepage_epcis",
    "territories_territoirepage_communes",
    "territories_departementpage",
    "wagtailsearch_indexentry",
)


def rebuild(using=None):
    """All rows, from scratch; returns how many live fiches it holds."""
    conn = using or connection
    if not enabled(conn):
        return 0
    with conn.cursor() as cursor:
        # Statistics first: after a bulk import the planner would otherwise take the source
        # tables for empty and read every page of the site once per fiche.
        cursor.execute(f"ANALYZE {', '.join(_SOURCE_TABLES)}")
        # TRUNCATE, not DELETE: new tables, with no dead rows for every read to skip.
        cursor.execute(f"TRUNCATE {TABLE}, {TEXT_TABLE}")
        cursor.execute(_insert(), {"walk_in": SlotAccess.WALK_IN})
        cursor.execute(_insert_text())
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute(f"ANALYZE {TEXT_TABLE}")
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


# --- Reading ------------------------------------------------------------------------------

RANDOM_PAGE_COST = 1.1

ORDERS = {
    "rank": "rank DESC, title, fiche_id",
    "local": "departement_wide, title, fiche_id",
    "title": "title, fiche_id",
}


def among(column, array_param):
    """SQL: the integer array `column` has an element of the array parameter `array_param`."""
    return f"EXISTS (SELECT 1 FROM unnest({column}) AS e WHERE e = ANY({array_param}::int[]))"


_COVERS_COMMUNE = "(departement_wide OR communes @> ARRAY[%(commune)s]::int[])"


def _offset(offset):
    """SQL: the OFFSET of the page asked, or of the last page when `offset` is past the end (`n`
    holding the number of matches): no second query for it. The first page needs no such bound,
    nor the count it costs."""
    if not offset:
        return ""
    return " OFFSET LEAST(%(offset)s, GREATEST((SELECT total FROM n) - 1, 0) / %(limit)s * %(limit)s)"


def _run(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        # For this transaction, in one round trip: a broad listing keeps tens of thousands of rows
        # in `m`, in memory, not in temporary files; and the tables are read from memory (a few
        # hundred megabytes at 100,000 fiches), where a page read out of order costs little more
        # than the next one: PostgreSQL's default random_page_cost (4, for spinning disks) would
        # read the whole text table for a word in a fifth of the rows, where the word's index
        # leads to those rows alone (a tenth faster at 100,000 fiches).
        cursor.execute(
            "SELECT set_config('work_mem', '32MB', true), set_config('random_page_cost', %s, true)",
            [str(RANDOM_PAGE_COST)],
        )
        cursor.execute(sql, params)
        return cursor.fetchall()


def _find_local(conditions, params):
    """`find` for what applies to a commune, with no text and no facets (a commune's page, a
    listing's later pages): its own fiches first, then the département-wide ones, each by title.
    The two parts are read apart: the commune's own fiches through the communes' index, the
    département-wide ones counted and the first of them taken from their own index, in title
    order. Read together, the département-wide fiches (a third of them all, say) made every
    such listing read the whole table."""
    other = " AND ".join(conditions) or "TRUE"
    # Each part holds at most the rows up to the end of the page asked.
    params = {**params, "window": params["offset"] + params["limit"]}
    sql = f"""
WITH own AS MATERIALIZED (
    SELECT fiche_id, title FROM {TABLE}
    WHERE NOT departement_wide AND communes @> ARRAY[%(commune)s]::int[] AND {other}),
n AS (SELECT (SELECT count(*) FROM own)
             + (SELECT count(*) FROM {TABLE} WHERE departement_wide AND {other}) AS total)
SELECT (SELECT total FROM n), ARRAY(
    SELECT fiche_id FROM (
        (SELECT false AS departement_wide, title, fiche_id FROM own
         ORDER BY title, fiche_id LIMIT %(window)s)
        UNION ALL
        (SELECT true, title, fiche_id FROM {TABLE} WHERE departement_wide AND {other}
         ORDER BY title, fiche_id LIMIT %(window)s)
    ) AS u ORDER BY {ORDERS["local"]} LIMIT %(limit)s{_offset(params["offset"])})"""
    ((total, ids),) = _run(sql, params)
    return Found(total, ids or [], {})


class Found:
    """What one search or listing finds, read in one query: the number of results, the ids of
    the page asked, in order, and, when asked, the count of results per facet value."""

    def __init__(self, total, ids, counts):
        self.total = total
        self.ids = ids
        self.counts = counts


def find(
    conditions,
    params,
    order,
    query=None,
    config="french_unaccent",
    facets=None,
    offset=0,
    limit=20,
    commune=None,
):
    """The fiches matching every SQL condition of `conditions` (on this table's columns, with
    `params`), covering the `commune` (an id) when one is given, and the text `query`: how many,
    and `limit` of their ids from `offset` in `order` (a key of ORDERS), or those of the last
    page when `offset` is past the end.

    `facets`, when given, is a dict with the live territories and the structures open now (id
    lists), the result count up to which keywords are counted and whether to count the
    thématiques (else the theme counts are the categories'); the counts come back as
    {facet: {value: n}}. A département-wide fiche counts in every territory.

    The matches are read once (`m`); then one pass counts them with the flags (walk-in,
    département-wide, open now) and sorts out the page asked (a top-N sort, not a sort of them
    all), one pass counts every facet value (the facets column), and keywords are counted only
    over a narrow result set."""
    params = {
        **params,
        "q": query or "",
        "config": config,
        "offset": offset,
        "limit": limit,
        "commune": commune,
    }
    if commune is not None and facets is None and not query and order == "local":
        return _find_local(conditions, params)
    # "Has one of these ids": `= ANY` of a constant array is a hash lookup; `&&` would compare
    # every pair (a thousand structures open at 10 o'clock times each fiche's places).
    where = list(conditions)
    if commune is not None:
        where.append(_COVERS_COMMUNE)
    rank, source = "0", TABLE
    if query:
        tsquery = "plainto_tsquery(%(config)s::regconfig, %(q)s)"
        where.append(f"document @@ {tsquery}")
        rank = f"ts_rank(document, {tsquery})"
        source = TEXT_TABLE
    columns, flags = "fiche_id, title, departement_wide", "NULL::bigint[]"
    page = f"ARRAY(SELECT fiche_id FROM m ORDER BY {ORDERS[order]} LIMIT %(limit)s{_offset(offset)})"
    facet_parts = []
    if facets is not None:
        columns += ", facets, keywords, places, walk_in"
        params.update(open_ids=list(facets["open"]), keyword_limit=facets["keyword_limit"])
        # No structure open (nights, Sundays): nothing to look for in each row's places.
        open_now = f"count(*) FILTER (WHERE {among('places', '%(open_ids)s')})" if facets["open"] else "0"
        flags = (
            f"ARRAY[count(*) FILTER (WHERE walk_in), count(*) FILTER (WHERE departement_wide), {open_now}]"
        )
        facet_parts = [
            # unnest() in the select list, not as a joined function: a third faster.
            "SELECT 'facet', x::text, count(*), NULL, NULL"
            " FROM (SELECT unnest(facets) AS x FROM m) AS u GROUP BY x",
            # Over a narrow result set only: its matches are counted up to the limit, no further.
            "SELECT 'mot_cle', x::text, count(*), NULL, NULL"
            " FROM (SELECT unnest(keywords) AS x FROM m WHERE (SELECT count(*) FROM"
            " (SELECT FROM m LIMIT %(keyword_limit)s + 1) AS l) <= %(keyword_limit)s) AS u"
            " GROUP BY x",
        ]
        if facets.get("thematiques"):
            columns += ", themes"
            facet_parts.append(
                "SELECT 'theme', x::text, count(*), NULL, NULL FROM (SELECT unnest(themes) AS x FROM m) AS u GROUP BY x"
            )
    sql = (
        f"WITH m AS MATERIALIZED (SELECT {columns}, {rank} AS rank FROM {source}"
        f" WHERE {' AND '.join(where) or 'TRUE'}) "
        # The number of matches, for the last page's offset.
        + (", n AS (SELECT count(*) AS total FROM m) " if offset else "")
        + " UNION ALL ".join([f"SELECT 'ids', NULL, count(*), {page}, {flags} FROM m", *facet_parts])
    )
    total, ids, counts = 0, [], {}
    rows = _run(sql, params)
    kinds = {kind_code(kind): kind for kind in StructureKind.values}
    for part, value, n, row_ids, row_flags in rows:
        if part == "ids":
            total, ids = n, row_ids or []
            if row_flags is not None:
                counts["sans_rdv"], departement_wide, counts["ouvert"] = row_flags
        elif part in ("mot_cle", "theme"):  # "theme": every level, over the categories' counts
            counts.setdefault(part, {})[value] = n
        else:
            facet, code = FACETS[int(value) >> FACET_BITS], int(value) & ((1 << FACET_BITS) - 1)
            if facet == "type":
                if code not in kinds:  # a kind no longer offered
                    continue
                code = kinds[code]
            counts.setdefault(facet, {})[str(code)] = n
    if facets is not None:
        territories = counts.setdefault("territoire", {})
        for territory_id in facets["territories"]:
            if n := territories.get(str(territory_id), 0) + departement_wide:
                territories[str(territory_id)] = n
    return Found(total, ids, counts)
