"""Consultations counted on the server: one row per page and day, incremented in place.

No cookie is set and nothing about the visitor is kept (no address, no user agent, no user):
only the page, the day and a count. Robots are left out by their user agent. One UPDATE per
view (an INSERT the first time a page is seen on a day), cheap enough for every page."""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
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


def record(page, day=None):
    day = day or timezone.localdate()
    if Consultation.objects.filter(page_id=page.pk, day=day).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            Consultation.objects.create(page_id=page.pk, day=day, count=1)
    except IntegrityError:  # another process created the row meanwhile
        Consultation.objects.filter(page_id=page.pk, day=day).update(count=F("count") + 1)
