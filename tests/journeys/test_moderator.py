"""The moderator, in a real browser: compares a submitted change with the live version, approves
one change, sends another back with a comment, then reads the reports inbox and the indicators."""

import pytest
from wagtail.models import TaskState, WorkflowState

from fiches.models import FichePage
from moderation.models import ErrorReport
from tests.journeys.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def submit_change(fiche, owner, **changes):
    """What an owner's "Soumettre à …" does: a new revision, and the workflow started on it."""
    for field, value in changes.items():
        setattr(fiche, field, value)
    fiche.save_revision(user=owner)
    fiche.get_workflow().start(fiche, owner)


@pytest.fixture
def submissions(network):
    owner = network["responsable"]
    submit_change(network["colis"], owner, title="Colis alimentaire d’urgence et bons d’achat")
    submit_change(
        network["epicerie"], owner, summary="Des courses à 10 % du prix, sans condition de ressources."
    )
    ErrorReport.objects.create(
        page=network["energie"],
        page_title="Chèque énergie",
        category="conditions",
        description="Le plafond de ressources indiqué date de l’an dernier.",
    )
    return network


def test_a_moderator_compares_approves_one_change_sends_another_back_and_reads_the_reports(
    journey, submissions
):
    colis, epicerie = submissions["colis"], submissions["epicerie"]
    sign_in(journey, "moderateur", "/admin/login/")

    # The dashboard lists what awaits review.
    journey.see("Colis alimentaire d’urgence et bons d’achat")
    journey.see("Épicerie solidaire alimentaire")
    journey.screenshot("tableau-de-bord")

    # The change's comparison with the live version, from the dashboard.
    row = journey.driver.find_element("xpath", "//tr[contains(normalize-space(.), 'et bons d’achat')]")
    journey.find(".w-dropdown__toggle", within=row).click()
    compare = journey.button("Comparer avec la version publiée", within=row)
    journey.wait(lambda _d: compare.is_displayed())
    journey.click_and_load(compare)
    assert "/revisions/compare/" in journey.path
    journey.see("Colis alimentaire d’urgence")
    assert journey.find_all("ins, .addition"), "no addition shown"
    journey.screenshot("comparaison")

    # The page's history of revisions.
    journey.get(f"/admin/pages/{colis.pk}/history/")
    journey.see("Relecture et validation")
    journey.screenshot("historique")

    # Approve it: the change is published.
    journey.get(f"/admin/pages/{colis.pk}/edit/")
    journey.click_and_load(journey.action_menu("Approuver et Publier", exact=True))
    journey.screenshot("approuvee")
    colis.refresh_from_db()
    assert colis.live and colis.title == "Colis alimentaire d’urgence et bons d’achat"
    assert not colis.has_unpublished_changes
    assert colis.current_workflow_state is None

    # Send the other back to its owner with a comment.
    journey.get(f"/admin/pages/{epicerie.pk}/edit/")
    journey.action_menu("Demander des modifications").click()
    comment = journey.wait_for(".modal textarea, [role=dialog] textarea")
    comment.send_keys("Merci de garder la condition : orientation par un travailleur social.")
    journey.screenshot("demande-de-modifications")
    dialog = comment.find_element("xpath", "./ancestor::form")
    journey.click_and_load(journey.find("[type=submit]", within=dialog))
    epicerie.refresh_from_db()
    assert epicerie.title == "Épicerie solidaire alimentaire"
    assert FichePage.objects.get(pk=epicerie.pk).summary.startswith(
        "Des courses à 10 % du prix, sur orientation"
    )
    state = WorkflowState.objects.get(object_id=str(epicerie.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state = TaskState.objects.filter(workflow_state=state).get()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert "orientation par un travailleur social" in task_state.get_comment()

    # The reports inbox, from the menu.
    journey.click_and_load(
        journey.button("Signalements", within=journey.find("#wagtail-sidebar, nav, aside"))
    )
    assert journey.path.startswith("/admin/moderation/errorreport/")
    journey.see("Chèque énergie")
    journey.see("Conditions ou pièces à fournir erronées")
    journey.screenshot("signalements")

    # The indicators, from the menu.
    journey.click_and_load(journey.button("Indicateurs", within=journey.find("#wagtail-sidebar, nav, aside")))
    journey.see("Indicateurs")
    journey.screenshot("indicateurs")

    # A half-year, then dates typed wrong: the French message, and what was typed kept.
    from selenium.webdriver.support.ui import Select  # selenium is imported only with a browser

    Select(journey.find("#id_semestre")).select_by_visible_text("1er")
    journey.click_and_load(journey.button("Afficher la période"))
    journey.see("Période : 1er semestre")
    journey.see("Consultations par mois")
    journey.screenshot("indicateurs-semestre")
    journey.fill("#id_du", "31/02/2026")
    journey.fill("#id_au", "30/06/2026")
    journey.click_and_load(journey.button("Afficher la période"), expected_status=400)
    journey.see("Saisissez une date valide, par exemple 31/12/2026.")
    assert journey.find("#id_du").get_attribute("value") == "31/02/2026"
    journey.screenshot("indicateurs-date-erronee")
