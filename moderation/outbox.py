"""The e-mail outbox: django-mailer's queue in the database (settings: EMAIL_BACKEND, MAILER_*).

Every message the site sends is stored, in the transaction of the change that caused it, by
`mailer.backend.DbBackend`; nothing talks to the mail server during a request. `manage.py
send_mail` sends the queue (each message once: it is deleted in the transaction that sent it),
`manage.py retry_deferred` puts back in the queue the messages whose sending failed.
"""

import logging

from mailer.models import RESULT_FAILURE, MessageLog

logger = logging.getLogger(__name__)


def defer_on_error(connection, message, exc):
    """MAILER_ERROR_HANDLER: whatever the error, the message is deferred (kept for
    `retry_deferred`) and the run goes on with the next one.

    django-mailer's own handler defers network and SMTP errors only and re-raises any other,
    which stops the run at that message, and every later run at the same message: one message
    the server refuses in an unexpected way would hold up all the others."""
    message.defer()
    MessageLog.objects.log(message, RESULT_FAILURE, log_message=str(exc)[:1000])
    logger.warning("E-mail %s deferred: %s", message.pk, exc)
    # A new connection for the next message: this one may be broken.
    return None, "deferred"
