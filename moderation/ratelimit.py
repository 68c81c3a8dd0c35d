"""The client's address, and a fixed-window rate limit per address counted in the cache.

`client_address` is the one rule for "who is asking": the report form's rate limit and the login
throttling (django-axes, `AXES_CLIENT_IP_CALLABLE`) both use it. Behind reverse proxies,
`REPERES_TRUSTED_PROXIES` says how many of them append to `X-Forwarded-For`; the address is read
that many entries from the right, so that an address a client writes into the header itself is
never believed.

The count is one atomic operation of the cache (`add`, then `incr`): Redis in production, so
every application process shares it, and simultaneous requests from one client never pass the
limit together.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache

from territories.caching import over_limit


def client_address(request):
    """The client's IP address as a string, or None when no valid address is known.

    With no trusted proxy (`REPERES_TRUSTED_PROXIES = 0`), the address of the connection
    (`REMOTE_ADDR`). Behind N trusted proxies, the N-th address of `X-Forwarded-For` counted from
    the right: the one the farthest proxy received the request from. A header with fewer entries
    did not come through every proxy: the connection's address is used.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REPERES_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [entry for entry in forwarded if entry]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _key(scope, request):
    # The address is hashed: the cache holds no readable personal data.
    address = client_address(request) or "inconnu"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope, request):
    """Count one use by this client; True when it goes over `MODERATION_REPORT_RATE_LIMIT`
    (`territories.caching.over_limit`)."""
    limit, window = settings.MODERATION_REPORT_RATE_LIMIT
    return over_limit(_key(scope, request), limit, window, using=cache)
