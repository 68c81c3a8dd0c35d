"""Places by kind (FichePage.place_kinds): a fiche takes every visible place of the chosen kinds
in its zone, without naming them one by one. What an agent meets: the fiche page, the result
cards, the "sans rendez-vous" facet and the structure's list of the fiches that use it follow
the places that open, close or move; the editor stays light (issue #27, item 10)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from fiches import search_rows
from fiches.models import CoverageKind, FichePage
from tests import builders
from tests.html import has

pytestmark = pytest.mark.django_db
ALL_WEEK_WALK_IN = [(d, (0, 0), (23, 59), True) for d in range(7)]


@pytest.fixture
def zone(world):
    index = world["structure_index"]
    return {
        **world,
        "ccas_autun": builders.structure(index, world["autun"], "CCAS d’Autun"),
        "ccas_creusot": builders.structure(index, world["le_creusot"], "CCAS du Creusot"),
        "mds_autun": builders.structure(index, world["autun"], "MDS d’Autun", kind="mds"),
    }


def page_places(client, fiche):
    client.cookies.clear()
    return [s.title for s, _km in client.get(fiche.url).context["places"]]


def test_a_fiche_takes_the_places_of_its_kinds_in_its_zone_after_those_it_names(client, zone):
    fiche = builders.fiche(
        zone["fiche_index"],
        "Aide facultative du CCAS",
        coverage=CoverageKind.EPCI,
        coverage_epcis=[zone["cc"]],
        place_kinds=["ccas"],
        places=[zone["mds_autun"]],
    )
    wide = builders.fiche(zone["fiche_index"], "Domiciliation", place_kinds=["ccas", "mds"])

    assert page_places(client, fiche) == ["MDS d’Autun", "CCAS d’Autun"]  # not Le Creusot's
    assert set(page_places(client, wide)) == {"CCAS d’Autun", "CCAS du Creusot", "MDS d’Autun"}
    assert list(FichePage.objects.using_structure(zone["ccas_autun"]).order_by("title")) == [fiche, wide]
    assert list(FichePage.objects.using_structure(zone["ccas_creusot"])) == [wide]


def test_a_place_that_opens_or_closes_in_the_zone_shows_on_the_next_page(client, zone):
    fiche = builders.fiche(
        zone["fiche_index"],
        "Aide facultative du CCAS",
        coverage=CoverageKind.EPCI,
        coverage_epcis=[zone["cc"]],
    )
    fiche.place_kinds = ["ccas"]
    fiche.save_revision().publish()
    assert page_places(client, fiche) == ["CCAS d’Autun"]

    opened = builders.structure(zone["structure_index"], zone["autun"], "Antenne du CCAS d’Autun")
    assert page_places(client, fiche) == ["Antenne du CCAS d’Autun", "CCAS d’Autun"]
    opened.unpublish()
    zone["ccas_autun"].unpublish()
    assert page_places(client, fiche) == []


def test_the_result_cards_and_the_walk_in_facet_follow_the_kinds(client, zone):
    fiche = builders.fiche(zone["fiche_index"], "Domiciliation", place_kinds=["mds"])
    client.cookies.clear()
    url = f"/recherche/?q=domiciliation&insee={zone['le_creusot'].insee_code}"
    cards = client.get(url).context["page_obj"].results
    assert [[s.title for s, _km in r.places] for r in cards] == [["MDS d’Autun"]]
    assert client.get("/recherche/?sans_rdv=1").context["page_obj"].results == []

    builders.structure(
        zone["structure_index"], zone["autun"], "MDS d’Autun, accueil", kind="mds", slots=ALL_WEEK_WALK_IN
    )

    found = client.get("/recherche/?sans_rdv=1").context["page_obj"].results
    assert [r.fiche.pk for r in found] == [fiche.pk]
    if search_rows.enabled():
        row = search_rows.SearchRow.objects.get(fiche_id=fiche.pk)
        assert len(row.places) == 2 and row.walk_in


def test_the_editor_offers_the_kinds_and_names_no_place_it_takes_by_kind(zone):
    fiche = builders.fiche(zone["fiche_index"], "Domiciliation", place_kinds=["ccas", "mds"])
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x"))

    html = client.get(f"/admin/pages/{fiche.pk}/edit/").content.decode()

    assert "ous les lieux de ces types dans la zone couverte" in html, html[html.find("place_kinds") - 900 :][
        :1200
    ]
    assert has(html, '//input[@name="place_kinds"][@value="ccas"]') and "CCAS du Creusot" not in html
