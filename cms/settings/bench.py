"""Benchmarks (bench/): production-like request handling (DEBUG off, no query log) on the
database named by DATABASE_URL, without the production secrets."""

import os
import socket
from urllib.parse import urlsplit

from .dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
# As in production: persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405


def _answers(url):
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


# As in production: the cache in Redis, where it answers (each cache read is then a round
# trip, as it will be); a database number of its own, emptied before each run. Otherwise the
# process's memory, as in development.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
if _answers(BENCH_REDIS_URL):
    CACHES = {
        # Keys prefixed by the database: two sizes never read each other's entries.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BENCH_REDIS_URL,
            "KEY_PREFIX": str(DATABASES["default"]["NAME"]),  # noqa: F405
        },
    }
    # As in production: sessions read from the cache, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
