"""The three ways the apps keep derived values in Django's cache, in one place: a fact kept until
told otherwise, a generation number that retires every key built with it, and dropping either
when its source changes, now and again after the commit.

Now, so that the request (or test) that made the change sees it at once; and after the commit,
in case another process read the old data into the cache between the two. Any app may use these
helpers: they know nothing of what is cached.
"""

from django.core.cache import cache
from django.db import transaction


def now_and_after_commit(func):
    func()
    transaction.on_commit(func)


def kept_fact(key, compute):
    """`compute()` (a small value, e.g. "is there any X"), kept with no expiry until the key is
    deleted by whoever changes its source."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, None)
    return value


def forget(*keys):
    """Signal-handler helper: drop these keys now and after the commit."""
    now_and_after_commit(lambda: cache.delete_many(keys))


class Generation:
    """A number kept in the cache and put into other keys: incrementing it retires them all at
    once, however many there are (they expire on their own)."""

    def __init__(self, key):
        self.key = key

    def current(self):
        return cache.get_or_set(self.key, 1, None)

    def bump(self):
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache (evicted, or never read): any new value will do
            cache.set(self.key, 2, None)

    def bump_now_and_after_commit(self, **signal_kwargs):
        """Usable as a signal handler."""
        now_and_after_commit(self.bump)
