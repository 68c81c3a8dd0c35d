from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Messages are queued in the outbox (base.py) and sent to mail.outbox by `send_mail`
# (tests/mail.py); tests/conftest.py puts EMAIL_BACKEND back after Django's test set-up.
MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MAILER_USE_FILE_LOCK = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never depend on an external tile server or media left by a demo run.
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
REPERES_ALLOW_DEMO = True
# The admin's location map (wagtailgeowidget) with no tile server requests none either.
TERRITORIES_MAP_TILE_URL = GEO_WIDGET_LEAFLET_TILE_LAYER = ""
# Sign-in throttling is on in the tests; this subclass of axes' backend also lets Django's test
# client sign in (Client.login passes no request).
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.AxesBackendAllowingTheTestClient",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405 — after axes' own, in base.py
]
