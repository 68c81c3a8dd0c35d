"""A fixed-window rate limit per client address, counted in the cache.

With Redis as the cache (production), every application process shares the counters, so the
limit holds however many servers run side by side.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    header = settings.MODERATION_CLIENT_IP_HEADER
    address = request.META.get(header, "") if header else ""
    return (address.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "inconnu"


def _key(scope, request):
    # The address is hashed: the cache holds no readable personal data.
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope, request):
    limit, _window = settings.MODERATION_REPORT_RATE_LIMIT
    return (cache.get(_key(scope, request)) or 0) >= limit


def hit(scope, request):
    """Count one use. Returns True when this use goes over the limit."""
    limit, window = settings.MODERATION_REPORT_RATE_LIMIT
    key = _key(scope, request)
    cache.add(key, 0, window)  # starts the window only if it is not running
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit
