"""The reception agent, in a real browser: sign in, search, choose the person's commune, open a
fiche, print its handout, gather fiches in the selection."""

import pytest

from tests.journeys.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FETCH_FORM = """
const [button, done] = arguments;
const form = button.form;
const url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
fetch(url, {credentials: "same-origin"})
  .then(async (r) => {
    const head = new Uint8Array(await r.arrayBuffer()).slice(0, 5);
    done({status: r.status, type: r.headers.get("Content-Type"), head: String.fromCharCode(...head), url});
  })
  .catch((e) => done({error: String(e)}));
"""


def test_an_agent_finds_a_fiche_for_a_commune_prints_it_and_gathers_a_selection(journey, network):
    sign_in(journey, "agent")
    journey.see("Se déconnecter")

    # Search by need, with part of the person's commune: the site asks which commune.
    journey.get("/recherche/")
    journey.fill("#id_q", "alimentaire")
    journey.fill("#id_commune", "Creus")
    journey.click_and_load(journey.button("Rechercher", within=journey.find("form.search-form")))
    journey.see("précisez laquelle")
    journey.screenshot("communes-possibles")
    journey.click_and_load(journey.button("Le Creusot (71200)"))

    # The results are for Le Creusot, each with its nearest places.
    assert "2 fiches pour Le Creusot" in journey.find(".results-count").text
    titles = [a.text for a in journey.find_all(".result-list h3 a")]
    assert set(titles) == {"Colis alimentaire d’urgence", "Épicerie solidaire alimentaire"}
    assert "Maison des solidarités du Creusot" in journey.find(".result-list").text
    journey.screenshot("resultats-pour-le-creusot")

    # The fiche remembers the commune: its places sorted by distance, its handout for it.
    journey.click_and_load(journey.button("Colis alimentaire d’urgence"))
    assert journey.find("h1").text == "Colis alimentaire d’urgence"
    journey.see("Cette fiche s’applique à Le Creusot.")
    places = [a.text for a in journey.find_all("aside .cards h3, aside .cards a")]
    assert places and "Maison des solidarités du Creusot" in places[0]
    journey.screenshot("fiche")

    handout = journey.button("Imprimer la fiche pour Le Creusot (PDF)")
    pdf = journey.driver.execute_async_script(FETCH_FORM, handout)
    assert pdf.get("status") == 200, pdf
    assert pdf["type"] == "application/pdf"
    assert pdf["head"] == "%PDF-"
    assert f"/imprimer/fiche/{network['colis'].pk}.pdf" in pdf["url"]
    journey.check()

    # Two fiches in the selection, then the selection itself.
    journey.click_and_load(journey.button("Ajouter à ma sélection"))
    journey.see("ajoutée à votre sélection")
    journey.get(network["energie"].url)
    journey.click_and_load(journey.button("Ajouter à ma sélection"))
    assert "Ma sélection (2" in journey.find(".main-nav").text
    journey.click_and_load(journey.button("Ma sélection"))
    assert journey.path == "/selection/"
    journey.see("2 fiches sélectionnées.")
    rows = [a.text for a in journey.find_all("table tbody td:first-child a")]
    assert rows == ["Colis alimentaire d’urgence", "Chèque énergie"]
    journey.screenshot("selection")

    pdf = journey.driver.execute_async_script(FETCH_FORM, journey.button("Imprimer la sélection (PDF)"))
    assert pdf.get("status") == 200, pdf
    assert (pdf["type"], pdf["head"]) == ("application/pdf", "%PDF-")


def test_an_agent_types_the_commune_with_the_need_then_says_what_was_not_found(journey, network):
    from fiches.models import NeedReport
    from tests.journeys.test_first_hour import axe_violations

    sign_in(journey, "agent")
    journey.get("/recherche/")
    journey.fill("#id_q", "colis alimentaire Autun")
    journey.fill("#id_commune", "")
    journey.click_and_load(journey.button("Rechercher", within=journey.find("form.search-form")))
    # The commune read in the need box is the criterion, shown and removable.
    journey.see("Commune lue dans votre recherche (« Autun ») : Autun")
    assert journey.find("#id_q").get_attribute("value") == "colis alimentaire"
    assert "1 fiche pour Autun" in journey.find(".results-count").text
    journey.screenshot("commune-lue-dans-la-recherche")
    journey.click_and_load(journey.button("retirer la commune"))
    assert "pour Autun" not in journey.find(".results-count").text

    # Nothing for a dentist: "Je n'ai pas trouvé", with the words and the commune prefilled.
    journey.fill("#id_q", "dentiste")
    journey.fill("#id_commune", "autun")
    journey.click_and_load(journey.button("Rechercher", within=journey.find("form.search-form")))
    journey.click_and_load(journey.button("Je n’ai pas trouvé"))
    journey.see("Aucune donnée personnelle")
    assert journey.find("#id_commune").get_attribute("value") == "Autun"
    journey.fill("#id_words", "dentiste pour Mme B., 06 12 34 56 78")
    journey.click_and_load(journey.button("Envoyer"))
    journey.see("Retirez le numéro")
    journey.screenshot("je-n-ai-pas-trouve-erreur")
    journey.driver.set_script_timeout(30)
    assert not axe_violations(journey.driver)
    journey.fill("#id_words", "dentiste acceptant la C2S")
    journey.click_and_load(journey.button("Envoyer"))
    journey.see("ce besoin est transmis")
    assert list(NeedReport.objects.values_list("words", flat=True)) == ["dentiste acceptant la C2S"]
    journey.check()
