"""The project's cache backends: Django's, with two additions.

One Redis client per server, kept for the life of the process. Django's
`RedisCacheClient.get_client` builds a new `redis.Redis` object around the (shared) connection
pool for every cache operation; that costs about 90 µs each time, a tenth of a fiche page's
budget with its dozen cache reads. A `redis.Redis` object is safe to share between threads (each
command borrows a connection from the pool), so one per server is enough.

Reads prefetched for a request (`PrefetchingCache`): every page reads the same few facts kept in
the cache (the sites, "any private site", "any view restriction", Wagtail's site root paths, the
results generation), each a round trip to Redis. `cms.middleware.CachePrefetchMiddleware` reads
them all in one round trip when the request begins; until it ends, `get` answers those keys from
what was read, and a write or a delete of one of them (a request that fills or drops it) goes to
the cache and takes it out of what was read, so a request always sees its own changes. The
prefetched values live in a context variable: each thread or task has its own.
"""

import contextvars

from django.core.cache.backends import locmem
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

_prefetched = contextvars.ContextVar("reperes_cache_prefetched", default=None)
_ABSENT = object()  # prefetched: not in the cache


class PrefetchingCache:
    """Mixin for a Django cache backend: `prefetch(keys)`, then `end_prefetch(token)`. A key is
    a string, or (string, version) for a key written with a version of its own."""

    def prefetch(self, keys):
        """Read `keys` (in one round trip where the backend can); returns the token to give to
        `end_prefetch`."""
        pairs = [(key, None) if isinstance(key, str) else tuple(key) for key in keys]
        made = {self.make_and_validate_key(key, version=version): (key, version) for key, version in pairs}
        found = self._read_made_keys(made)
        memo = {(id(self), made_key): found.get(made_key, _ABSENT) for made_key in made}
        return _prefetched.set({**(_prefetched.get() or {}), **memo})

    @staticmethod
    def end_prefetch(token):
        _prefetched.reset(token)

    def _read_made_keys(self, made):
        """{made key: value} of the keys found among `made` ({made key: (key, version)})."""
        values = {
            made_key: super(PrefetchingCache, self).get(key, _ABSENT, version)
            for made_key, (key, version) in made.items()
        }
        return {made_key: value for made_key, value in values.items() if value is not _ABSENT}

    def _forget_prefetched(self, keys, version=None):
        memo = _prefetched.get()
        if memo:
            for key in keys:
                memo.pop((id(self), self.make_key(key, version=version)), None)

    def get(self, key, default=None, version=None):
        memo = _prefetched.get()
        if memo:
            value = memo.get((id(self), self.make_key(key, version=version)))
            if value is _ABSENT:
                return default
            if value is not None:
                return value
        return super().get(key, default, version)

    # Every write or delete of a key takes it out of what was prefetched.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_prefetched([key], version)
        return super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_prefetched([key], version)
        return super().add(key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_prefetched([key], version)
        return super().touch(key, timeout, version)

    def delete(self, key, version=None):
        self._forget_prefetched([key], version)
        return super().delete(key, version)

    def incr(self, key, delta=1, version=None):
        self._forget_prefetched([key], version)
        return super().incr(key, delta, version)

    def decr(self, key, delta=1, version=None):
        self._forget_prefetched([key], version)
        return super().decr(key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_prefetched(list(data), version)
        return super().set_many(data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._forget_prefetched(keys, version)
        return super().delete_many(keys, version)

    def clear(self):
        memo = _prefetched.get()
        if memo:
            for entry in [entry for entry in memo if entry[0] == id(self)]:
                del memo[entry]
        return super().clear()


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(PrefetchingCache, django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def _read_made_keys(self, made):
        return self._cache.get_many(list(made))  # one MGET


class LocMemCache(PrefetchingCache, locmem.LocMemCache):
    """Development and tests: the process's memory, with the same prefetching as production."""
