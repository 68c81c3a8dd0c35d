"""Dropping derived values when their source changes: now, so that the request (or test) that
made the change sees it at once, and again after the commit, in case another process read the
old data between the two. And the one counter of rate limits (`over_limit`)."""

from django.core.cache import cache
from django.db import transaction


def now_and_after_commit(func):
    func()
    transaction.on_commit(func)


def over_limit(key, limit, seconds, using=None):
    """Count one use under `key`, in a fixed window of `seconds`; True when it goes over `limit`.

    `add` starts a window only when none is running and `incr` counts inside it: each is atomic
    (Redis, shared by every process, and Django's in-memory cache under its lock), so of N
    simultaneous uses exactly those within the limit get False."""
    using = using or cache
    for _attempt in range(3):
        if using.add(key, 1, seconds):
            return limit < 1
        try:
            return using.incr(key) > limit
        except ValueError:  # the window ended between add and incr: start the next one
            continue
    return True
