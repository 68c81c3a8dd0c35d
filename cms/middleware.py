"""The project's middleware: the cache reads every page makes, read at once; a session cookie
Django could not have set, not read."""

import re

from django.conf import settings
from django.core.cache import cache
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from fiches.result_cache import GENERATION
from home.middleware import PRIVATE_SITES_KEY, SITES_KEY
from territories.restrictions import ANY_RESTRICTION_KEY

# What nearly every page reads from the cache: the sites and "any private site" (home.middleware),
# Wagtail's site root paths (every page URL), "any view restriction" (every page served) and
# the results generation (every search, listing and fiche page).
PREFETCHED_KEYS = [
    SITES_KEY,
    PRIVATE_SITES_KEY,
    (SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION),
    ANY_RESTRICTION_KEY,
    GENERATION.key,
]

_SESSION_KEY = re.compile("[a-z0-9]{1,64}")


class CachePrefetchMiddleware:
    """Reads PREFETCHED_KEYS in one round trip to the cache when a request begins, instead of one
    round trip each along the way (cms.cache.PrefetchingCache); nothing with another backend."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefetch = getattr(cache, "prefetch", None)
        if prefetch is None:
            return self.get_response(request)
        token = prefetch(PREFETCHED_KEYS)
        try:
            return self.get_response(request)
        finally:
            cache.end_prefetch(token)


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
