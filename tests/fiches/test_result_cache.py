"""What a search or a listing found is kept in the cache (fiches/result_cache.py): asked again,
it costs less; after any published change, it is found again from the data."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiches import result_cache
from fiches.models import CoverageKind, Theme
from tests import builders

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def found(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [r.fiche.title for r in response.context["page_obj"].results]


def facet_labels(client, url, name):
    facets = {f["name"]: f for f in client.get(url).context["facets"]}
    return [(o["label"], o["count"]) for o in facets[name]["options"]]


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def searched(client, url):
    """The response to `url` and the queries it sent to the search rows' table (PostgreSQL),
    read before any other request: Django empties its query log when a request starts."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries if '"fiches_searchrow"' in q["sql"]]


def test_a_search_asked_again_is_read_from_the_cache(client, world, settings):
    builders.fiche(world["fiche_index"], "Aide alimentaire d’urgence")
    url = "/recherche/?q=alimentaire"
    client.get("/recherche/?q=logement")  # what any first request costs (settings, session)
    first = queries(client, url)
    again = queries(client, url)
    assert again < first
    # And with the cache turned off, every request searches again.
    settings.FICHES_RESULTS_CACHE_SECONDS = 0
    assert queries(client, url) == queries(client, url) > again


def test_a_fiche_published_or_unpublished_shows_in_the_next_search(client, world):
    builders.fiche(world["fiche_index"], "Aide alimentaire d’urgence")
    url = "/recherche/?q=alimentaire"
    assert found(client, url) == ["Aide alimentaire d’urgence"]

    other = builders.fiche(world["fiche_index"], "Colis alimentaire du CCAS")
    assert sorted(found(client, url)) == ["Aide alimentaire d’urgence", "Colis alimentaire du CCAS"]

    other.unpublish()
    assert found(client, url) == ["Aide alimentaire d’urgence"]


def test_a_renamed_theme_shows_its_new_name_in_the_facets(client, world):
    theme = Theme.objects.create(name="Alimentation", slug="alimentation")
    fiche = builders.fiche(world["fiche_index"], "Aide alimentaire d’urgence")
    fiche.themes = [theme]
    fiche.save_revision().publish()
    url = "/recherche/?q=alimentaire"
    assert facet_labels(client, url, "theme") == [("Alimentation", 1)]

    theme.name = "Se nourrir"
    theme.save()
    assert facet_labels(client, url, "theme") == [("Se nourrir", 1)]


def test_a_territory_that_grows_brings_its_fiches_to_its_new_communes(
    client, world, django_capture_on_commit_callbacks
):
    tas = builders.territory(world["departement"], "Autunois", communes=[world["autun"]])
    builders.fiche(
        world["fiche_index"],
        "Transport solidaire de l’Autunois",
        coverage=CoverageKind.TERRITORIES,
        coverage_territories=[tas],
    )
    macon = f"/communes/{world['macon'].insee_code}/"
    assert found(client, macon) == []

    tas.communes = [world["autun"], world["macon"]]
    with django_capture_on_commit_callbacks(execute=True):
        tas.save_revision().publish()  # the fiches' communes are recomputed after the commit
    assert found(client, macon) == ["Transport solidaire de l’Autunois"]


def test_open_now_counts_are_kept_for_a_quarter_hour_at_most():
    at = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
    assert result_cache.time_slot(at) == result_cache.time_slot(at.replace(minute=14, second=59))
    assert result_cache.time_slot(at) != result_cache.time_slot(at.replace(minute=15))
    assert result_cache.time_slot(at) != result_cache.time_slot(at.replace(day=25))


def test_parameters_in_another_order_or_another_page_share_the_results(client, world):
    for n in range(25):
        builders.fiche(world["fiche_index"], f"Aide alimentaire n° {n:02d}")
    first = queries(client, "/recherche/?q=alimentaire&page=1")
    assert queries(client, "/recherche/?page=2&q=alimentaire") < first


def test_another_page_of_the_same_results_does_not_count_the_facets_again(client, world):
    theme = Theme.objects.create(name="Alimentation", slug="alimentation")
    for n in range(25):
        fiche = builders.fiche(world["fiche_index"], f"Aide alimentaire n° {n:02d}")
        if n % 2:
            fiche.themes = [theme]
            fiche.save_revision().publish()
    first = client.get("/recherche/?q=alimentaire")
    second, searches = searched(client, "/recherche/?q=alimentaire&page=2")
    titles = [{r.fiche.title for r in response.context["page_obj"].results} for response in (first, second)]
    assert (len(titles[0]), len(titles[1]), titles[0] & titles[1]) == (20, 5, set())
    assert facet_labels(client, "/recherche/?q=alimentaire&page=2", "theme") == [("Alimentation", 12)]
    assert second.context["facets"] == first.context["facets"]
    if connection.vendor == "postgresql":  # the table's queries: the page, no facet counts
        assert searches and not any("unnest" in search for search in searches)


def test_a_page_past_the_end_shows_the_last_one_from_a_single_search(client, world):
    for n in range(25):
        builders.fiche(world["fiche_index"], f"Aide alimentaire n° {n:02d}")
    last = client.get("/recherche/?q=alimentaire&page=2")
    past, searches = searched(client, "/recherche/?q=alimentaire&page=7")

    def titles(response):
        return [r.fiche.title for r in response.context["page_obj"].results]

    assert past.context["page_obj"].number == 2
    assert titles(past) == titles(last) and len(titles(past)) == 5
    assert "n’existe pas" in past.content.decode()
    if connection.vendor == "postgresql":  # the number of results, then the last page: no retry
        assert len(searches) == 2 and "COUNT(*)" in searches[0] and "LIMIT 20" in searches[1]


def test_the_same_search_asked_again_is_read_not_searched(client, world):
    for n in range(3):
        builders.fiche(world["fiche_index"], f"Aide alimentaire n° {n:02d}")
    first = client.get("/recherche/?q=alimentaire")
    again, searches = searched(client, "/recherche/?q=alimentaire")

    assert [r.fiche.pk for r in again.context["page_obj"].results] == [
        r.fiche.pk for r in first.context["page_obj"].results
    ]
    assert again.context["facets"] == first.context["facets"]
    if connection.vendor == "postgresql":
        assert searches == []


def test_results_are_kept_from_one_quarter_hour_to_the_next_while_the_same_places_are_open(
    client, world, monkeypatch
):
    """They depend on the clock only through the places open now: found again when one opens
    or closes, not every quarter hour (a broad search's first ask, paid four times an hour)."""
    tuesday = [(1, (9, 0), (12, 0), True)]
    ccas = builders.structure(world["structure_index"], world["autun"], "CCAS d’Autun", slots=tuesday)
    builders.fiche(world["fiche_index"], "Aide alimentaire", places=[ccas])
    url = "/recherche/?q=alimentaire"

    def at(hour, minute):
        monkeypatch.setattr(
            "django.utils.timezone.now", lambda: datetime(2026, 11, 24, hour, minute, tzinfo=PARIS)
        )
        response, searches = searched(client, url)
        return facet_count(response, "ouvert"), len(searches)

    def facet_count(response, name):
        facets = {f["name"]: f for f in response.context["facets"]}
        return [o["count"] for o in facets[name]["options"]] if name in facets else []

    assert at(10, 0)[0] == [1]
    assert at(10, 20) == ([1], 0)  # another quarter hour, the same place open: kept
    assert at(12, 30)[0] == []  # closed: found again, nothing open to offer
    assert at(13, 40) == ([], 0)
