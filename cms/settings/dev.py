from .base import *  # noqa: F403

DEBUG = True
# Development only: a fixed key, never used in production (production.py has no default).
SECRET_KEY = "django-insecure-dev-only-reperes"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Queued e-mails are printed by `manage.py send_mail`.
MAILER_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REPERES_ALLOW_DEMO = True
