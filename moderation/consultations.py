"""Consultations counted on the server: one row per page and day, incremented in place.

No cookie is set and nothing about the visitor is kept (no address, no user agent, no user):
only the page, the day and a count. Robots are left out by their user agent. One statement per
view, an "upsert" (INSERT … ON CONFLICT DO UPDATE, on PostgreSQL and SQLite alike): the row of
the day is created or incremented in the database, with no race between two processes and
without the ORM's query building, which cost more than the statement itself on every page.

Visits (the "sessions" of the indicators) are counted the same way, without a session: a view
begins a visit when the browser says it did not come from another page of the site
(`Sec-Fetch-Site` other than `same-origin`, or, from an older browser, no `Referer` of this
host). The day's visits are the sum of the views that began one; nothing links two views."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Consultation

DEFAULT_BOTS = (
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|preview|monitor|curl|wget|"
    r"python-requests|python-urllib|httpx|go-http-client|java/|libwww|headless|lighthouse|pingdom"
)
_bots = None


def is_robot(user_agent):
    global _bots
    if _bots is None:
        _bots = re.compile(getattr(settings, "MODERATION_BOT_USER_AGENTS", DEFAULT_BOTS), re.IGNORECASE)
    return not user_agent or bool(_bots.search(user_agent))


def should_count(page, request):
    return (
        request.method == "GET"
        and not getattr(request, "is_preview", False)
        and not is_robot(request.META.get("HTTP_USER_AGENT", ""))
    )


def starts_visit(request):
    """Whether this view begins a visit: reached from outside the site (a link elsewhere, a
    bookmark, an address typed), read from the request's headers and kept nowhere."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site != "same-origin"
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    return referer.netloc != request.get_host()


def record(page, day=None, visit=False):
    day = day or timezone.localdate()
    table = connection.ops.quote_name(Consultation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (page_id, day, count, visits) VALUES (%s, %s, 1, %s)"  # noqa: S608 — the model's table
            f" ON CONFLICT (page_id, day) DO UPDATE SET count = {table}.count + 1,"
            f" visits = {table}.visits + excluded.visits",
            [page.pk, connection.ops.adapt_datefield_value(day), 1 if visit else 0],
        )
