import json

import pytest

from fiches.models import CoverageKind, Theme
from fiches.taxonomy import install_taxonomy
from tests import builders

pytestmark = pytest.mark.django_db
PRO_MARKER = "MARQUEUR-PRO-api"


@pytest.fixture
def offer(db):
    install_taxonomy()
    pages = builders.site()
    autun, macon = builders.commune(builders.AUTUN), builders.commune(builders.MACON)
    place = builders.structure(
        pages["structure_index"],
        autun,
        "CCAS d’Autun",
        pro_contacts=PRO_MARKER,
        slots=[(0, (9, 0), (12, 0), True)],
    )
    partout = builders.fiche(
        pages["fiche_index"], "Chèque énergie", places=[place], pro_content=f"<p>{PRO_MARKER}</p>"
    )
    partout.themes = [Theme.objects.get(code="sante--acces-aux-soins")]
    partout.save_revision().publish()
    builders.fiche(
        pages["fiche_index"], "Vestiaire de Mâcon", coverage=CoverageKind.COMMUNES, coverage_communes=[macon]
    )
    for n in range(25):
        builders.fiche(
            pages["fiche_index"], f"Fiche {n:02d}", coverage=CoverageKind.COMMUNES, coverage_communes=[macon]
        )
    return {**pages, "place": place, "partout": partout}


def titles(response):
    return [item["titre"] for item in response.json()["items"]]


def test_fiches_are_filtered_by_commune_and_theme_and_paginated(offer, client):
    assert titles(client.get("/api/v1/fiches", {"commune": "71014"})) == ["Chèque énergie"]
    assert titles(client.get("/api/v1/fiches", {"theme": "sante"})) == ["Chèque énergie"]
    assert titles(client.get("/api/v1/fiches", {"theme": "acces-aux-soins", "commune": "71270"})) == [
        "Chèque énergie"
    ]
    first, second = client.get("/api/v1/fiches").json(), client.get("/api/v1/fiches", {"page": 2}).json()
    assert first["count"] == 27 and len(first["items"]) == 20 and len(second["items"]) == 7


def test_fiche_detail_lists_places_and_structures_have_osm_hours(offer, client):
    detail = client.get(f"/api/v1/fiches/{offer['partout'].pk}", {"commune": "71014"}).json()
    assert detail["lieux"][0]["nom"] == "CCAS d’Autun"
    assert detail["lieux"][0]["horaires_osm"] == "Mo 09:00-12:00"
    structures = client.get("/api/v1/structures", {"commune": "71014"}).json()
    assert [s["nom"] for s in structures["items"]] == ["CCAS d’Autun"]


def test_themes_and_communes_reference_lists(offer, client):
    themes = client.get("/api/v1/themes").json()
    assert {"slug": "sante", "nom": "Santé", "code_data_inclusion": "sante", "categorie": None} in themes
    communes = client.get("/api/v1/communes", {"q": "macon"}).json()["items"]
    assert communes[0]["code_insee"] == "71270"


def test_the_api_never_returns_professional_content(offer, client):
    for url in (
        "/api/v1/fiches",
        f"/api/v1/fiches/{offer['partout'].pk}",
        "/api/v1/structures",
        f"/api/v1/structures/{offer['place'].pk}",
    ):
        assert PRO_MARKER not in client.get(url).content.decode()


def test_bad_parameters_get_french_errors(offer, client):
    assert client.get("/api/v1/fiches", {"commune": "99999"}).json() == {"detail": "Commune inconnue : 99999"}
    assert client.get("/api/v1/fiches", {"theme": "inconnu"}).status_code == 404
    bad_page = client.get("/api/v1/fiches", {"page": "abc"})
    assert bad_page.status_code == 422 and bad_page.json()["detail"] == "Paramètre invalide : page."
    assert client.get("/api/v1/fiches/999999").json() == {"detail": "Fiche introuvable."}


def test_the_api_is_documented(offer, client):
    assert client.get("/api/v1/docs").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/fiches", "/api/v1/structures", "/api/v1/themes", "/api/v1/communes"} <= set(
        spec["paths"]
    )


def test_sitemap_and_schema_org(offer, client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert offer["partout"].url in sitemap and offer["place"].url in sitemap
    html = client.get(offer["partout"].url).content.decode()
    block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    data = json.loads(block)
    assert data["@type"] == "GovernmentService" and data["name"] == "Chèque énergie"
    assert data["availableChannel"][0]["serviceLocation"]["@type"] == "Place"
    assert PRO_MARKER not in block
    structure_block = (
        client.get(offer["place"].url)
        .content.decode()
        .split('application/ld+json">')[1]
        .split("</script>")[0]
    )
    assert json.loads(structure_block)["@type"] == "Place"
