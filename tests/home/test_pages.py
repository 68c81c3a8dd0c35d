import pytest

from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(reference_data):
    pages = builders.site()
    builders.fiche(pages["fiche_index"], "Aide alimentaire", summary="Colis et épiceries sociales.")
    return pages


def test_home_page_has_the_search_entry_and_links_into_themes_territories_and_structures(site, client):
    from fiches.taxonomy import install_taxonomy

    install_taxonomy()
    html = client.get("/").content.decode()
    assert "Quel besoin ?" in html and "Pour quelle commune ?" in html
    assert 'href="/themes/logement-hebergement/"' in html
    assert 'href="/territoires/"' in html and 'href="/structures/"' in html


def test_base_layout_is_french_with_landmarks_and_a_skip_link(site, client):
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert 'class="skip-link" href="#contenu"' in html and 'id="contenu"' in html
    for landmark in ('role="banner"', 'role="main"', 'role="contentinfo"', "<nav"):
        assert landmark in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "a" * 5000}, "raccourcie à 200 caractères"),
        ({"q": "aide", "page": "abc"}, "<mark>Aide</mark> alimentaire"),
        ({"q": "aide", "page": "99999"}, "Cette page de résultats n’existe pas"),
        ({"commune": "Atlantis"}, "Commune « Atlantis » introuvable"),
        ({"commune": "71000"}, "Plusieurs communes correspondent"),
        ({"q": "<script>alert(1)</script>", "commune": "\x00"}, "Rechercher une fiche"),
    ],
)
def test_bad_search_input_gets_a_clear_french_message_never_a_500(site, client, params, message):
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html


def test_what_the_person_typed_is_kept_in_the_form(site, client):
    html = client.get("/recherche/", {"q": "logement social", "commune": "Atlantis"}).content.decode()
    assert 'value="logement social"' in html and 'value="Atlantis"' in html


def test_the_chosen_commune_is_remembered_for_the_session(site, client):
    client.get("/recherche/", {"q": "aide", "commune": "Autun"})
    assert client.session["commune"] == "71014"
    assert "pour Autun" in client.get("/recherche/", {"q": "aide"}).content.decode()


def test_unknown_theme_or_page_is_a_404_page_in_french(site, client):
    response = client.get("/themes/nexiste-pas/")
    assert response.status_code == 404


def test_fiche_page_sorts_places_for_a_commune_typed_by_name(site, client):
    from fiches.models import FichePage

    index = site["structure_index"]
    from territories.models import Commune

    near = builders.structure(index, Commune.objects.get(insee_code="71153"), "CCAS du Creusot")
    far = builders.structure(index, Commune.objects.get(insee_code="71270"), "CCAS de Mâcon")
    fiche = FichePage.objects.get(title="Aide alimentaire")
    fiche.places = [builders.FichePlace(structure=far), builders.FichePlace(structure=near)]
    fiche.save_revision().publish()

    html = client.get(fiche.url, {"commune": "le creusot"}).content.decode()

    assert "Cette fiche s’applique à Le Creusot." in html
    assert html.index("CCAS du Creusot") < html.index("CCAS de Mâcon")
    assert "1,0 km" not in html and "0,0 km" in html
