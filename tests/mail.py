"""E-mails as the site sends them: queued in the outbox (django-mailer's table), then sent by
the same command the cron job runs, to Django's test outbox (`MAILER_EMAIL_BACKEND` = locmem)."""

from django.core import mail
from django.core.management import call_command


def sent_mail():
    """Runs `manage.py send_mail` once and returns every message sent so far in the test."""
    call_command("send_mail")
    return mail.outbox
