"""Owners edit what they own and submit; moderators approve or send back; e-mails queued with the change."""

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.test.utils.form_data import querydict_from_html

from fiches.models import FichePage
from tests.html import has
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db


def logged(user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def edit_form(client, page):
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form").copy()
    data.setdefault("body-count", "0")  # the StreamField is drawn by JavaScript; the test fiches have no body
    return data


def test_an_owner_edits_their_fiche_but_not_someone_elses_even_by_url(network):
    owner = logged(network["owner"])
    assert owner.get(f"/admin/pages/{network['fiche'].pk}/edit/").status_code == 200
    # Wagtail's own answer to a refused admin page: back to the dashboard, with a French message.
    response = owner.get(f"/admin/pages/{network['structure'].pk}/edit/", follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "les autorisations pour accéder à cette zone" in response.content.decode()
    assert (
        logged(network["moderator"]).get(f"/admin/pages/{network['structure'].pk}/edit/").status_code == 200
    )


def test_owners_cannot_delete_or_publish(network):
    owner = logged(network["owner"])
    fiche = network["fiche"]
    assert owner.post(f"/admin/pages/{fiche.pk}/delete/").status_code in (302, 403)
    assert FichePage.objects.filter(pk=fiche.pk).exists()

    data = edit_form(owner, fiche)
    data["title"] = "Titre publié sans validation"
    data["action-publish"] = "action-publish"
    owner.post(f"/admin/pages/{fiche.pk}/edit/", data)
    assert FichePage.objects.get(pk=fiche.pk).title == "Aide alimentaire"


def test_only_moderators_see_and_change_the_owners_field(network):
    editor = f"/admin/pages/{network['fiche'].pk}/edit/"
    assert not has(logged(network["owner"]).get(editor), '//*[@name="owners"]')
    assert has(logged(network["moderator"]).get(editor), '//*[@name="owners"]')


def submit(client, page, title, django_capture_on_commit_callbacks):
    data = edit_form(client, page)
    data["title"] = title
    data["action-submit"] = "action-submit"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_submitted_change_waits_while_the_live_version_stays_online(
    network, client, django_capture_on_commit_callbacks
):
    fiche = network["fiche"]
    sent_mail().clear()
    submit(logged(network["owner"]), fiche, "Aide alimentaire d’urgence", django_capture_on_commit_callbacks)

    live = FichePage.objects.get(pk=fiche.pk)
    assert live.title == "Aide alimentaire" and live.has_unpublished_changes
    assert live.current_workflow_state is not None
    assert "Aide alimentaire d’urgence" not in client.get(live.url).content.decode()
    sent = sent_mail()
    to_moderators = [m for m in sent if "marc@exemple.fr" in m.to]
    assert to_moderators, [(m.subject, m.to) for m in sent]


def act(moderator_client, page, action, comment, django_capture_on_commit_callbacks):
    state = FichePage.objects.get(pk=page.pk).current_workflow_state
    task_state = state.current_task_state
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/", {"comment": comment}
        )
    assert response.status_code in (200, 302)


def test_approval_publishes_and_tells_the_owner(network, django_capture_on_commit_callbacks):
    fiche = network["fiche"]
    submit(logged(network["owner"]), fiche, "Aide alimentaire d’urgence", django_capture_on_commit_callbacks)
    sent_mail().clear()
    act(logged(network["moderator"]), fiche, "approve", "", django_capture_on_commit_callbacks)

    assert FichePage.objects.get(pk=fiche.pk).title == "Aide alimentaire d’urgence"
    sent = sent_mail()
    assert any("rania@exemple.fr" in m.to for m in sent), [(m.subject, m.to) for m in sent]
    history = Page.objects.get(pk=fiche.pk).specific.revisions.order_by("created_at")
    assert history.last().user == network["owner"]


def test_request_for_changes_keeps_the_live_version_and_sends_the_comment(
    network, django_capture_on_commit_callbacks
):
    fiche = network["fiche"]
    submit(logged(network["owner"]), fiche, "Titre à revoir", django_capture_on_commit_callbacks)
    sent_mail().clear()
    act(
        logged(network["moderator"]),
        fiche,
        "reject",
        "Précisez les horaires de distribution.",
        django_capture_on_commit_callbacks,
    )

    assert FichePage.objects.get(pk=fiche.pk).title == "Aide alimentaire"
    to_owner = [m for m in sent_mail() if "rania@exemple.fr" in m.to]
    assert to_owner and "Précisez les horaires de distribution." in to_owner[0].body


def new_fiche_form(**values):
    """The editor's form of a new fiche, as Wagtail's test helpers write it."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    return nested_form_data(
        {
            "body": streamfield([]),
            "coverage_kind": "departement",
            "last_verified": "2026-11-01",
            "review_interval": "6",
            "pro_content": rich_text(""),
            **{f: inline_formset([]) for f in ("carriers", "places", "links", "attachments", "comments")},
            **values,
        }
    )


def test_a_new_fiche_is_owned_by_its_creator(network):
    owner = logged(network["owner"])
    data = new_fiche_form(
        title="Nouvelle fiche",
        slug="nouvelle-fiche",
        summary="Une fiche créée par une responsable.",
        **{"action-submit": "action-submit"},
    )
    response = owner.post(f"/admin/pages/add/fiches/fichepage/{network['fiche_index'].pk}/", data)
    assert response.status_code == 302, response.content.decode()[:300]
    created = FichePage.objects.get(slug="nouvelle-fiche")
    assert list(created.owners.all()) == [network["owner"]]
    assert not created.live  # waits for a moderator


def test_the_explorer_lists_what_i_own_first(network):
    from tests import builders

    builders.fiche(network["fiche_index"], "AAA fiche d’un autre")
    html = logged(network["owner"]).get(f"/admin/pages/{network['fiche_index'].pk}/").content.decode()
    assert html.index("Aide alimentaire") < html.index("AAA fiche d’un autre")


def test_in_the_admin_search_an_owner_is_offered_their_own_pages_first(network):
    owner = logged(network["owner"])
    html = owner.get("/admin/pages/search/", {"q": "aide"}).content.decode()
    assert "Mes fiches et structures" in html
    assert html.index("Mes fiches et structures") < html.rindex("/admin/pages/search/")
    mine = owner.get("/admin/mes-pages/", {"q": "aide"}).content.decode()
    assert "Aide alimentaire" in mine and "CCAS d’Autun" not in mine
    assert (
        "Mes fiches et structures"
        not in logged(network["moderator"]).get("/admin/pages/search/", {"q": "aide"}).content.decode()
    )


def test_moderators_compare_revisions_and_the_history_says_who_approved(
    network, django_capture_on_commit_callbacks
):
    from wagtail.models import PageLogEntry

    fiche = network["fiche"]
    submit(logged(network["owner"]), fiche, "Aide alimentaire d’urgence", django_capture_on_commit_callbacks)
    moderator = logged(network["moderator"])
    latest = FichePage.objects.get(pk=fiche.pk).latest_revision
    compare = moderator.get(f"/admin/pages/{fiche.pk}/revisions/compare/live...{latest.pk}/")
    assert compare.status_code == 200 and "Aide alimentaire d’urgence" in compare.content.decode()

    act(moderator, fiche, "approve", "", django_capture_on_commit_callbacks)
    approvals = PageLogEntry.objects.filter(page=fiche, action="wagtail.workflow.approve")
    assert approvals.get().user == network["moderator"]
    assert moderator.get(f"/admin/pages/{fiche.pk}/history/").status_code == 200


def test_moderators_can_open_an_account_to_deactivate_it(network):
    assert logged(network["moderator"]).get(f"/admin/users/edit/{network['owner'].pk}/").status_code == 200
    assert logged(network["owner"]).get(f"/admin/users/edit/{network['other'].pk}/").status_code in (302, 403)


def test_the_owners_journey_from_a_new_fiche_to_a_second_round(network, django_capture_on_commit_callbacks):
    """Create, save a draft, reopen, edit, preview, submit, revert to an earlier revision; the
    moderator compares and sends back, then approves; the owner sees it and starts again. Every
    step after the first works on a page rebuilt from its latest revision."""
    owner, moderator = logged(network["owner"]), logged(network["moderator"])
    data = new_fiche_form(
        title="Permanence d’accès aux droits",
        slug="permanence-acces-droits",
        summary="Un juriste reçoit sans rendez-vous.",
    )
    response = owner.post(f"/admin/pages/add/fiches/fichepage/{network['fiche_index'].pk}/", data)
    assert response.status_code == 302, response.content.decode()[:300]
    fiche = FichePage.objects.get(slug="permanence-acces-droits")

    # Reopen the draft, edit it twice (a second draft), preview it.
    for title in ("Permanence d’accès au droit", "Point-justice"):
        form = edit_form(owner, fiche)
        form["title"] = title
        assert owner.post(f"/admin/pages/{fiche.pk}/edit/", form).status_code == 302
    form = edit_form(owner, fiche)
    assert form["title"] == "Point-justice"
    assert owner.post(f"/admin/pages/{fiche.pk}/edit/preview/", form).json()["is_valid"]
    assert "Point-justice" in owner.get(f"/admin/pages/{fiche.pk}/edit/preview/").content.decode()
    assert owner.get(f"/admin/pages/{fiche.pk}/view_draft/").status_code == 200

    # Revert to the first edit: the editor opens on it, saving makes it the latest draft.
    first_edit = fiche.revisions.order_by("created_at")[1]
    reverted = owner.get(f"/admin/pages/{fiche.pk}/revisions/{first_edit.pk}/revert/")
    assert reverted.status_code == 200
    form = querydict_from_html(reverted.content.decode(), form_id="page-edit-form").copy()
    form.setdefault("body-count", "0")
    assert form["title"] == "Permanence d’accès au droit"
    assert owner.post(f"/admin/pages/{fiche.pk}/edit/", form).status_code == 302
    assert FichePage.objects.get(pk=fiche.pk).get_latest_revision_as_object().title == form["title"]

    # Submit; the moderator compares and sends back; the owner reads the comment and edits again.
    submit(owner, fiche, "Permanence d’accès au droit", django_capture_on_commit_callbacks)
    compare = moderator.get(f"/admin/pages/{fiche.pk}/revisions/compare/earliest...latest/")
    assert compare.status_code == 200
    act(moderator, fiche, "reject", "Ajoutez les jours de permanence.", django_capture_on_commit_callbacks)
    assert not FichePage.objects.get(pk=fiche.pk).live
    editor = owner.get(f"/admin/pages/{fiche.pk}/edit/").content.decode()
    assert "Ajoutez les jours de permanence." in editor

    submit(owner, fiche, "Permanence d’accès au droit (mardis)", django_capture_on_commit_callbacks)
    act(moderator, fiche, "approve", "", django_capture_on_commit_callbacks)
    published = FichePage.objects.get(pk=fiche.pk)
    assert published.live and published.title == "Permanence d’accès au droit (mardis)"

    # And again: a new draft on the published fiche, submitted.
    submit(owner, fiche, "Permanence d’accès au droit (mardis et jeudis)", django_capture_on_commit_callbacks)
    assert FichePage.objects.get(pk=fiche.pk).title == "Permanence d’accès au droit (mardis)"
    assert owner.get(f"/admin/pages/{fiche.pk}/edit/").status_code == 200
