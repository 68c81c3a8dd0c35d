"""Running in production: the request id, the logs, errors e-mailed to the administrators or
sent to Sentry, and the health endpoint (README, "Production")."""

import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import path

from cms import urls as cms_urls
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


def boom(request):
    raise RuntimeError("une panne de démonstration")


# This module is also the URLconf of the tests that need a view that fails.
urlpatterns = [path("panne/", boom), *cms_urls.urlpatterns]


def production(code, **environment):
    """Runs `code` with the production settings and `environment`; returns the finished process."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "reperes.exemple.fr",
        **environment,
    }
    return subprocess.run(  # noqa: S603 — our own code
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Request id -------------------------------------------------------------------------------


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/sante/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


def test_the_request_id_sent_by_the_proxy_is_kept_when_it_looks_like_one(client):
    response = client.get("/sante/", HTTP_X_REQUEST_ID="7f3c1a2b-essai.42")
    assert response["X-Request-ID"] == "7f3c1a2b-essai.42"


@pytest.mark.parametrize("sent", ["deux mots", "x" * 129, "<script>", "-commence-par-un-tiret", "é"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, sent):
    response = client.get("/sante/", HTTP_X_REQUEST_ID=sent)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# --- Logs and errors --------------------------------------------------------------------------


def test_production_logs_one_line_per_event_with_its_request_id_on_standard_error(tmp_path):
    """An empty database: the home page fails; its traceback is on the line of the error."""
    result = production(
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "response = client.get('/', HTTP_HOST='reperes.exemple.fr', HTTP_X_REQUEST_ID='essai-123', secure=True)\n"
        "print(response.status_code, response['X-Request-ID'])\n",
        DATABASE_URL=f"sqlite:///{tmp_path / 'vide.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=f"test-production-{secrets.token_hex(4)}",
    )
    assert result.stdout.split() == ["500", "essai-123"], result.stderr
    [error] = [line for line in result.stderr.splitlines() if "Internal Server Error" in line]
    assert re.match(r"\d{4}-\d\d-\d\d [\d:,]+ ERROR django\.request request_id=essai-123 ", error)
    assert "Traceback (most recent call last):" in error and "OperationalError" in error


def test_production_reads_the_administrators_and_e_mails_them_its_errors():
    result = production(
        "from django.conf import settings\n"
        "print(settings.ADMINS)\n"
        "print(settings.LOGGING['loggers']['django']['handlers'])\n",
        DJANGO_ADMINS="Équipe SI <si@exemple.fr>, Astreinte <astreinte@exemple.fr>",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[('Équipe SI', 'si@exemple.fr'), ('Astreinte', 'astreinte@exemple.fr')]",
        "['stderr', 'mail_admins']",
    ]


def test_a_malformed_administrator_address_stops_production_with_a_french_message():
    result = production("", DJANGO_ADMINS="Équipe SI <si.exemple.fr>")
    assert result.returncode != 0
    assert "DJANGO_ADMINS : « si.exemple.fr » n’est pas une adresse e-mail." in result.stderr


@pytest.mark.urls("tests.test_production")
def test_an_error_is_e_mailed_to_the_administrators_through_the_outbox(client, settings):
    settings.ADMINS = [("Équipe SI", "si@exemple.fr")]
    client.raise_request_exception = False

    assert client.get("/panne/").status_code == 500

    [message] = sent_mail()
    assert message.to == ["si@exemple.fr"]
    assert "Internal Server Error: /panne/" in message.subject
    assert "une panne de démonstration" in message.body


def test_with_sentry_asked_for_but_not_installed_production_says_so_at_start_up():
    # sys.modules[name] = None: the import fails as when the package is not installed.
    outcome = subprocess.run(  # noqa: S603 — our own code
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['sentry_sdk'] = None\nimport django; django.setup()",
        ],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "reperes.exemple.fr",
            "SENTRY_DSN": "https://cle@sentry.exemple.fr/1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert outcome.returncode != 0
    assert "SENTRY_DSN est défini mais le paquet sentry-sdk n’est pas installé" in outcome.stderr


def test_with_sentry_errors_are_not_e_mailed_as_well():
    pytest.importorskip("sentry_sdk")
    result = production(
        "from django.conf import settings\nprint(settings.LOGGING['loggers']['django']['handlers'])\n",
        SENTRY_DSN="https://cle@sentry.exemple.fr/1",
    )
    assert result.stdout.strip() == "['stderr']", result.stderr


# --- Serving ----------------------------------------------------------------------------------


def test_production_collects_static_files_with_hashed_names_and_serves_them_compressed(tmp_path):
    result = production(
        "from django.core.management import call_command\n"
        "from django.contrib.staticfiles.storage import staticfiles_storage\n"
        "from django.test import Client\n"
        "call_command('collectstatic', '--no-input', verbosity=0)\n"
        "client = Client(HTTP_HOST='reperes.exemple.fr', raise_request_exception=False)\n"
        "for name in ('css/reperes.css', 'territories/vendor/leaflet-1.9.4/leaflet.js'):\n"
        "    url = staticfiles_storage.url(name)\n"
        "    response = client.get(url, secure=True, HTTP_ACCEPT_ENCODING='br, gzip')\n"
        "    print(url, response.status_code, response.get('Content-Encoding'), response['Cache-Control'])\n"
        "print(client.get('/static/css/absent.css', secure=True).status_code)\n",
        DATABASE_URL=f"sqlite:///{tmp_path / 'vide.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=f"test-production-{secrets.token_hex(4)}",
    )
    assert result.returncode == 0, result.stderr
    *served, absent = result.stdout.splitlines()
    assert len(served) == 2
    for line, expected in zip(
        served, [r"css/reperes", r"territories/vendor/leaflet-1\.9\.4/leaflet"], strict=True
    ):
        assert re.fullmatch(
            rf"/static/{expected}\.[0-9a-f]{{12}}\.(css|js) 200 br max-age=315360000, public, immutable", line
        ), line
    assert (tmp_path / "static" / "staticfiles.json").exists()
    # Not a static file: on to Django, whose empty database fails (a 404 with the real one).
    assert absent != "200"


# --- Health -----------------------------------------------------------------------------------


def test_the_health_endpoint_says_the_database_and_the_cache_answer(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_the_health_endpoint_answers_503_naming_the_cache_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        },
    }
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "erreur"}
    assert "no-store" in response["Cache-Control"]


def test_the_health_endpoint_is_answered_whatever_the_host_and_over_plain_http(client, settings):
    """A load balancer asks at the server's own address, over HTTP."""
    settings.ALLOWED_HOSTS = ["reperes.exemple.fr"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/sante/", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400


def test_the_health_endpoint_only_reads(client):
    assert client.post("/sante/").status_code == 405


# --- Daily jobs -------------------------------------------------------------------------------


def closed_report_past_retention():
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import ErrorReport, ReportCategory, ReportStatus

    return ErrorReport.objects.create(
        page_title="Aide alimentaire",
        category=ReportCategory.ADDRESS,
        description="L’adresse a changé.",
        reporter_name="Camille",
        reporter_email="camille@exemple.fr",
        status=ReportStatus.FIXED,
        closed_at=timezone.now() - timedelta(days=settings.MODERATION_REPORTER_DATA_DAYS + 1),
    )


def run_daily():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("run_daily", stdout=out, stderr=out)
    return out.getvalue()


def test_run_daily_runs_every_daily_job_in_order():
    report = closed_report_past_retention()

    output = run_daily()

    names = [line.split(" :")[0] for line in output.splitlines() if line.endswith(" :")]
    assert names == [
        "snapshot_coverage",
        "send_reminders",
        "erase_reporter_data",
        "remind_orientations",
        "anonymise_orientations",
        "purge_needs",
        "purge_mail_log",
        "retry_deferred",
        "send_mail",
    ]
    report.refresh_from_db()
    assert report.reporter_email == "" and report.reporter_name == ""


@pytest.mark.django_db(transaction=True)
def test_a_job_another_server_is_running_is_skipped_on_postgresql():
    import psycopg
    from django.db import connection

    from home.jobs import lock_key

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's (DATABASE_URL=postgres://…)")
    report = closed_report_past_retention()
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"]
    )
    try:
        # Another server's run_daily, in the middle of erase_reporter_data.
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [lock_key("erase_reporter_data")]).fetchone()[
            0
        ]

        output = run_daily()

        assert "erase_reporter_data : déjà en cours ailleurs, passée." in output
        assert "send_reminders :" in output and "send_mail :" in output
        report.refresh_from_db()
        assert report.reporter_email == "camille@exemple.fr"
    finally:
        other.close()  # the other server is done: its lock goes with its session

    assert "erase_reporter_data : déjà en cours" not in run_daily()
    report.refresh_from_db()
    assert report.reporter_email == ""
