"""Settings that are always true, whatever the environment.

`dev.py`, `production.py` and `test.py` hold only their differences. The département is
configuration (`REPERES_DEPARTEMENT`) and data (`TERRITORIES_DATA_DIR`), never code.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "home",
    "territories",
    "fiches",
    "moderation",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "ninja",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "mailer",
    "wagtailgeowidget",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id (cms/request_id.py); /sante/ is answered
    # before anything reads the cache (cms/health.py).
    "cms.request_id.RequestIdMiddleware",
    "cms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed on the way out (gunicorn serves them directly, deploy/systemd): the fiche
    # editor's 300 KB of Wagtail markup reach an editor as about 35 KB (issue #27, item 10).
    # Django's own middleware pads each response with random bytes against BREACH (Django 4.2).
    "django.middleware.gzip.GZipMiddleware",
    # Static files, compressed and with hashed names in production (STORAGES there); before
    # anything that reads the database or the session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cms.security.ContentSecurityPolicyMiddleware",
    "cms.middleware.SessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.security.PrivateWhenSignedInMiddleware",
    "home.middleware.PublicAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a suspended sign-in into its French page (cms/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.navigation",
                "territories.context_processors.base_template",
                "fiches.handout_views.selection_count",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite is the embedded default for a laptop demo; production sets DATABASE_URL
# (postgres://…). Same code path for both.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
# The département's time zone (an overseas département has its own): every date of the site and
# the admin is read in it. One zone for the whole network, so the admin offers no choice of
# zone (Wagtail's list of every zone the system knows also held "localtime", which browsers
# refuse: the account page's script failed on it).
TIME_ZONE = os.environ.get("REPERES_TIME_ZONE", "Europe/Paris")
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGIN_URL = "/connexion/"
# A private page (Wagtail's login or groups restriction) sends visitors to the same sign-in page.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "/"

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Repères"
# The site's public address: the link and QR code of handouts, the links in e-mails
# (territories.links.public_url). By default the address of `make run`.
REPERES_PUBLIC_URL = os.environ.get("REPERES_PUBLIC_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", REPERES_PUBLIC_URL)
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
# Wagtail's login form with its password field labelled in French (home/forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.AdminLoginForm"
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx", "ods"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# No Gravatar: the admin would send a hash of each user's e-mail to a third party on every page
# (and the request fails where the server has no Internet access). Wagtail shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# SQLite ignores SEARCH_CONFIG; on PostgreSQL the `french_unaccent` configuration is
# created by a migration of `fiches` (unaccent + french_stem).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "french_unaccent",
    }
}

# The admin's geolocation widget (wagtailgeowidget, Leaflet). The tile server is a setting.
GEO_WIDGET_DEFAULT_LOCATION = {"lat": 46.64, "lng": 4.54}
GEO_WIDGET_ZOOM = 9
GEO_WIDGET_LEAFLET_TILE_LAYER = os.environ.get(
    "REPERES_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
# The public maps (Leaflet, served locally): the same tile server, and its attribution.
# Empty: the maps show markers without a background (tests, closed networks).
TERRITORIES_MAP_TILE_URL = GEO_WIDGET_LEAFLET_TILE_LAYER
TERRITORIES_MAP_ATTRIBUTION = os.environ.get("REPERES_TILE_ATTRIBUTION", "© contributeurs OpenStreetMap")
GEO_WIDGET_LEAFLET_TILE_LAYER_OPTIONS = {"attribution": TERRITORIES_MAP_ATTRIBUTION}

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------
# The public site runs no inline script and no inline style: every script and style sheet is a
# static file of the site. Leaflet sets positions through the CSSOM (element.style), which a policy
# does not restrict. JSON data (json_script, JSON-LD) is not executed and needs no allowance.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for images of the style sheets (Leaflet's, Wagtail's); the tile server is added below.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# Wagtail's admin (8.0) still runs inline scripts (the page explorer, InlinePanel, date and time
# choosers) and its vendor.js (the rich text editor) inserts <style> elements: without
# 'unsafe-inline' for both, Chromium blocks them (seen with the browser journeys, tests/journeys).
# So the admin's pages, and only they, allow it. Image uploads preview blob: URLs.
REPERES_ADMIN_URL_PREFIX = "/admin/"
REPERES_ADMIN_CSP_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
# Wagtail's admin would ask releases.wagtail.io for a newer version from every dashboard (a
# third-party request the policy refuses).
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Sign-in throttling (django-axes) ---------------------------------------------------------
# Every sign-in (/connexion/, /admin/login/) goes through axes' backend first: after
# AXES_FAILURE_LIMIT wrong passwords for one username from one client address, that pair is refused
# for AXES_COOLOFF_TIME, even with the right password (HTTP 429, cms/lockout.py). A successful
# sign-in clears the count. The address is the site's one rule (REPERES_TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "moderation.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "cms.lockout.lockout_response"
# Failed attempts (username, address, browser) are kept for the cool-off time only; successful
# sign-ins are not logged (see "Data protection" in README.md).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# --- Repères --------------------------------------------------------------------------
# The département this instance serves. Another département changes these two settings and
# ships its own reference files in TERRITORIES_DATA_DIR (see data/README.md).
REPERES_DEPARTEMENT = {
    "code": os.environ.get("REPERES_DEPARTEMENT_CODE", "71"),
    "name": os.environ.get("REPERES_DEPARTEMENT_NAME", "Saône-et-Loire"),
}
# The département's region (INSEE code): a data·inclusion service whose zone names it covers the
# whole département (as does one naming the département or "france").
REPERES_REGION_CODE = os.environ.get("REPERES_REGION_CODE", "27")
TERRITORIES_DATA_DIR = Path(os.environ.get("TERRITORIES_DATA_DIR", BASE_DIR / "data"))
# The data·inclusion v1 reference lists used to seed the taxonomy.
FICHES_DATA_INCLUSION_DIR = BASE_DIR / "data" / "data-inclusion-schema" / "v1"
# `manage.py load_demo` creates demo accounts with public passwords: never in production.
REPERES_ALLOW_DEMO = False
# The template the public pages of fiches, territories and moderation extend (their blocks: title,
# extra_head, body_class, content), given to them by territories.context_processors.base_template.
REPERES_BASE_TEMPLATE = "base.html"
# Printed handouts take the département's name, logo and footer from the site settings.
FICHES_HANDOUT_BRANDING = "home.branding.handout_branding"
# An agent's selection, printed as one PDF (one page per fiche), holds at most this many fiches.
FICHES_SELECTION_MAX = 20
# The structure page links to its handout through this URL name (territories never imports fiches).
TERRITORIES_STRUCTURE_HANDOUT_URL = "fiches:structure_pdf"
# A territory page links to the listing of the fiches that apply there (by slug).
TERRITORIES_TERRITORY_FICHES_URL = "fiches:territory"
# A structure page offers "Orienter une personne" to professionals through this URL name.
TERRITORIES_STRUCTURE_ORIENTATION_URL = "fiches:orient_to_structure"
# The structure directory links to its printable version (a PDF, by territory or EPCI).
TERRITORIES_DIRECTORY_PDF_URL = "fiches:directory_pdf"

# --- Orientation (fiches/orientation/) ------------------------------------------------------
# The receiving structure's link (signed, one orientation of one structure) works this long.
FICHES_ORIENTATION_LINK_DAYS = 30
# A reminder goes to a structure that has not answered after this many days (run_daily).
FICHES_ORIENTATION_REMINDER_DAYS = 5
# The person's data is erased this many days after the orientation is closed (run_daily).
FICHES_ORIENTATION_DATA_DAYS = 90
# Who reads every orientation's content besides its sender and its structure (a group name).
FICHES_ORIENTATION_ADMIN_GROUP = "Administrateurs"
# "Envoyer à la personne": at most this many messages per professional per day.
FICHES_SEND_TO_PERSON_DAILY_LIMIT = 20
# SMS go through this backend (fiches.orientation.sms): the console in development and tests; a
# provider's backend (a class with send_messages(messages)) in production.
FICHES_SMS_BACKEND = "fiches.orientation.sms.ConsoleBackend"

# --- Needs without an answer (fiches/needs/) ------------------------------------------------
# A search with text that finds this many fiches or fewer is counted (anonymously, per week).
FICHES_FEW_RESULTS = 2
# "Je n'ai pas trouvé" reports are deleted this many months after their week (run_daily,
# manage.py purge_needs), the counters of searches after FICHES_UNANSWERED_SEARCH_MONTHS.
FICHES_NEED_REPORT_MONTHS = 12
FICHES_UNANSWERED_SEARCH_MONTHS = 24

# --- Error reports ("Signaler une erreur") -------------------------------------------------
# Fiches and structures link to the report form by URL name, never by import.
REPERES_REPORT_URL_NAME = "moderation:report"
REPERES_REPORT_SHORT_URL_NAME = "moderation:report_short"
# At most this many reports per client address per window (seconds), counted in the cache
# (Redis in production, so that every application process shares the count).
MODERATION_REPORT_RATE_LIMIT = (5, 600)
# How many reverse proxies in front of the application append the address they received a request
# from to X-Forwarded-For (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`).
# 0: the connection's address (REMOTE_ADDR). One rule (moderation.ratelimit.client_address) for
# the report form's rate limit and the login throttling (AXES_CLIENT_IP_CALLABLE).
REPERES_TRUSTED_PROXIES = int(os.environ.get("REPERES_TRUSTED_PROXIES", "0"))
# A reporter's name and e-mail are erased this many days after the report is closed.
MODERATION_REPORTER_DATA_DAYS = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Repères <reperes@localhost>")

# --- E-mail: an outbox in the database (django-mailer) ------------------------------------------
# Every message the site sends (reports, reminders, invitations, Wagtail's workflow e-mails,
# password resets) is stored in the database, in the transaction of the change that caused it;
# `manage.py send_mail` (every minute) sends the queue through MAILER_EMAIL_BACKEND (set per
# environment) and `manage.py retry_deferred` puts the messages that failed back in the queue.
# A request never talks to the mail server, so a mail server down never fails one.
EMAIL_BACKEND = "mailer.backend.DbBackend"
MAILER_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Any error while sending defers the message (kept, retried) instead of stopping the run.
MAILER_ERROR_HANDLER = "moderation.outbox.defer_on_error"
# A run stops after this many failures (a mail server down: the next run tries again).
MAILER_EMAIL_MAX_DEFERRED = 5
# The log of sent messages keeps no copy of them (addresses and bodies, e.g. a reporter's).
MAILER_EMAIL_LOG_MESSAGE_DATA = False
# Two runs never send one message twice: on PostgreSQL each message is locked while it is sent
# (SELECT … FOR UPDATE NOWAIT); SQLite has no row locks, so a lock file serialises the runs.
MAILER_USE_FILE_LOCK = DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
MAILER_LOCK_PATH = os.path.join(tempfile.gettempdir(), "reperes-send-mail")
# Invitations link to the public "choose your password" page (Django's reset tokens).
MODERATION_SET_PASSWORD_URL_NAME = "home:password_set"  # noqa: S105 — a URL name, not a secret
