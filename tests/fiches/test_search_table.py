"""The search rows of PostgreSQL (fiches/search_rows.py, a table): each row follows its fiche
through every kind of change, and searching the table (fiches.search.TableSearch) finds exactly
what searching rows built in memory finds (MemorySearch, SQLite's)."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from taggit.models import Tag
from wagtail.models import Page

from fiches import coverage, search, search_rows
from fiches.facets import FACETS, VALUE_FACETS
from fiches.models import CoverageKind, Public, Theme
from tests import builders

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="La table de recherche n’existe que sur PostgreSQL (tableaux et vecteurs de texte) ; "
        "sur SQLite la recherche lit les tables d’origine.",
    ),
]
TUESDAY_10H = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


# The facets as the first search table named its columns.
COLUMNS = {
    "theme": "themes",
    "public": "publics",
    "mot_cle": "keywords",
    "territoire": "territories",
    "type": "kinds",
}


def rows():
    """The search rows, each with its facet values by facet (ids as integers)."""
    found = {}
    for row in search_rows.SearchRow.objects.order_by("fiche_id"):
        by_facet = {COLUMNS[f.name]: [] for f in VALUE_FACETS}
        for value in row.facets:
            name, key = value.split(":", 1)
            by_facet[COLUMNS[name]].append(key if name == "type" else int(key))
        found[row.fiche_id] = {
            "title": row.title,
            "departement_wide": row.departement_wide,
            "communes": sorted(row.communes),
            "places": sorted(row.places),
            **{k: sorted(v) for k, v in by_facet.items()},
        }
    return found


@pytest.fixture
def network(world):
    health = Theme.objects.create(name="Santé", slug="sante")
    care = Theme.objects.create(name="Accès aux soins", slug="acces-soins", parent=health)
    housing = Theme.objects.create(name="Logement", slug="logement")
    families = Public.objects.create(name="Familles", slug="familles")
    youth = Public.objects.create(name="Jeunes", slug="jeunes")
    index = world["structure_index"]
    every_day = [(d, (9, 0), (17, 0), True) for d in range(7)]
    mds = builders.structure(index, world["autun"], "MDS d’Autun", kind="mds", slots=every_day)
    ccas = builders.structure(
        index, world["macon"], "CCAS de Mâcon", kind="ccas", slots=[(0, (9, 0), (12, 0), False)]
    )
    tas = builders.territory(world["departement"], "Autunois", communes=[world["autun"]])
    fiches = world["fiche_index"]
    soins = builders.fiche(fiches, "Aide aux soins dentaires", places=[mds])
    soins.themes, soins.publics = [care], [families]
    soins.keywords.set(["mutuelle", "dentiste"])
    soins.save_revision().publish()
    logement = builders.fiche(
        fiches,
        "Aide au logement des jeunes",
        coverage=CoverageKind.EPCI,
        coverage_epcis=[world["cu"]],
        places=[ccas],
    )
    logement.themes, logement.publics = [housing], [youth]
    logement.keywords.set(["loyer"])
    logement.save_revision().publish()
    familles = builders.fiche(
        fiches,
        "Aide aux familles de l’Autunois",
        coverage=CoverageKind.TERRITORIES,
        coverage_territories=[tas],
    )
    familles.themes, familles.publics = [health, housing], [families, youth]
    familles.save_revision().publish()
    macon = builders.fiche(
        fiches,
        "Hébergement d’urgence à Mâcon",
        coverage=CoverageKind.COMMUNES,
        coverage_communes=[world["macon"]],
    )
    macon.themes = [housing]
    macon.save_revision().publish()
    return {
        **world,
        "health": health,
        "care": care,
        "housing": housing,
        "families": families,
        "mds": mds,
        "ccas": ccas,
        "soins": soins,
        "logement": logement,
        "familles": familles,
        "macon_fiche": macon,
        "tas": tas,
    }


def test_a_published_fiche_has_its_row_with_everything_the_facets_read(network):
    row = rows()[network["soins"].pk]
    assert row["title"] == "Aide aux soins dentaires"
    assert row["departement_wide"] is True
    assert row["themes"] == sorted([network["care"].pk, network["health"].pk])  # with its category
    assert row["publics"] == [network["families"].pk]
    assert row["keywords"] == sorted(
        Tag.objects.filter(name__in=["mutuelle", "dentiste"]).values_list("pk", flat=True)
    )
    assert row["places"] == [network["mds"].pk] and row["kinds"] == ["mds"]
    assert rows()[network["macon_fiche"].pk]["communes"] == [network["macon"].pk]
    assert rows()[network["familles"].pk]["communes"] == [network["autun"].pk]
    # The live territories its communes fall in; a département-wide fiche lists none (it counts
    # in every territory).
    assert rows()[network["familles"].pk]["territories"] == [network["tas"].pk]
    assert rows()[network["macon_fiche"].pk]["territories"] == [] and row["territories"] == []


def test_the_territories_of_the_rows_are_those_of_the_territory_pages(network):
    """The rows read each territory's communes from TerritoirePage.covered_communes(), EPCI (in
    the territory's département) and added communes alike."""
    tas, world = network["tas"], network
    wide = builders.territory(world["departement"], "Grand Chalonnais", epcis=[world["cu"]])
    pairs = sorted((t, c) for c, ts in coverage.territories_by_commune().items() for t in ts)
    assert pairs == sorted(
        (t.pk, c) for t in (tas, wide) for c in t.covered_communes().values_list("pk", flat=True)
    )
    assert len({t for t, _c in pairs}) == 2
    fiche = builders.fiche(
        world["fiche_index"],
        "Au Creusot",
        coverage=CoverageKind.COMMUNES,
        coverage_communes=[world["le_creusot"]],
    )
    assert rows()[fiche.pk]["territories"] == [wide.pk]


