from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "cms.cache.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never depend on an external tile server or media left by a demo run.
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
REPERES_ALLOW_DEMO = True
TERRITORIES_MAP_TILE_URL = ""
