import os
from email.utils import getaddresses
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
# Secrets come from the environment, with no default: a missing one stops the start-up.
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
# The demo content's accounts have public passwords (README): never on a real site; only a
# throwaway database of the CI smoke test (scripts/smoke.sh) sets REPERES_ALLOW_DEMO=1.
REPERES_ALLOW_DEMO = os.environ.get("REPERES_ALLOW_DEMO", "") == "1"
# `manage.py run_daily` imports the data·inclusion API's offer of the département when this is
# set (e.g. https://api.data.inclusion.gouv.fr, with DATA_INCLUSION_API_TOKEN).
REPERES_DATAINCLUSION_API_URL = os.environ.get("DATA_INCLUSION_API_URL", "")
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Several application servers side by side share one cache, Django's Redis backend: sessions,
# rate limits, Wagtail's site root paths, search results and handouts (README, "Caching").
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # Two sites (say, a test instance beside the real one) sharing one Redis database would
        # read each other's results and sessions: each gets its own prefix.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Static files and media (README, "Serving") -------------------------------------------------
# `manage.py collectstatic` writes the static files to STATIC_ROOT with a hash of their content in
# their names, and a gzip and a Brotli copy; WhiteNoise (base.py's MIDDLEWARE) serves them with a
# year's caching. Uploaded images and documents go to MEDIA_ROOT (the reverse proxy serves
# /media/), or to an S3-compatible bucket through django-storages (not installed here: README).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or STATIC_ROOT)  # noqa: F405
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or MEDIA_ROOT)  # noqa: F405
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_MEDIA_STORAGE") or "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # django-storages' S3Storage (DJANGO_MEDIA_STORAGE=storages.backends.s3.S3Storage); boto3 reads
    # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment itself.
    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    # Two uploads with the same name keep two files (Wagtail's advice); files are private to the
    # bucket and served through signed URLs.
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None

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
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Logs and errors (README, "Logs, errors and health") ---------------------------------------
# One line per event on standard error (journald or the container keeps it), each with the id of
# its request (cms/request_id.py). Errors (a 500) are e-mailed to DJANGO_ADMINS ("Nom <mail>,
# Autre <mail>", through the outbox like every message), or sent to Sentry when SENTRY_DSN is set
# (the sentry-sdk package is then needed: it is not in requirements.txt).
ADMINS = [(name, address) for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if address]
for _name, _address in ADMINS:
    if "@" not in _address:
        raise ImproperlyConfigured(f"DJANGO_ADMINS : « {_address} » n’est pas une adresse e-mail.")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cms.request_id.RequestIdFilter"}},
    "formatters": {
        "line": {
            "()": "cms.request_id.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "line",
        },
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {
            "handlers": ["stderr"] if SENTRY_DSN else ["stderr", "mail_admins"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        # Requests with a Host the site does not serve (scanners): logged, not e-mailed.
        "django.security.DisallowedHost": {"handlers": ["stderr"], "propagate": False},
        # Each step of every handout (WeasyPrint, and the font subsetting under it).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Each of Wagtail's background tasks, run at once (the reference index after a save).
        "django_tasks": {"level": "WARNING"},
    },
}
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError as error:
        raise ImproperlyConfigured(
            "SENTRY_DSN est défini mais le paquet sentry-sdk n’est pas installé : installez-le "
            "(.venv/bin/pip install sentry-sdk) ou retirez SENTRY_DSN."
        ) from error
    # Django's errors and ERROR log lines become Sentry events; no personal data is sent.
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
    )

# HTTPS only (README, "Production"). The reverse proxy terminates TLS and says so in the header
# named by DJANGO_SECURE_PROXY_SSL_HEADER (it must set or overwrite it on every request); empty when
# the application server itself serves HTTPS.
_proxy_ssl_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
# Browsers keep to HTTPS for this long once they have seen the site (a year by default; start
# with a few minutes, e.g. 300, when first putting a new address in service).
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_SECURE_HSTS_PRELOAD", "0") == "1"
if not SECURE_HSTS_PRELOAD:
    # The browsers' preload list takes registrable domains only (not a département's subdomain,
    # where this site usually lives), and joining it is hard to undo: off unless asked for.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# Persistent database connections (a new PostgreSQL connection costs several milliseconds per
# request); DATABASE_CONN_MAX_AGE=0 turns them off.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
