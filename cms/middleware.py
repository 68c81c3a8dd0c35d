"""The project's middleware: a session cookie Django could not have set, not read."""

import re

from django.conf import settings

_SESSION_KEY = re.compile("[a-z0-9]{1,64}")


class SessionCookieMiddleware:
    """A session cookie that is not a key Django could have made (lower-case letters and digits)
    is not read: the session would look it up in the database, and a NUL character in it (a
    quoted cookie may hold one) fails the request on PostgreSQL. The visitor gets a new session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not _SESSION_KEY.fullmatch(key):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)
