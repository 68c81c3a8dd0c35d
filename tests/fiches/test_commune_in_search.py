"""Communes understood wherever typed (issue 22, item 4), with the real communes of data/: in the
commune field, its suggestions and the need box, by the one rule of
territories.geo.normalize_name."""

import pytest

from territories.geo import normalize_name
from territories.models import Commune
from tests import builders


@pytest.fixture
def communes(reference_data):
    return Commune.objects.of_departement()


def test_the_name_rule_ignores_case_accents_hyphens_apostrophes_and_reads_st_as_saint():
    assert normalize_name("ST MARCEL") == normalize_name("Saint-Marcel") == "saint marcel"
    assert normalize_name("Ste-Cécile") == "sainte cecile"
    assert normalize_name("st.-rémy") == "saint remy"
    assert normalize_name("L’Abergement-de-Cuisery") == "l abergement de cuisery"
    assert normalize_name("Stade") == "stade"


def test_the_imported_and_migrated_search_names_follow_the_rule(communes):
    saint_marcel = communes.get(name="Saint-Marcel")
    assert saint_marcel.search_name == "saint marcel"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ST MARCEL", "Saint-Marcel"),
        ("st marcel", "Saint-Marcel"),
        ("macon", "Mâcon"),
        ("MACON", "Mâcon"),
        ("chalon", "Chalon-sur-Saône"),  # the only name that starts so
        ("paray le monial", "Paray-le-Monial"),
        ("Saint-Jean-le-Priche", "Mâcon"),  # an old commune
        ("71450", "Blanzy"),  # the postal code of one commune
        ("71076", "Chalon-sur-Saône"),  # an INSEE code no postal code shares
    ],
)
def test_the_commune_field_resolves(communes, typed, expected):
    assert communes.resolve(typed).name == expected


@pytest.mark.parametrize("typed", ["71100", "monta", "saint", "dig"])
def test_an_ambiguous_entry_lists_candidates(communes, typed):
    assert communes.resolve(typed) is None
    assert communes.matching(typed).exists()


def test_suggestions_rank_the_exact_name_then_prefixes_by_population_and_postal_codes_before_insee(communes):
    def names(term):
        return [c.name for c in communes.matching(term)[:10]]

    assert names("macon")[0] == "Mâcon"
    assert names("mont")[:3] == ["Mont", "Montceau-les-Mines", "Montchanin"]  # exact, then by population
    assert names("chalon")[0] == "Chalon-sur-Saône"
    assert names("ST MARCEL")[0] == "Saint-Marcel"
    # 71100: Chalon-sur-Saône's postal code (with four others) and Chardonnay's INSEE code.
    assert names("71100")[0] == "Chalon-sur-Saône" and names("71100")[-1] == "Chardonnay"


def test_the_autocompletion_endpoint_reads_the_same_rule(client, communes):
    def labels(term):
        return [r["label"] for r in client.get("/communes/autocompletion/", {"q": term}).json()["results"]]

    assert labels("macon")[0] == "Mâcon (71000)"
    assert "Montceau-les-Mines (71300)" in labels("mont")[:3]
    assert labels("ST MARCEL")[0] == "Saint-Marcel (71380)"
    assert labels("71100")[0] == "Chalon-sur-Saône (71100)"


@pytest.mark.parametrize(
    "text, commune, rest",
    [
        ("aide alimentaire Montceau", "Montceau-les-Mines", "aide alimentaire"),
        ("Chagny", "Chagny", ""),
        ("Digoin", "Digoin", ""),
        ("logement à Paray", "Paray-le-Monial", "logement"),
        ("epicerie solidaire ST MARCEL", "Saint-Marcel", "epicerie solidaire"),
        ("mutuelle Saint-Jean-le-Priche", "Mâcon", "mutuelle"),
        ("aide alimentaire 71450", "Blanzy", "aide alimentaire"),
    ],
)
def test_a_commune_in_the_need_box_is_read_with_the_rest_as_the_need(communes, text, commune, rest):
    found = communes.named_in(text)
    assert (found.commune.name, found.rest) == (commune, rest)


