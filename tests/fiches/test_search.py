"""Finding the right fiche: French full-text search, facets, the chosen commune, listings."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiches.browse import highlight
from fiches.models import CoverageKind, Public, Theme
from tests import builders

pytestmark = pytest.mark.django_db

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="La racinisation française (french_unaccent) n’existe que sur PostgreSQL ; "
    "le moteur SQLite ignore les accents mais ne racinise pas.",
)
# A Tuesday morning, in the département's time zone.
TUESDAY_10H = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def titles(response):
    return sorted(r.fiche.title for r in response.context["page_obj"].results)


def search(client, **params):
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    return response


# --- Text -------------------------------------------------------------------------------


@POSTGRES_ONLY
@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("logement", "Logements d’urgence"),
        ("aide a domicile", "Aide à domicile pour les personnes âgées"),
        ("hopital", "Permanence sociale à l’Hôpital"),
    ],
)
def test_french_search_forgives_plurals_and_accents(client, world, query, title):
    for other in (
        "Logements d’urgence",
        "Aide à domicile pour les personnes âgées",
        "Permanence sociale à l’Hôpital",
    ):
        builders.fiche(world["fiche_index"], other, summary="Une fiche de test.")
    builders.fiche(world["fiche_index"], "Transport solidaire", summary="Rien à voir.")

    assert titles(search(client, q=query)) == [title]


def test_search_ignores_accents_on_every_database(client, world):
    builders.fiche(world["fiche_index"], "Permanence à l’Hôpital", summary="Assistante sociale.")
    builders.fiche(world["fiche_index"], "Épicerie sociale", summary="Courses à petit prix.")

    assert titles(search(client, q="hopital")) == ["Permanence à l’Hôpital"]
    assert titles(search(client, q="epicerie")) == ["Épicerie sociale"]


def test_a_title_match_ranks_before_a_summary_match_and_the_snippet_is_highlighted(client, world):
    builders.fiche(
        world["fiche_index"], "Transport solidaire", summary="Un chauffeur vous conduit au logement."
    )
    builders.fiche(world["fiche_index"], "Logement d’urgence", summary="Une nuit à l’abri.")

    response = search(client, q="logement")

    results = response.context["page_obj"].results
    assert [r.fiche.title for r in results] == ["Logement d’urgence", "Transport solidaire"]
    assert "<mark>logement</mark>" in response.content.decode()


def test_highlight_escapes_the_text_and_marks_words_starting_like_the_query():
    assert (
        highlight("Logements <b>sociaux</b>", "logement")
        == "<mark>Logements</mark> &lt;b&gt;sociaux&lt;/b&gt;"
    )
    assert highlight("Hôpital de jour", "hopitaux") == "Hôpital de jour"
    assert highlight("Hôpital de jour", "hopital") == "<mark>Hôpital</mark> de jour"


def test_structures_are_searched_too(client, world):
    builders.structure(world["structure_index"], world["autun"], "Épicerie solidaire d’Autun")

    response = search(client, q="epicerie")

    assert [s.title for s in response.context["structures"]] == ["Épicerie solidaire d’Autun"]


def test_a_search_without_result_proposes_close_terms_and_the_themes(client, world):
    Theme.objects.create(name="Logement et hébergement", slug="logement-hebergement")
    builders.fiche(world["fiche_index"], "Fiche", summary="Sans rapport.")

    response = search(client, q="logemnt")

    assert response.context["page_obj"].paginator.count == 0
    assert "Logement et hébergement" in response.context["suggestions"]
    html = response.content.decode()
    assert "Vouliez-vous dire" in html and "Parcourir par thème" in html


# --- Commune ----------------------------------------------------------------------------


def test_the_commune_keeps_only_the_fiches_that_cover_it_by_every_coverage_rule(client, world):
    tas = builders.territory(world["departement"], "Autunois", epcis=[world["cc"]])
    index = world["fiche_index"]
    builders.fiche(index, "Partout")
    builders.fiche(index, "Territoire", coverage=CoverageKind.TERRITORIES, coverage_territories=[tas])
    builders.fiche(index, "EPCI CU", coverage=CoverageKind.EPCI, coverage_epcis=[world["cu"]])
    builders.fiche(index, "Mâcon", coverage=CoverageKind.COMMUNES, coverage_communes=[world["macon"]])

    assert titles(search(client, commune="Autun")) == ["Partout", "Territoire"]
    assert titles(search(client, commune="Le Creusot")) == ["EPCI CU", "Partout"]
    assert titles(search(client, commune="71000")) == ["Mâcon", "Partout"]
    assert titles(search(client, commune="Charolles")) == ["Partout"]


def test_each_result_shows_its_nearest_places_sorted_by_distance(client, world):
    index = world["structure_index"]
    macon = builders.structure(index, world["macon"], "CCAS de Mâcon")
    creusot = builders.structure(index, world["le_creusot"], "CCAS du Creusot")
    autun = builders.structure(index, world["autun"], "CCAS d’Autun")
    builders.fiche(world["fiche_index"], "Aide", places=[macon, creusot, autun])

    response = search(client, commune="Autun")

    (result,) = response.context["page_obj"].results
    names = [s.title for s, _km in result.places]
    distances = [km for _s, km in result.places]
    assert names == ["CCAS d’Autun", "CCAS du Creusot", "CCAS de Mâcon"]
    assert distances == sorted(distances) and distances[0] == 0
    assert 15 < distances[1] < 20  # Autun – Le Creusot, straight line
    assert "17,8 km" in response.content.decode() or "17.8 km" in response.content.decode()


def test_the_places_of_a_result_follow_their_changes_at_once(client, world):
    index = world["structure_index"]
    ccas = builders.structure(index, world["autun"], "CCAS d’Autun")
    mds = builders.structure(index, world["le_creusot"], "MDS du Creusot")
    builders.fiche(world["fiche_index"], "Aide", places=[ccas, mds])

    def places():
        (result,) = search(client, commune="Autun").context["page_obj"].results
        return [s.title for s, _km in result.places]

    assert places() == ["CCAS d’Autun", "MDS du Creusot"]  # now kept in the cache
    ccas.title = "Centre communal d’action sociale d’Autun"
    ccas.save_revision().publish()
    assert places() == ["Centre communal d’action sociale d’Autun", "MDS du Creusot"]
    mds.unpublish()
    assert places() == ["Centre communal d’action sociale d’Autun"]


def test_the_chosen_commune_is_remembered_for_the_session(client, world):
    builders.fiche(
        world["fiche_index"], "Mâcon", coverage=CoverageKind.COMMUNES, coverage_communes=[world["macon"]]
    )
    search(client, commune="Mâcon")

    response = search(client)

    assert response.context["commune"] == world["macon"]
    assert titles(response) == ["Mâcon"]


def test_the_commune_page_gathers_fiches_nearest_places_and_a_map(client, world):
    structure = builders.structure(world["structure_index"], world["autun"], "MDS d’Autun", kind="mds")
    builders.fiche(world["fiche_index"], "Partout", places=[structure])
    builders.fiche(
        world["fiche_index"], "Ailleurs", coverage=CoverageKind.COMMUNES, coverage_communes=[world["macon"]]
    )

    response = client.get("/communes/71014/")

    assert response.status_code == 200
    assert titles(response) == ["Partout"]
    assert [s.title for s, _km in response.context["nearest"]] == ["MDS d’Autun"]
    assert response.context["map_data"]["commune"]["name"] == "Autun"
    assert client.session["commune"] == "71014"


def test_the_commune_page_names_the_live_territories_covering_it(client, world):
    builders.territory(world["departement"], "Creusot-Montceau", epcis=[world["cu"]])
    builders.territory(world["departement"], "Autunois", communes=[world["autun"], world["le_creusot"]])
    builders.territory(world["departement"], "Ancien découpage", communes=[world["le_creusot"]]).unpublish()

    response = client.get(f"/communes/{world['le_creusot'].insee_code}/")
    assert [t.title for t in response.context["territories"]] == ["Autunois", "Creusot-Montceau"]
    assert "Creusot-Montceau" in response.content.decode()
    # Mâcon has no EPCI here: no territory found through a missing EPCI.
    assert list(client.get(f"/communes/{world['macon'].insee_code}/").context["territories"]) == []


def test_an_unknown_commune_page_says_so_in_french(client, world):
    response = client.get("/communes/99999/")
    assert response.status_code == 404
    assert "Aucune commune du département" in response.content.decode()


def test_the_autocompletion_finds_names_postal_codes_and_old_commune_names(client, world):
    from territories.models import CommuneAlias

    CommuneAlias.objects.create(
        insee_code="71999", name="Saint-Pantaléon", kind="COMD", commune=world["autun"]
    )

    def values(term):
        return [r["insee"] for r in client.get("/communes/autocompletion/", {"q": term}).json()["results"]]

    assert values("macon") == ["71270"]
    assert values("71200") == ["71153"]
    assert values("pantaleon") == ["71014"]
    assert values("a") == []  # too short to suggest anything
    picked = client.get("/communes/autocompletion/", {"q": "autun"}).json()["results"][0]["value"]
    assert search(client, commune=picked).context["commune"] == world["autun"]
    assert search(client, commune="Saint-Pantaléon").context["commune"] == world["autun"]


# --- Facets -----------------------------------------------------------------------------


@pytest.fixture
def faceted(world):
    health = Theme.objects.create(name="Santé", slug="sante")
    care = Theme.objects.create(name="Accès aux soins", slug="acces-soins", parent=health)
    housing = Theme.objects.create(name="Logement", slug="logement")
    families = Public.objects.create(name="Familles", slug="familles")
    index = world["structure_index"]
    every_day = [(d, (9, 0), (17, 0), True) for d in range(7)]
    walk_in = builders.structure(index, world["autun"], "MDS d’Autun", kind="mds", slots=every_day)
    by_appointment = builders.structure(
        index, world["macon"], "CCAS de Mâcon", kind="ccas", slots=[(0, (9, 0), (12, 0), False)]
    )
    a = builders.fiche(world["fiche_index"], "Aide aux soins", places=[walk_in])
    a.themes = [care]
    a.publics = [families]
    a.save_revision().publish()
    b = builders.fiche(world["fiche_index"], "Aide au logement", places=[by_appointment])
    b.themes = [housing]
    b.save_revision().publish()
    c = builders.fiche(world["fiche_index"], "Aide aux familles")
    c.themes = [health, housing]
    c.publics = [families]
    c.save_revision().publish()
    return {"health": health, "care": care, "housing": housing, "families": families}


def facet(response, name):
    for f in response.context["facets"]:
        if f["name"] == name:
            return {o["label"]: o["count"] for o in f["options"]}
    return {}


def test_facets_show_counts_and_combine_with_the_text_query(client, faceted, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: TUESDAY_10H)

    response = search(client, q="aide")
    assert facet(response, "theme") == {"Logement": 2, "Santé": 2}
    assert facet(response, "public") == {"Familles": 2}
    assert facet(response, "type") == {"CCAS": 1, "Maison départementale des solidarités": 1}
    assert facet(response, "ouvert") == {"Un lieu ouvert maintenant": 1}
    assert facet(response, "sans_rdv") == {"Un lieu sans rendez-vous": 1}

    response = search(client, q="aide", theme="sante")
    assert titles(response) == ["Aide aux familles", "Aide aux soins"]
    assert facet(response, "theme") == {"Santé": 2, "Accès aux soins": 1}

    assert titles(search(client, q="aide", theme="sante", public="familles", ouvert="1")) == [
        "Aide aux soins"
    ]
    assert titles(search(client, sans_rdv="1")) == ["Aide aux soins"]
    assert titles(search(client, type="ccas")) == ["Aide au logement"]


def test_a_facet_link_is_a_shareable_url_that_works_without_javascript(client, faceted):
    response = search(client, q="aide")
    theme = next(f for f in response.context["facets"] if f["name"] == "theme")
    url = next(o["url"] for o in theme["options"] if o["label"] == "Logement")
    assert url.startswith("?") and "theme=logement" in url and "q=aide" in url

    followed = client.get("/recherche/" + url)
    assert titles(followed) == ["Aide au logement", "Aide aux familles"]
    assert "<script" not in followed.content.decode().split("<main")[1].split("carte-donnees")[0]


def test_each_facet_link_is_the_request_with_that_one_parameter_changed_in_its_place(client, faceted):
    from django.http import QueryDict

    query = "q=aide&theme=sante&page=2&public=familles&sans_rdv=1"
    response = client.get(f"/recherche/?{query}")
    links = [(f["name"], o) for f in response.context["facets"] for o in f["options"]]
    assert {name for name, _option in links} >= {"theme", "public", "sans_rdv"}
    for name, option in links:
        expected = QueryDict(query, mutable=True)
        del expected["page"]
        if option["selected"]:
            expected.pop(name)
        else:
            expected[name] = option["value"]
        assert option["url"] == (f"?{expected.urlencode()}" if expected else "/recherche/"), (name, option)


def test_open_now_follows_the_weekly_hours_and_closures(world, monkeypatch):
    from territories.models import StructurePage

    index = world["structure_index"]
    morning = [(1, (9, 0), (12, 0), True)]
    builders.structure(index, world["autun"], "Ouvert le mardi matin", slots=morning)
    closed = builders.structure(index, world["autun"], "Fermé pour travaux", slots=morning)
    closed.closed_from = TUESDAY_10H.date()
    closed.save_revision().publish()

    def open_titles(at):
        return sorted(StructurePage.objects.live().open_at(at).values_list("title", flat=True))

    assert open_titles(TUESDAY_10H) == ["Ouvert le mardi matin"]
    assert open_titles(TUESDAY_10H.replace(hour=12)) == []  # closes at noon
    assert open_titles(TUESDAY_10H.replace(day=25)) == []  # Wednesday


# --- Listings ---------------------------------------------------------------------------


def test_theme_public_keyword_and_territory_listings_reach_the_same_fiche(client, world, faceted):
    tas = builders.territory(world["departement"], "Autunois", epcis=[world["cc"]])
    fiche = builders.fiche(
        world["fiche_index"],
        "Transport adapté",
        coverage=CoverageKind.TERRITORIES,
        coverage_territories=[tas],
    )
    fiche.themes = [faceted["care"]]
    fiche.publics = [faceted["families"]]
    fiche.keywords.set(["transport à la demande"])
    fiche.save_revision().publish()
    keyword = fiche.keywords.get()

    for url in (
        "/themes/sante/",
        "/themes/acces-soins/",
        "/publics/familles/",
        f"/mots-cles/{keyword.slug}/",
        f"/par-territoire/{tas.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Transport adapté" in titles(response), url
        html = response.content.decode()
        for other in ("/themes/", "/publics/", "/mots-cles/", "/par-territoire/"):
            assert f'href="{other}"' in html, (url, other)


def test_the_territory_listing_puts_its_own_fiches_before_the_departement_wide_ones(client, world):
    tas = builders.territory(world["departement"], "Autunois", epcis=[world["cc"]])
    builders.fiche(world["fiche_index"], "A partout")
    builders.fiche(
        world["fiche_index"], "Z local", coverage=CoverageKind.TERRITORIES, coverage_territories=[tas]
    )
    builders.fiche(
        world["fiche_index"], "Mâcon", coverage=CoverageKind.COMMUNES, coverage_communes=[world["macon"]]
    )

    response = client.get(f"/par-territoire/{tas.slug}/")

    assert [r.fiche.title for r in response.context["page_obj"].results] == ["Z local", "A partout"]


def test_listings_are_paginated(client, world):
    theme = Theme.objects.create(name="Santé", slug="sante")
    for i in range(23):
        f = builders.fiche(world["fiche_index"], f"Fiche {i:02d}")
        f.themes = [theme]
        f.save_revision().publish()

    first = client.get("/themes/sante/")
    second = client.get("/themes/sante/?page=2")

    assert len(first.context["page_obj"].results) == 20 and len(second.context["page_obj"].results) == 3
    assert "Page 1 sur 2" in first.content.decode()


def test_useful_links_have_their_page_and_appear_beside_their_theme(client, world):
    from fiches.models import UsefulLink

    health = Theme.objects.create(name="Santé", slug="sante")
    care = Theme.objects.create(name="Accès aux soins", slug="acces-soins", parent=health)
    link = UsefulLink.objects.create(title="ameli.fr", url="https://www.ameli.fr", category="sante")
    link.themes.set([health])

    assert "ameli.fr" in client.get("/liens-utiles/").content.decode()
    assert "https://www.ameli.fr" in client.get("/themes/acces-soins/").content.decode()
    assert list(UsefulLink.objects.for_theme(care)) == [link]


# --- Bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"commune": "Atlantis"}, "introuvable"),
        ({"q": "aide", "page": "zzz"}, "n’existe pas"),
        ({"q": "aide", "page": "99999"}, "n’existe pas"),
        ({"q": "x" * 5000}, "raccourcie à 200 caractères"),
        ({"q": "aide", "theme": "inconnu"}, "filtre inconnu"),
        ({"q": "aide", "ouvert": "peut-être"}, ""),
        ({"q": "a\x00b & | ! ( ) : * 'x"}, ""),
        ({"commune": "7" * 90}, "introuvable"),
    ],
)
def test_bad_parameters_get_a_clear_message_never_a_500(client, world, params, message):
    builders.fiche(world["fiche_index"], "Aide alimentaire")

    response = client.get("/recherche/", params)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_long_query_keeps_what_was_typed_in_the_field(client, world):
    response = client.get("/recherche/", {"q": "aide " * 1000})
    assert 'value="aide aide' in response.content.decode()


# --- Query budgets ----------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # the session (chosen commune) is written once, on the first visit
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_listings_and_search_cost_the_same_number_of_queries_for_5_or_20_fiches(client, faceted, world):
    structure = builders.structure(world["structure_index"], world["autun"], "CCAS d’Autun")
    tas = builders.territory(world["departement"], "Autunois", epcis=[world["cc"]])
    urls = [
        "/recherche/?q=aide&commune=Autun&theme=sante&sans_rdv=1",
        "/recherche/?q=aide",
        "/themes/sante/",
        "/themes/sante/?commune=Autun",
        "/publics/familles/",
        "/communes/71014/",
        "/publics/",
        "/mots-cles/",
        "/mots-cles/mot-1/",
        f"/par-territoire/{tas.slug}/",
        "/par-territoire/",
    ]

    def add(n):
        for i in range(n):
            f = builders.fiche(world["fiche_index"], f"Aide {i}", places=[structure])
            f.themes = [faceted["health"]]
            f.publics = [faceted["families"]]
            f.keywords.set([f"mot {i}"])
            f.save_revision().publish()

    add(2)
    before = {url: _queries(client, url) for url in urls}
    add(15)
    after = {url: _queries(client, url) for url in urls}

    # 15 more fiches on the page add no query (an N+1 would add 15 or more); one query may
    # come and go with the cached public-access check of the middleware.
    assert all(abs(after[url] - before[url]) <= 1 for url in urls), (before, after)
    assert max(after.values()) <= 45, after


def test_each_declared_facet_is_a_parameter_and_a_panel(client, world, faceted, monkeypatch):
    """A facet is one declaration (fiches.facets): read from the query string, counted and shown
    in the panel, on either database."""
    from fiches.browse import FicheFilter
    from fiches.facets import FACETS
    from fiches.models import FichePage

    monkeypatch.setattr("django.utils.timezone.now", lambda: TUESDAY_10H)
    soins = FichePage.objects.get(title="Aide aux soins")
    soins.keywords.set(["dentiste"])
    soins.save_revision().publish()
    assert list(FicheFilter.base_filters) == [f.name for f in FACETS]
    response = search(client, q="aide")
    assert [f["name"] for f in response.context["facets"]] == [
        "theme",
        "public",
        "type",
        "ouvert",
        "sans_rdv",
        "mot_cle",
    ]  # no territory yet
    builders.territory(world["departement"], "Autunois", communes=[world["autun"]])
    response = search(client, q="aide")
    assert facet(response, "territoire") == {"Autunois": 3}  # département-wide fiches count in it


def test_a_search_that_finds_nothing_says_so_once_with_advice(client, world):
    builders.fiche(world["fiche_index"], "Aide alimentaire d’urgence")
    html = client.get("/recherche/?q=zzyzx").content.decode()
    assert html.count("Aucune fiche ne correspond") == 1
    assert "Essayez un mot plus général" in html