def test_rows_follow_their_territories(network):
    tas, macon_fiche = network["tas"], network["macon_fiche"]
    tas.communes = [network["autun"], network["macon"]]  # Mâcon joins the territory
    tas.save_revision().publish()
    assert rows()[macon_fiche.pk]["territories"] == [tas.pk]
    tas.unpublish()
    assert all(row["territories"] == [] for row in rows().values())
    tas.save_revision().publish()
    assert rows()[macon_fiche.pk]["territories"] == [tas.pk]
    assert rows()[network["familles"].pk]["territories"] == [tas.pk]
    tas.delete()
    assert all(row["territories"] == [] for row in rows().values())


def test_rows_follow_the_code_of_the_departement_of_their_territories(
    network, django_capture_on_commit_callbacks
):
    wide = builders.territory(network["departement"], "Grand Chalonnais", epcis=[network["cu"]])
    fiche = builders.fiche(
        network["fiche_index"],
        "Au Creusot",
        coverage=CoverageKind.COMMUNES,
        coverage_communes=[network["le_creusot"]],
    )
    assert rows()[fiche.pk]["territories"] == [wide.pk]

    departement = network["departement"]
    departement.code = "21"
    with django_capture_on_commit_callbacks(execute=True):
        departement.save_revision().publish()

    assert rows()[fiche.pk]["territories"] == []


def test_rows_follow_unpublishing_deleting_and_the_pages_they_copy(network):
    network["macon_fiche"].unpublish()
    assert network["macon_fiche"].pk not in rows()
    network["macon_fiche"].save_revision().publish()
    assert network["macon_fiche"].pk in rows()
    # Unpublished as a plain Page, as PageQuerySet.unpublish() does.
    Page.objects.filter(pk=network["macon_fiche"].pk).unpublish()
    assert network["macon_fiche"].pk not in rows()

    network["mds"].unpublish()
    assert rows()[network["soins"].pk]["places"] == [] and rows()[network["soins"].pk]["kinds"] == []
    network["mds"].save_revision().publish()
    assert rows()[network["soins"].pk]["kinds"] == ["mds"]

    network["ccas"].delete()  # its fiche keeps no trace of it
    assert rows()[network["logement"].pk]["places"] == [] and rows()[network["logement"].pk]["kinds"] == []
    network["logement"].delete()
    assert network["logement"].pk not in rows()


def test_rows_follow_the_taxonomy(network):
    care, housing = network["care"], network["housing"]
    care.parent = housing  # "Accès aux soins" moves under "Logement"
    care.save()
    assert rows()[network["soins"].pk]["themes"] == sorted([care.pk, housing.pk])

    Tag.objects.get(name="mutuelle").delete()
    assert rows()[network["soins"].pk]["keywords"] == [Tag.objects.get(name="dentiste").pk]

    network["families"].delete()
    assert rows()[network["soins"].pk]["publics"] == []


def test_the_rebuild_command_gives_the_rows_kept_up_to_date_one_by_one(network):
    network["mds"].unpublish()
    network["care"].parent = network["housing"]
    network["care"].save()
    kept = rows()
    search_rows.SearchRow.objects.all().delete()
    call_command("rebuild_fiche_search", stdout=StringIO())
    assert rows() == kept and len(kept) == 4


URLS = [
    "/recherche/?q=aide",
    "/recherche/?q=aide&theme=sante",
    "/recherche/?insee={autun}&theme=acces-soins",
    "/recherche/?q=aide&public=familles&ouvert=1",
    "/recherche/?q=logement&insee={autun}",
    "/recherche/?insee={macon}",
    "/recherche/?insee={le_creusot}&type=ccas",
    "/recherche/?sans_rdv=1",
    "/recherche/?territoire=autunois",
    "/recherche/?mot_cle=loyer",
    "/themes/logement/",
    "/themes/acces-soins/?insee={autun}",
    "/publics/jeunes/",
    "/communes/{macon}/",
    "/par-territoire/autunois/",
]


