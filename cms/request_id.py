"""A request id on every log line of a request, and on its response.

`RequestIdMiddleware` (first in MIDDLEWARE) takes the id the reverse proxy sent in `X-Request-ID`
when it looks like one (letters, digits, `._:-`, at most 128 characters: nginx's `$request_id`, a
UUID), otherwise makes one (a UUID4); it keeps it for the request in a context variable (each
thread or task has its own) and answers it in the response's `X-Request-ID` header, which
gunicorn's access log prints (gunicorn.conf.py). `RequestIdFilter` hands it to the log records
(`%(request_id)s`, "-" outside a request) and `OneLineFormatter` keeps each event on one line
(a traceback's line breaks written as `\\n`), as the production LOGGING setting does.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_current = contextvars.ContextVar("reperes_request_id", default=None)


def current_request_id():
    """The id of the request being served by this thread or task, or None."""
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _current.get() or "-"
        return True


class OneLineFormatter(logging.Formatter):
    """One line per event: the line breaks of a message or a traceback are written `\\n`."""

    def format(self, record):
        return super().format(record).replace("\r", "").replace("\n", "\\n")
