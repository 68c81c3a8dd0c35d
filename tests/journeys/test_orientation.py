"""Orientation in a real browser: the agent orients a person from a fiche (refused without the
person's consent, then sent), the receiving place answers through the link of its e-mail, without
an account, and the agent sees the answer in "Mes orientations"."""

import re

import pytest
from django.core import mail

from tests.journeys.conftest import sign_in
from tests.mail import sent_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_agent_orients_a_person_the_place_answers_and_the_agent_sees_it(journey, network):
    ccas = network["ccas"]
    ccas.orientation_email = "orientations@ccas-autun.fr"
    ccas.save_revision().publish()

    sign_in(journey, "agent")
    journey.get(network["colis"].url)
    journey.click_and_load(journey.button("Orienter une personne"))
    journey.see("Orienter une personne")
    journey.find(f"#id_structure input[value='{ccas.pk}'], input[name=structure][value='{ccas.pk}']").click()
    journey.fill("#id_person_name", "Amélie D.")
    journey.fill("#id_person_contact", "06 11 22 33 44")
    journey.fill("#id_need", "Plus de ressources depuis trois semaines.")
    journey.click_and_load(journey.button("Envoyer l’orientation"), expected_status=400)
    journey.see("Cochez la case du consentement")
    assert journey.find("#id_person_name").get_attribute("value") == "Amélie D."
    journey.screenshot("consentement-manquant")
    journey.find("#id_consent").click()
    journey.click_and_load(journey.button("Envoyer l’orientation"))
    assert journey.path == "/orientations/"
    journey.see("a été envoyée à « CCAS d’Autun »")
    journey.see("En attente de réponse")
    journey.screenshot("mes-orientations-en-attente")

    # The place reads its e-mail and answers through the link, without an account.
    [message] = [m for m in sent_mail() if m.to == ["orientations@ccas-autun.fr"]]
    link = re.search(r"http://[^/\s]+(/orientations/reponse/[^/\s]+/)", message.body).group(1)
    journey.click_and_load(journey.button("Se déconnecter"))
    journey.get(link)
    journey.see("Plus de ressources depuis trois semaines.")
    journey.find("input[name=status][value=prise_en_charge]").click()
    journey.screenshot("reponse-du-lieu")
    journey.click_and_load(journey.button("Envoyer la réponse"))
    journey.see("votre réponse est enregistrée")

    # The agent is told by e-mail and sees the answer.
    assert any(m.to == ["agent@exemple.fr"] for m in sent_mail())
    mail.outbox.clear()
    sign_in(journey, "agent")
    journey.get("/orientations/")
    assert "Prise en charge" in journey.find(".orientation-status").text
    journey.screenshot("mes-orientations-prise-en-charge")