def test_the_table_finds_what_the_rows_in_memory_find(client, network, monkeypatch):
    """Every facet, filter and order, through the table and through rows built in memory (as
    on SQLite): the same fiches, the same counts; text results may be ranked differently."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: TUESDAY_10H)
    codes = {name: network[name].insee_code for name in ("autun", "macon", "le_creusot")}

    def read(url):
        client.cookies.clear()  # a new session: no commune remembered from the previous page
        response = client.get(url.format(**codes))
        assert response.status_code == 200
        found = [r.fiche.title for r in response.context["page_obj"].results]
        return (sorted(found) if "q=" in url else found), response.context["facets"]

    through_table = {url: read(url) for url in URLS}
    cache.clear()  # the facet panels the table gave are kept: the rows in memory must count theirs
    monkeypatch.setattr(search, "engine", search.MemorySearch)
    for url in URLS:
        assert read(url) == through_table[url], url
    assert any(found for found, _facets in through_table.values())
    assert through_table["/recherche/?insee={macon}"][0] == [
        "Hébergement d’urgence à Mâcon",  # the local fiche first, then the département-wide one
        "Aide aux soins dentaires",
    ]


def test_the_table_indexes_what_searches_filter_on():
    """A filter on the text, a facet, a commune or a place is an index lookup."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%gin%%'",
            [search_rows.SearchRow._meta.db_table],
        )
        indexed = {definition.rsplit("(", 1)[1].rstrip(")") for (definition,) in cursor.fetchall()}
    assert indexed == {"document", "communes", "places", "facets"}


def test_every_facet_is_written_in_the_rows_or_read_from_their_places(network):
    names = {value.split(":")[0] for row in search_rows.SearchRow.objects.all() for value in row.facets}
    assert names == {f.name for f in VALUE_FACETS}
    assert {f.name for f in FACETS} - names == {"ouvert", "sans_rdv"}


def test_what_applies_to_a_commune_is_read_in_two_parts_with_the_same_result(db):
    """A commune's listing with no text and no facets reads its own fiches and the
    département-wide ones apart (TableSearch._local): the same count and the same pages, the
    last page for an offset past the end, with a facet too, as the rows in memory."""
    pages = builders.site()
    autun, macon = builders.commune(builders.AUTUN), builders.commune(builders.MACON)
    logement = Theme.objects.create(name="Logement (démo)", slug="logement-demo")
    index = pages["fiche_index"]
    for n, title in enumerate(["Colis solidaires", "Aide au loyer", "Banque alimentaire", "Vestiaire"]):
        builders.fiche(
            index,
            f"{title} d’Autun",
            coverage=CoverageKind.COMMUNES,
            coverage_communes=[autun],
            themes=[logement] if n % 2 else [],
        )
    builders.fiche(index, "Aide au loyer de Mâcon", coverage=CoverageKind.COMMUNES, coverage_communes=[macon])
    for n, title in enumerate(["Accès aux droits", "Chèque énergie", "Mutuelle solidaire", "Zéro sans toit"]):
        builders.fiche(index, title, themes=[logement] if n % 2 else [])
    search_rows.rebuild()

    def both(chosen, offset, limit=3):
        """The table's two-part reading, and the rows in memory, sorted in Python."""
        criteria = search.Criteria(commune_id=autun.pk, chosen=chosen, order="local")
        split = search.TableSearch().find(criteria, offset, limit)
        whole = search.MemorySearch().find(criteria, offset, limit)
        assert (split.total, split.ids) == (whole.total, whole.ids), offset
        return split

    titles = dict(Page.objects.values_list("pk", "title"))
    first = both({}, 0)
    assert first.total == 8
    assert [titles[i] for i in first.ids] == [
        "Aide au loyer d’Autun",  # the commune's own fiches first, by title
        "Banque alimentaire d’Autun",
        "Colis solidaires d’Autun",
    ]
    assert [titles[i] for i in both({}, 3).ids] == [
        "Vestiaire d’Autun",
        "Accès aux droits",
        "Chèque énergie",
    ]
    assert [titles[i] for i in both({}, 6).ids] == ["Mutuelle solidaire", "Zéro sans toit"]
    assert both({}, 300).ids == both({}, 6).ids  # past the end: the last page
    themed = both({"theme": logement.pk}, 0)
    assert [titles[i] for i in themed.ids] == ["Aide au loyer d’Autun", "Vestiaire d’Autun", "Chèque énergie"]
    assert themed.total == 4 and both({"theme": logement.pk}, 3).ids
