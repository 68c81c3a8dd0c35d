"""Freshness: verification dates, "toujours exact" in one click, reminders, the digest,
stale flags — at fixed dates."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import PageLogEntry

from moderation.freshness import (
    VERIFIED_ACTION,
    confirm_still_accurate,
    due_items,
    send_moderator_digest,
    send_owner_reminders,
)
from moderation.models import ErrorReport
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

JAN_1 = date(2026, 1, 1)
MONDAY = date(2026, 7, 6)


def admin_client(user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


@pytest.fixture
def dated(network):
    """The fiche (owned by Rania) verified on 1 January, every 6 months; the structure (owned
    by Paul) on 1 January, every 12 months."""
    fiche, structure = network["fiche"].specific, network["structure"].specific
    fiche.last_verified, fiche.review_interval = JAN_1, 6
    fiche.save_revision().publish()
    structure.last_verified, structure.review_interval = JAN_1, 12
    structure.save_revision().publish()
    return network


def test_items_are_due_after_their_own_interval(dated):
    assert due_items(date(2026, 6, 30)) == []
    assert [p.title for p in due_items(date(2026, 7, 1))] == ["Aide alimentaire"]
    assert {p.title for p in due_items(date(2027, 1, 1))} == {"Aide alimentaire", "CCAS d’Autun"}


def test_each_owner_gets_one_message_listing_their_items_and_never_the_same_twice(
    dated, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_owner_reminders(date(2027, 1, 4))
    assert first.messages == 2 and first.items == 2
    by_recipient = {m.to[0]: m for m in sent_mail()}
    assert set(by_recipient) == {"rania@exemple.fr", "paul@exemple.fr"}
    body = by_recipient["rania@exemple.fr"].body
    assert "Aide alimentaire" in body and "CCAS" not in body
    assert "/admin/reperes/verifier/" in body and "/edit/" in body

    sent_mail().clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = send_owner_reminders(date(2027, 1, 4))  # the same day: nothing
        later = send_owner_reminders(date(2027, 5, 1))  # within the fiche's 6 months: nothing
    assert again.messages == later.messages == 0 and sent_mail() == []

    with django_capture_on_commit_callbacks(execute=True):
        after_interval = send_owner_reminders(date(2027, 7, 5))  # 6 months later, still overdue
    sent = sent_mail()
    assert after_interval.items == 1 and [m.to for m in sent] == [["rania@exemple.fr"]]


def test_the_daily_command_is_idempotent_and_never_unpublishes(dated, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2027-01-04", stdout=out)  # a Monday: digest too
    sent = len(sent_mail())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2027-01-04", stdout=out)
    assert sent == 3 and len(sent_mail()) == sent  # two owners and the moderators' digest
    assert "Synthèse hebdomadaire envoyée" in out.getvalue()
    dated["fiche"].refresh_from_db()
    assert dated["fiche"].live


def test_deactivated_owners_get_no_reminder(dated, django_capture_on_commit_callbacks):
    dated["owner"].is_active = False
    dated["owner"].save()
    with django_capture_on_commit_callbacks(execute=True):
        run = send_owner_reminders(date(2026, 7, 2))
    assert run.messages == 0 and [p.title for p in run.without_owner] == ["Aide alimentaire"]
    assert sent_mail() == []


def test_the_weekly_digest_goes_to_moderators_once_a_week(dated, django_capture_on_commit_callbacks):
    ErrorReport.objects.create(
        page=dated["fiche"], page_title="Aide alimentaire", category="other", description="x"
    )
    dated["other"].is_active = False
    dated["other"].save()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_moderator_digest(date(2027, 1, 5)) is None  # a Tuesday
        assert send_moderator_digest(date(2027, 1, 4)) == 1  # Monday
        assert send_moderator_digest(date(2027, 1, 4)) is None  # already sent this week
    # The new report's own notification is in the outbox too.
    (message,) = [m for m in sent_mail() if "Synthèse" in m.subject]
    assert message.bcc == ["marc@exemple.fr"]
    assert "Aide alimentaire" in message.body  # overdue, and the open report
    assert "1 signalement ouvert" in message.body
    assert "1 page sans responsable actif" in message.body and "CCAS d’Autun" in message.body


def test_confirming_still_accurate_records_the_date_in_the_history_without_a_new_revision(dated):
    fiche = dated["fiche"].specific
    revisions = fiche.revisions.count()

    confirm_still_accurate(fiche, dated["owner"], on=date(2026, 8, 1))

    fiche.refresh_from_db()
    assert fiche.last_verified == date(2026, 8, 1)
    assert fiche.revisions.count() == revisions
    assert fiche.latest_revision.as_object().last_verified == date(2026, 8, 1)  # the next edit keeps it
    entry = PageLogEntry.objects.filter(page=fiche, action=VERIFIED_ACTION).get()
    assert entry.user == dated["owner"]


def test_one_click_from_the_reminder_for_the_owner_and_refused_to_others(dated):
    url = f"/admin/reperes/verifier/{dated['fiche'].pk}/"
    owner = admin_client(dated["owner"])
    assert "Toujours exact" in owner.get(url).content.decode()  # GET changes nothing
    dated["fiche"].refresh_from_db()
    assert dated["fiche"].last_verified == JAN_1

    response = owner.post(url)
    assert response.status_code == 302
    dated["fiche"].refresh_from_db()
    assert dated["fiche"].last_verified != JAN_1

    assert admin_client(dated["other"]).post(url).status_code == 403
    assert admin_client(dated["moderator"]).post(url).status_code == 302


def test_the_page_to_verify_lists_stale_items_with_filters_and_csv(dated):
    from fiches.models import FichePage
    from territories.models import StructurePage

    # Long overdue, whatever today's date.
    FichePage.objects.filter(pk=dated["fiche"].pk).update(last_verified=date(2020, 1, 1))
    StructurePage.objects.filter(pk=dated["structure"].pk).update(last_verified=date(2020, 1, 1))
    moderator = admin_client(dated["moderator"])
    html = moderator.get("/admin/reperes/a-verifier/").content.decode()
    assert "Aide alimentaire" in html and "CCAS d’Autun" in html

    only_fiches = moderator.get("/admin/reperes/a-verifier/", {"type": "fiche"}).content.decode()
    assert "Aide alimentaire" in only_fiches and "CCAS d’Autun" not in only_fiches
    by_owner = moderator.get(
        "/admin/reperes/a-verifier/", {"responsable": dated["other"].pk}
    ).content.decode()
    assert "CCAS d’Autun" in by_owner and "Aide alimentaire" not in by_owner

    csv = moderator.get("/admin/reperes/a-verifier/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "Aide alimentaire" in csv.content.decode()

    # An owner sees their own items only.
    own = admin_client(dated["owner"]).get("/admin/reperes/a-verifier/").content.decode()
    assert "Aide alimentaire" in own and "CCAS d’Autun" not in own


def test_every_fiche_and_structure_shows_its_verification_date_to_everyone(dated):
    client = Client(HTTP_HOST="localhost")
    for page in (dated["fiche"], dated["structure"]):
        assert "Informations vérifiées le 01/01/2026" in client.get(page.url).content.decode()


def test_overdue_pages_are_flagged_in_admin_listings(dated):
    from fiches.models import FichePage

    FichePage.objects.filter(pk=dated["fiche"].pk).update(last_verified=date(2020, 1, 1))
    dated["fiche"].refresh_from_db()
    assert dated["fiche"].specific.get_admin_display_title().endswith("à vérifier")
    html = (
        admin_client(dated["moderator"])
        .get(f"/admin/pages/{dated['fiche'].get_parent().pk}/")
        .content.decode()
    )
    assert "Aide alimentaire — à vérifier" in html
