"""A structure's offer on its page, the directory map of every place with its filters, and the
printable directory (issue #24, item 3)."""

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from fiches.models import FicheCarrier, Theme
from territories.models import OpeningSlot, StructureKind, StructurePage
from tests import builders, pdf

pytestmark = pytest.mark.django_db

MONDAY_10H = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def world(db):
    pages = builders.site()
    grand_autunois = builders.epci("200070530", "CC du Grand Autunois Morvan", "CC")
    autun = builders.commune(builders.AUTUN, epci_=grand_autunois)
    creusot = builders.commune(builders.LE_CREUSOT, epci_=builders.epci())
    charolles = builders.commune(builders.CHAROLLES)
    index = pages["structure_index"]
    mds = builders.structure(
        index,
        autun,
        "MDS d’Autun",
        kind="mds",
        phone="03 85 00 00 01",
        charter_signatory=True,
        slots=[(0, (9, 0), (12, 0), True), (1, (14, 0), (17, 0), False)],
    )
    ccas = builders.structure(index, creusot, "CCAS du Creusot", slots=[(0, (9, 0), (12, 0), False)])
    associations = [
        builders.structure(index, charolles, f"Association d’entraide n° {n:02d}", kind="association")
        for n in range(1, 34)
    ]
    permanence = StructurePage(
        title="Permanence de la MDS d’Autun à la mairie", kind=StructureKind.PERMANENCE, commune=autun
    )
    permanence.opening_slots = [OpeningSlot(weekday=1, week_of_month=2, opens=time(14), closes=time(17))]
    mds.add_child(instance=permanence)
    permanence.save_revision().publish()

    housing = Theme.objects.create(name="Logement", slug="logement-test", sort_order=1)
    food = Theme.objects.create(name="Alimentation", slug="alimentation-test", sort_order=2)
    emergency = Theme.objects.create(name="Aide d’urgence", slug="aide-urgence-test", parent=food)
    fiche_index = pages["fiche_index"]
    fsl = builders.fiche(fiche_index, "Fonds de solidarité logement", places=[mds], themes=[housing])
    fsl.carriers = [FicheCarrier(structure=mds)]
    fsl.save_revision().publish()
    parcels = builders.fiche(fiche_index, "Colis alimentaires", places=[mds, ccas], themes=[emergency])
    elsewhere = builders.fiche(fiche_index, "Épicerie sociale", places=[ccas], themes=[emergency])
    draft = builders.fiche(fiche_index, "Fiche retirée", places=[mds], themes=[housing])
    draft.unpublish()
    return {
        **pages,
        "mds": mds,
        "ccas": ccas,
        "associations": associations,
        "permanence": permanence,
        "fiches": {"fsl": fsl, "parcels": parcels, "elsewhere": elsewhere},
    }


def test_a_structure_page_lists_the_fiches_it_carries_or_receives_for_by_theme(world, client):
    html = client.get(world["mds"].url).content.decode()

    offer = html[html.index("Ce que propose ce lieu") :]
    assert offer.index("<h3>Logement</h3>") < offer.index("Fonds de solidarité logement")
    assert offer.index("<h3>Alimentation</h3>") < offer.index("Colis alimentaires")
    assert offer.index("Fonds de solidarité logement") < offer.index("<h3>Alimentation</h3>")
    assert re.search(
        r"Fonds de solidarité logement</a> <span class=\"meta\">— dispositif porté par ce lieu", offer
    )
    assert not re.search(r"Colis alimentaires</a> <span", offer)  # a place, not its carrier
    assert "Épicerie sociale" not in html and "Fiche retirée" not in html
    # A place without fiches shows no empty section.
    assert "Ce que propose ce lieu" not in client.get(world["permanence"].url).content.decode()


def test_the_directory_map_shows_every_place_while_its_list_is_paginated(world, client):
    response = client.get(world["structure_index"].url)

    assert len(response.context["map_data"]["markers"]) == 36  # MDS, CCAS, 33 associations, 1 permanence
    assert len(response.context["page_obj"]) == 30
    assert "36 lieux" in response.content.decode()


def test_the_directory_filters_by_type_charter_and_walk_in_now_in_the_url(world, client, monkeypatch):
    index = world["structure_index"].url

    def names(**params):
        response = client.get(index, params)
        assert response.status_code == 200
        return {m["name"] for m in response.context["map_data"]["markers"]}

    assert names(type="mds") == {"MDS d’Autun"}
    assert names(type="permanence") == {"Permanence de la MDS d’Autun à la mairie"}
    assert names(charte="1") == {"MDS d’Autun"}
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_10H)
    # Monday 10:00: the MDS receives without appointment, the CCAS only by appointment.
    assert names(sans_rdv="1") == {"MDS d’Autun"}
    assert names(sans_rdv="1", type="ccas") == set()
    html = client.get(index, {"sans_rdv": "1", "charte": "1"}).content.decode()
    assert 'name="sans_rdv" value="1" checked' in html and 'name="charte" value="1" checked' in html
    # Values the form never sends are ignored, never an error.
    assert len(names(type="n’importe", charte="oui", sans_rdv="\x00")) == 36


def test_the_printable_directory_of_an_epci_is_a_compact_pdf_of_its_places(world, client):
    html = client.get(world["structure_index"].url).content.decode()
    assert 'action="/imprimer/annuaire.pdf"' in html and 'value="epci:200070530"' in html

    response = client.get("/imprimer/annuaire.pdf", {"zone": "epci:200070530"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf.text(response.content)
    assert "Annuaire des lieux d’accueil — CC du Grand Autunois Morvan" in text
    assert "MDS d’Autun" in text and "Tél. 03 85 00 00 01" in text
    assert "Lundi : 09:00–12:00" in text and "Mardi : 14:00–17:00 (sur rendez-vous)" in text
    assert "2e mardi du mois : 14:00–17:00" in text  # the permanence at the mairie
    assert "CCAS du Creusot" not in text and "Association" not in text
    info = pdf.info(response.content)
    assert info["Pages"] == "1" and info["Page size"].endswith("(A4)")
    assert info["Title"] == "Annuaire des lieux d’accueil — CC du Grand Autunois Morvan"


def test_the_printable_directory_of_the_departement_fits_36_places_on_one_page(world, client):
    content = client.get("/imprimer/annuaire.pdf").content

    text = pdf.text(content)
    assert all(name in text for name in ("MDS d’Autun", "CCAS du Creusot", "Association d’entraide n° 33"))
    assert pdf.pages(content) == 1  # a phone book: three columns of small type
    # With the directory's filters, and an unknown zone answered in French.
    ccas = pdf.text(client.get("/imprimer/annuaire.pdf", {"type": "ccas"}).content)
    assert "CCAS du Creusot" in ccas and "MDS d’Autun" not in ccas
    assert client.get("/imprimer/annuaire.pdf", {"zone": "epci:999999999"}).status_code == 404
    assert client.get("/imprimer/annuaire.pdf", {"zone": "territoire:\x00"}).status_code == 404


def test_the_printable_directory_of_a_territory(world, client):
    territory = builders.territory(world["departement"], "Autunois – Creusot", epcis=[builders.epci()])

    text = pdf.text(client.get("/imprimer/annuaire.pdf", {"zone": f"territoire:{territory.slug}"}).content)

    assert "Annuaire des lieux d’accueil — Autunois – Creusot" in text
    assert "CCAS du Creusot" in text and "MDS d’Autun" not in text
