import os

from .base import *  # noqa: F403

DEBUG = False
# Secrets come from the environment, with no default: a missing one stops the start-up.
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Several application servers side by side share one cache (sessions, rate limits, what must be
# dropped everywhere at once). Fiche fragments are keyed by the page's published revision, so each
# process keeps its own copies, with no round trip to Redis (Django's {% cache %} tag uses the
# "template_fragments" cache when there is one).
CACHES = {
    "default": {
        "BACKEND": "cms.cache.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # Two sites (say, a test instance beside the real one) sharing one Redis database would
        # read each other's results, routes and sessions: each gets its own prefix.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
    },
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("FRAGMENT_CACHE_ENTRIES", "5000"))},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The outbox (base.py) sends through SMTP; a server that does not answer is given up after
# EMAIL_TIMEOUT seconds and the message retried later.
MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reperes@localhost")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# Persistent database connections (a new PostgreSQL connection costs several milliseconds per
# request); DATABASE_CONN_MAX_AGE=0 turns them off.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
