"""The owner of fiches ("Responsable de fiche"), in a real browser: creates a fiche, saves a
draft, comes back to it, edits it again (a theme ticked under its category, the CCAS of its
zone as places) and submits it to the moderators."""

import pytest
from wagtail.models import WorkflowState

from fiches.models import FichePage, Theme
from tests.journeys.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def tick(journey, list_id, text):
    """Tick the box labelled `text` in the checkbox list `list_id`, from the keyboard (the box
    found by its label, focused, then the space bar), as a person using the keyboard does."""
    box = journey.driver.find_element(
        "xpath", f'//*[@id="{list_id}"]//label[normalize-space(.) = "{text}"]/input'
    )
    box.send_keys(" ")
    assert box.is_selected()


def save_draft(journey):
    journey.click_and_load(journey.button("Enregistrer le brouillon", within=journey.find("footer")))


def test_an_owner_creates_a_fiche_saves_drafts_comes_back_and_submits_it(journey, network):
    mobility = Theme.objects.create(name="Mobilité", slug="mobilite")
    Theme.objects.create(name="Se déplacer", slug="se-deplacer", parent=mobility)
    licence = Theme.objects.create(name="Passer le permis de conduire", slug="permis", parent=mobility)
    sign_in(journey, "responsable", "/admin/login/")
    index = network["fiche_index"]

    # Create a fiche under the fiches index.
    journey.get(f"/admin/pages/{index.pk}/")
    journey.screenshot("index-des-fiches")
    journey.click_and_load(journey.button("Ajouter une sous-page"))
    if "/add_subpage/" in journey.path:  # a choice of page types, when there is one
        journey.click_and_load(journey.button("Fiche"))
    journey.fill("#id_title", "Aide au permis de conduire")
    journey.fill("#id_summary", "Une aide pour financer le permis B des jeunes en insertion.")
    journey.screenshot("nouvelle-fiche")
    save_draft(journey)
    journey.see("Page « Aide au permis de conduire » créée.")
    fiche = FichePage.objects.get(title="Aide au permis de conduire")
    assert not fiche.live
    assert list(fiche.owners.all()) == [network["responsable"]]

    # Come back to it later, from the index, as an owner does.
    journey.get(f"/admin/pages/{index.pk}/")
    journey.click_and_load(journey.button("Aide au permis de conduire", within=journey.find("main")))
    assert journey.path == f"/admin/pages/{fiche.pk}/edit/", journey.path
    assert journey.find("#id_summary").get_attribute("value").startswith("Une aide pour financer")
    journey.screenshot("brouillon-rouvert")

    # Edit again: the summary, a theme under its category, every CCAS of the zone; save.
    journey.fill("#id_summary", "Une aide pour financer le permis B des jeunes de 18 à 25 ans en insertion.")
    legend = journey.driver.find_element("xpath", '//*[@id="id_themes"]//fieldset/legend')
    assert legend.text == "Mobilité"
    tick(journey, "id_themes", "Passer le permis de conduire")
    tick(journey, "id_place_kinds", "CCAS")
    journey.screenshot("themes-et-types-de-lieux")
    save_draft(journey)
    journey.see("a été mise à jour")
    fiche.refresh_from_db()
    draft = fiche.get_latest_revision_as_object()
    assert "18 à 25 ans" in draft.summary
    assert list(draft.themes.all()) == [licence] and draft.place_kinds == ["ccas"]
    assert journey.find(f'#id_themes input[value="{licence.pk}"]').is_selected()

    # Submit it to the moderators, from the editor's action menu.
    submit = journey.action_menu("Soumettre à ")
    journey.screenshot("menu-soumettre")
    journey.click_and_load(submit)
    journey.see("soumise pour modération")
    journey.screenshot("soumise")

    fiche.refresh_from_db()
    assert not fiche.live
    state = fiche.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == network["responsable"]
