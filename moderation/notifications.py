"""E-mails about error reports, called from signal handlers. They go to the outbox (a table,
see moderation/outbox.py), never to the mail server during the request: a mail server down
delays them, it never fails the report nor loses its notification."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from territories.links import public_url

from .models import ErrorReport, owners_of
from .roles import Role


def _admin_url(report):
    return public_url(f"/admin/moderation/errorreport/edit/{report.pk}/")


def moderators():
    return (
        get_user_model().objects.filter(groups__name=str(Role.MODERATORS), is_active=True).exclude(email="")
    )


def notify_new_report(report_id):
    report = ErrorReport.objects.select_related("page").get(pk=report_id)
    recipients = sorted(
        {u.email for u in moderators()} | {u.email for u in owners_of(report.page) if u.email}
    )
    if recipients:
        body = render_to_string(
            "moderation/emails/new_report.txt", {"report": report, "admin_url": _admin_url(report)}
        )
        # One message, recipients in Bcc: moderators and owners do not see each other's address.
        EmailMessage(
            _("[Repères] Nouveau signalement n° %(ref)d : %(title)s")
            % {"ref": report.pk, "title": report.page_title},
            body,
            settings.DEFAULT_FROM_EMAIL,
            bcc=recipients,
        ).send()
    if report.reporter_email:
        send_mail(
            _("[Repères] Votre signalement n° %(ref)d a bien été reçu") % {"ref": report.pk},
            render_to_string("moderation/emails/receipt.txt", {"report": report}),
            settings.DEFAULT_FROM_EMAIL,
            [report.reporter_email],
        )


def notify_report_closed(report_id):
    report = ErrorReport.objects.get(pk=report_id)
    if report.reporter_email and not report.is_open:
        send_mail(
            _("[Repères] Votre signalement n° %(ref)d est traité") % {"ref": report.pk},
            render_to_string("moderation/emails/closed.txt", {"report": report}),
            settings.DEFAULT_FROM_EMAIL,
            [report.reporter_email],
        )
