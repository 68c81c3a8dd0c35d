"""Typing slips (fiches.suggest.corrected, fiches.search.find): a word the fiches never use is
replaced by the closest word of their vocabulary when the words as typed find nothing (pg_trgm
on PostgreSQL, difflib on SQLite), the page says so and links to the words as typed. And the
need box never fails, whatever is typed in it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiches import search_rows
from fiches.models import Synonym
from tests import builders

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    return response


def titles(response):
    return [r.fiche.title for r in response.context["page_obj"].results]


@pytest.fixture
def fiches(world):
    index = world["fiche_index"]
    builders.fiche(
        index, "Faire une demande de logement social", summary="Une demande unique pour le département."
    )
    builders.fiche(
        index,
        "Surendettement : déposer un dossier",
        summary="La commission de surendettement de la Banque de France.",
    )
    builders.fiche(index, "Aide alimentaire", summary="Colis, épicerie solidaire et bons d’achat.")
    return world


@pytest.mark.parametrize(
    ("typed", "corrected", "title"),
    [
        ("logemnt", "logement", "Faire une demande de logement social"),
        ("surendetement", "surendettement", "Surendettement : déposer un dossier"),
        ("epicerie solidair", "epicerie solidaire", "Aide alimentaire"),
    ],
)
def test_a_typing_slip_finds_what_the_right_word_finds_and_says_so(client, fiches, typed, corrected, title):
    right = titles(search(client, q=corrected))
    response = search(client, q=typed)
    page = response.content.decode()

    assert titles(response) == right == [title]
    if response.context["browse"].corrected:  # PostgreSQL's stemmer may find it as typed
        assert f"Résultats pour « {corrected} »" in page
        link = re.search(
            r'<p class="corrected">.*?<a href="([^"]+)">Rechercher « ([^»]+) » tel quel</a>', page
        )
        assert link.group(2).strip() == typed
        as_typed = client.get("/recherche/" + link.group(1).replace("&amp;", "&"))
        assert as_typed.status_code == 200
        assert not as_typed.context["browse"].corrected
        assert titles(as_typed) == []
        assert f'value="{typed}"' in as_typed.content.decode()


def test_logemnt_is_corrected_on_every_database(client, fiches):
    response = search(client, q="logemnt")

    assert response.context["browse"].corrected == "logement"
    assert "Résultats pour « logement »" in response.content.decode()


def test_the_vocabulary_follows_the_fiches_on_postgresql(fiches):
    if not search_rows.enabled():
        pytest.skip("La table du vocabulaire n’existe que sur PostgreSQL.")
    assert search_rows.SearchWord.objects.filter(folded="surendettement").exists()
    builders.fiche(fiches["fiche_index"], "Téléassistance", summary="Un médaillon relié à une centrale.")
    assert search_rows.SearchWord.objects.filter(folded="medaillon", word="médaillon").exists()
    search_rows.rebuild()
    assert search_rows.SearchWord.objects.filter(folded="medaillon").exists()


def test_when_no_fiche_has_every_word_those_having_some_come_first_and_the_page_says_so(client, fiches):
    builders.fiche(fiches["fiche_index"], "Location solidaire de voitures", summary="Pour aller au travail.")

    response = search(client, q="voitures garage scooter")
    page = response.content.decode()

    assert titles(response) == ["Location solidaire de voitures"]
    assert response.context["browse"].partial
    assert "Aucune fiche ne contient tous les mots de votre recherche" in page
    every_word = re.search(r'<a href="([^"]+)">Exiger tous les mots</a>', page).group(1).replace("&amp;", "&")
    assert titles(search(client, **dict(p.split("=") for p in every_word.lstrip("?").split("&")))) == []


def test_a_word_that_is_no_slip_is_kept_and_the_close_terms_are_proposed(client, fiches):
    response = search(client, q="zzzqqq")

    assert titles(response) == []
    assert not response.context["browse"].corrected
    assert "Résultats pour" not in response.content.decode()


def test_a_term_of_the_synonyms_list_is_never_taken_for_a_slip(client, fiches):
    Synonym.objects.create(term="logemen", equivalents="hébergement", both_ways=False)

    response = search(client, q="logemen")

    assert not response.context["browse"].corrected


def test_a_search_that_finds_fiches_costs_no_correction_query(client, fiches):
    search(client, q="logement")  # sessions, site root paths
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        search(client, q="logement")
    assert not [q for q in ctx.captured_queries if "searchword" in q["sql"] or "similarity" in q["sql"]]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "« aide »",
        "!!!",
        "???",
        "* OR NOT NEAR",
        "aide AND",
        "^ ( ) : \\ '",
        "aide\u200balimentaire",
        "l'aide d’urgence",
        "🙂 aide 🙂",
        "١٢٣",
        "a" * 199,
        ("logement " * 40).strip(),
        "%' OR 1=1 --",
    ],
)
def test_odd_characters_in_the_need_box_never_fail(client, fiches, q):
    response = client.get("/recherche/", {"q": q})

    assert response.status_code == 200


@pytest.mark.parametrize("q", ["!!!", "« » … ?", "--"])
def test_a_query_without_any_word_says_so_in_french(client, fiches, q):
    response = search(client, q=q)

    assert titles(response) == []
    assert "Votre recherche ne contient aucun mot" in response.content.decode()
