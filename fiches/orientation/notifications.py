"""E-mails of orientation, called from signal handlers: queued in the outbox (django-mailer's
table) in the transaction of the change, sent later by `manage.py send_mail`; a mail server
down delays them and loses nothing. They carry no personal data of the person: the receiving
structure reads it behind its signed link, the sender in "Mes orientations"."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from territories.links import public_url

from .models import Orientation


def answer_url(orientation):
    return public_url(reverse("fiches:orientation_answer", args=[orientation.answer_token()]))


def _sender_label(orientation):
    sender = orientation.sender
    if sender is None:
        return ""
    return sender.get_full_name() or sender.get_username()


def notify_structure(orientation_id, reminder=False):
    orientation = Orientation.objects.select_related("sender", "structure").get(pk=orientation_id)
    if not orientation.is_waiting or not orientation.recipient_email:
        return
    context = {
        "orientation": orientation,
        "answer_url": answer_url(orientation),
        "sender_name": _sender_label(orientation),
        "sender_email": orientation.sender.email if orientation.sender else "",
        "link_days": settings.FICHES_ORIENTATION_LINK_DAYS,
        "reminder": reminder,
    }
    subject = (
        _("[Repères] Rappel : orientation n° %(ref)d en attente de votre réponse")
        if reminder
        else _("[Repères] Nouvelle orientation n° %(ref)d vers %(place)s")
    ) % {"ref": orientation.pk, "place": orientation.structure_title}
    send_mail(
        subject,
        render_to_string("fiches/orientation/emails/to_structure.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [orientation.recipient_email],
    )


def notify_sender(orientation_id):
    orientation = Orientation.objects.select_related("sender").get(pk=orientation_id)
    sender = orientation.sender
    if sender is None or not sender.email or not sender.is_active:
        return
    send_mail(
        _("[Repères] Orientation n° %(ref)d : %(status)s")
        % {"ref": orientation.pk, "status": orientation.get_status_display().lower()},
        render_to_string(
            "fiches/orientation/emails/answered.txt",
            {"orientation": orientation, "list_url": public_url(reverse("fiches:my_orientations"))},
        ),
        settings.DEFAULT_FROM_EMAIL,
        [sender.email],
    )