@pytest.mark.parametrize(
    "text", ["couches bebe", "plus de chauffage", "dentiste", "logemnt", "handicapé enfant"]
)
def test_needs_are_not_read_as_communes(communes, text):
    assert communes.named_in(text) is None


def test_a_shared_postal_code_in_the_need_box_is_its_most_populous_commune_with_the_others_offered(communes):
    found = communes.named_in("71100")
    assert (found.commune.name, found.typed, found.rest) == ("Chalon-sur-Saône", "71100", "")
    # The others of the postal code, not Chardonnay (71100 is its INSEE code).
    assert [c.name for c in found.candidates] == ["Saint-Rémy", "Lux", "Sevrey", "La Charmée"]


# --- On the results page ------------------------------------------------------------------------


@pytest.fixture
def offer(reference_data):
    pages = builders.site()
    montceau = Commune.objects.get(name="Montceau-les-Mines")
    chagny = Commune.objects.get(name="Chagny")
    builders.fiche(
        pages["fiche_index"],
        "Épicerie sociale de Montceau",
        summary="Aide alimentaire à petit prix.",
        coverage=builders.CoverageKind.COMMUNES,
        coverage_communes=[montceau],
    )
    builders.fiche(
        pages["fiche_index"],
        "Colis alimentaires de Chagny",
        summary="Aide alimentaire d’urgence.",
        coverage=builders.CoverageKind.COMMUNES,
        coverage_communes=[chagny],
    )
    builders.fiche(pages["fiche_index"], "Point conseil budget", summary="Dettes et budget.")
    return {"montceau": montceau, "chagny": chagny}


def _titles(response):
    return [r.fiche.title for r in response.context["page_obj"].results]


def test_the_commune_typed_with_the_need_is_the_criterion_shown_and_removable(client, offer):
    response = client.get("/recherche/", {"q": "aide alimentaire Montceau"})
    html = response.content.decode()
    assert _titles(response) == ["Épicerie sociale de Montceau"]
    assert "Commune lue dans votre recherche (« Montceau ») : <strong>Montceau-les-Mines</strong>" in html
    assert 'value="aide alimentaire"' in html and 'value="Montceau-les-Mines"' in html
    removal = response.context["browse"].without_commune_url()
    assert removal == "?q=aide+alimentaire&commune=&tel_quel=1"
    removed = client.get("/recherche/" + removal)
    assert sorted(_titles(removed)) == ["Colis alimentaires de Chagny", "Épicerie sociale de Montceau"]
    assert removed.context["commune"] is None and "Commune lue" not in removed.content.decode()


def test_a_commune_alone_in_the_need_box_lists_its_fiches(client, offer):
    response = client.get("/recherche/", {"q": "Chagny"})
    assert response.context["commune"] == offer["chagny"] and response.context["query"] == ""
    assert sorted(_titles(response)) == ["Colis alimentaires de Chagny", "Point conseil budget"]
    # Removed, the word is searched as typed.
    removed = client.get("/recherche/" + response.context["browse"].without_commune_url())
    assert removed.context["commune"] is None and removed.context["query"] == "Chagny"
    assert _titles(removed) == ["Colis alimentaires de Chagny"]


def test_a_shared_postal_code_in_the_need_box_gives_results_and_offers_the_other_communes(client, offer):
    response = client.get("/recherche/", {"q": "aide alimentaire 71100"})
    html = response.content.decode()
    assert response.context["commune"].name == "Chalon-sur-Saône"
    assert (
        "« 71100 » est le code postal de plusieurs communes : voici les résultats pour Chalon-sur-Saône"
        in html
    )
    assert "?q=aide%20alimentaire&amp;insee=71475" in html  # Saint-Rémy, to choose instead


def test_the_commune_field_never_lands_an_exact_name_on_candidates(client, offer):
    for typed in ("macon", "ST MARCEL", "chalon", "Chagny"):
        response = client.get("/recherche/", {"q": "aide", "commune": typed})
        assert response.context["commune"] is not None, typed
        assert "Plusieurs communes" not in response.content.decode()


def test_reading_the_need_box_costs_one_query(communes, django_assert_num_queries):
    for text in ("aide alimentaire Montceau", "plus de chauffage", "mutuelle Saint-Jean-le-Priche"):
        with django_assert_num_queries(1):
            communes.named_in(text)
