"""An anonymous visitor, in a real browser, reports an error from a fiche page."""

import pytest

from moderation.models import ErrorReport, ReportStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_visitor_reports_an_error_from_a_fiche_and_the_report_reaches_the_inbox(journey, network):
    fiche = network["colis"]
    journey.get(fiche.url)
    assert "Connexion" in journey.find(".main-nav").text  # anonymous
    journey.click_and_load(journey.button("Signaler une erreur sur cette page"))
    assert journey.find("h1").text == "Signaler une erreur"
    journey.see("« Colis alimentaire d’urgence »")

    # Sent empty: the form says what is missing, in French, and keeps the visitor on it.
    journey.click_and_load(journey.button("Envoyer le signalement"), expected_status=400)
    assert "Le formulaire contient des erreurs" in journey.find("#erreurs").text
    journey.screenshot("formulaire-incomplet")
    assert not ErrorReport.objects.exists()

    journey.find("label[for$='_0']").click()  # the first category: contact or hours
    journey.fill("#id_description", "Le numéro de téléphone du CCAS n’est plus attribué.")
    journey.fill("#id_suggestion", "03 85 00 00 00")
    journey.fill("#id_reporter_email", "claire@exemple.fr")
    journey.screenshot("formulaire-rempli")
    journey.click_and_load(journey.button("Envoyer le signalement"))

    assert journey.find("h1").text == "Signalement envoyé"
    journey.screenshot("merci")
    report = ErrorReport.objects.get()
    assert (report.page_id, report.page_title) == (fiche.pk, "Colis alimentaire d’urgence")
    assert report.category == "contact_hours"
    assert report.description == "Le numéro de téléphone du CCAS n’est plus attribué."
    assert report.reporter_email == "claire@exemple.fr"
    assert report.status == ReportStatus.NEW

    journey.click_and_load(journey.button("Retour à « Colis alimentaire d’urgence »"))
    assert journey.path == fiche.url
