"""E-mail never fails a request: every message is queued in the outbox (django-mailer's table)
and sent by `manage.py send_mail`; what fails is retried by `manage.py retry_deferred`, nothing
is lost, nothing is sent twice. The mail server here is a closed port on this machine."""

import socket
from datetime import date

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from mailer.models import RESULT_FAILURE, Message, MessageLog

from moderation.models import ErrorReport
from moderation.roles import Role
from tests.mail import sent_mail

from .conftest import VALID
from .test_workflow import edit_form, logged

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: connections are refused


@pytest.fixture
def mail_server_down(settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 5
    return settings


def mail_server_back(settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_a_report_sent_while_the_mail_server_is_down_is_stored_thanked_and_notified_later(
    network, client, mail_server_down
):
    response = client.post(f"/signaler/{network['fiche'].pk}/", VALID, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/signaler/{network['fiche'].pk}/merci/"
    report = ErrorReport.objects.get()
    assert f"Votre signalement n° {report.pk} a bien été enregistré" in response.content.decode()
    queued = sorted(m.subject for m in Message.objects.all())
    assert queued == [
        f"[Repères] Nouveau signalement n° {report.pk} : Aide alimentaire",
        f"[Repères] Votre signalement n° {report.pk} a bien été reçu",
    ]

    # The every-minute job runs while the server is still down: both kept, deferred, logged.
    call_command("send_mail")
    assert mail.outbox == []
    assert Message.objects.deferred().count() == 2
    assert MessageLog.objects.filter(result=RESULT_FAILURE).count() == 2

    # The server is back: deferred messages wait for the retry, then go, each once.
    mail_server_back(mail_server_down)
    assert sent_mail() == []
    call_command("retry_deferred")
    sent = sent_mail()
    assert sorted(m.subject for m in sent) == queued
    assert sorted(m.subject for m in sent_mail()) == queued  # a second run sends nothing more
    call_command("retry_deferred")
    assert len(sent_mail()) == 2 and not Message.objects.exists()


def test_queued_messages_are_sent_exactly_once(network, client):
    client.post(f"/signaler/{network['fiche'].pk}/", VALID)
    assert mail.outbox == []  # queued, not sent, by the request

    assert len(sent_mail()) == 2
    assert len(sent_mail()) == 2
    call_command("retry_deferred")
    assert len(sent_mail()) == 2 and not Message.objects.exists()


def test_a_message_that_fails_in_an_unexpected_way_is_kept_and_does_not_hold_up_the_others(db):
    # A subject with a line break is refused when the message is built for sending (not an
    # SMTP or network error: django-mailer alone would stop the run, and every later run, here).
    EmailMessage("Ligne\ncassée", "corps", "reperes@localhost", ["a@exemple.fr"]).send()
    EmailMessage("Bonjour", "corps", "reperes@localhost", ["b@exemple.fr"]).send()

    assert [m.to for m in sent_mail()] == [["b@exemple.fr"]]
    (kept,) = Message.objects.deferred()
    assert kept.subject == "Ligne\ncassée"
    assert MessageLog.objects.filter(result=RESULT_FAILURE).count() == 1


def test_an_invitation_made_while_the_mail_server_is_down_is_sent_later(network, mail_server_down):
    response = logged(network["moderator"]).post(
        "/admin/comptes/inviter/",
        {
            "email": "lea@exemple.fr",
            "first_name": "Léa",
            "last_name": "Martin",
            "structure": network["structure"].pk,
            "role": str(Role.OWNERS),
        },
    )

    assert response.status_code == 302
    call_command("send_mail")
    mail_server_back(mail_server_down)
    call_command("retry_deferred")
    (invitation,) = sent_mail()
    assert invitation.to == ["lea@exemple.fr"] and "/mot-de-passe/" in invitation.body
    assert len(sent_mail()) == 1


def test_a_submission_for_moderation_while_the_mail_server_is_down_reaches_the_moderators_later(
    network, mail_server_down
):
    owner = logged(network["owner"])
    data = edit_form(owner, network["fiche"])
    data["title"] = "Aide alimentaire d’urgence"
    data["action-submit"] = "action-submit"

    response = owner.post(f"/admin/pages/{network['fiche'].pk}/edit/", data)

    assert response.status_code == 302
    assert network["fiche"].specific_class.objects.get(pk=network["fiche"].pk).current_workflow_state
    mail_server_back(mail_server_down)
    to_moderators = [m for m in sent_mail() if "marc@exemple.fr" in m.to]
    # Once: Wagtail's own notifier is replaced by ours, not doubled.
    assert len(to_moderators) == 1 and "Aide alimentaire d’urgence" in to_moderators[0].subject


def test_a_password_reset_while_the_mail_server_is_down_is_sent_later(network, mail_server_down):
    network["owner"].set_password("Un-ancien-mot-de-passe-7")
    network["owner"].save()

    response = Client(HTTP_HOST="localhost").post("/admin/password_reset/", {"email": "rania@exemple.fr"})

    assert response.status_code == 302
    mail_server_back(mail_server_down)
    (message,) = sent_mail()
    assert message.to == ["rania@exemple.fr"] and "/admin/password_reset/" in message.body


def test_reminders_and_the_digest_are_recorded_and_sent_later_when_the_mail_server_is_down(
    network, mail_server_down
):
    # The fiche was verified long ago: its owner is reminded, the moderators get the digest.
    call_command("send_reminders", "--date", date(2030, 1, 7).isoformat())  # a Monday

    subjects = sorted(m.subject for m in Message.objects.all())
    assert len(subjects) >= 2 and any("Synthèse" in s for s in subjects), subjects
    mail_server_back(mail_server_down)
    assert sorted(m.subject for m in sent_mail()) == subjects
    call_command("send_reminders", "--date", date(2030, 1, 7).isoformat())
    assert sorted(m.subject for m in sent_mail()) == subjects  # recorded: nothing twice
