"""Benchmarks (bench/): production-like request handling (DEBUG off, no query log) on the
database named by DATABASE_URL, without the production secrets."""

from .dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
# As in production: persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
