import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from moderation.models import ErrorReport, ReportStatus
from tests.mail import sent_mail

from .conftest import VALID

pytestmark = pytest.mark.django_db


def post(client, page, data, **extra):
    return client.post(f"/signaler/{page.pk}/", data, **extra)


def test_every_fiche_and_structure_page_offers_the_report_button(network, client):
    for page in (network["fiche"], network["structure"]):
        assert f'href="/signaler/{page.pk}/"' in client.get(page.url).content.decode()


def test_the_form_works_without_javascript_and_stores_the_report(
    network, client, django_capture_on_commit_callbacks
):
    fiche = network["fiche"]
    form = client.get(f"/signaler/{fiche.pk}/").content.decode()
    assert "Le service n’existe plus" in form and "effacé 30 jours après sa clôture" in form
    assert "<script" not in form.split("<main")[1]

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, fiche, VALID, follow=True)

    assert response.redirect_chain[-1][0] == f"/signaler/{fiche.pk}/merci/"
    report = ErrorReport.objects.get()
    assert f"Votre signalement n° {report.pk} a bien été enregistré" in response.content.decode()
    fiche.refresh_from_db()
    assert report.revision_id is not None
    assert (report.page_id, report.revision_id, report.page_title) == (
        fiche.pk,
        fiche.live_revision_id,
        "Aide alimentaire",
    )
    assert report.status == ReportStatus.NEW and report.reporter_email == "claire@exemple.fr"


def test_invalid_input_is_redisplayed_with_french_messages_and_kept(network, client):
    data = {**VALID, "category": "", "description": "", "reporter_email": "pas-une-adresse"}
    response = post(client, network["fiche"], data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choisissez le type d’erreur." in html
    assert "Décrivez l’erreur constatée." in html
    assert "Saisissez une adresse courriel valide" in html
    assert 'value="pas-une-adresse"' in html and "03 85 00 00 00" in html
    assert 'role="alert"' in html and 'href="#id_description"' in html
    assert not ErrorReport.objects.exists()


def test_oversize_text_is_refused_with_a_message_not_truncated_silently(network, client):
    response = post(client, network["fiche"], {**VALID, "description": "x" * 5000})
    assert response.status_code == 400
    assert "comporte au plus 4000 caractères (actuellement 5000)" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_the_honeypot_catches_robots_without_telling_them(network, client):
    response = post(client, network["fiche"], {**VALID, "site_web": "http://spam.example"})
    assert response.status_code == 302
    assert not ErrorReport.objects.exists()


def test_csrf_is_required(network):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
    assert post(client, network["fiche"], VALID).status_code == 403


def test_rate_limit_per_address_with_a_french_message_and_the_text_kept(network, client, settings):
    settings.MODERATION_REPORT_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert post(client, network["fiche"], VALID).status_code == 302
    response = post(client, network["fiche"], {**VALID, "description": "Un troisième signalement."})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Réessayez dans quelques minutes" in html and "Un troisième signalement." in html
    assert ErrorReport.objects.count() == 2
    # Another address is not limited.
    assert post(client, network["fiche"], VALID, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_only_pages_that_accept_reports_have_a_form(network, client):
    assert client.get(f"/signaler/{network['home'].pk}/").status_code == 404
    assert client.get("/signaler/999999/").status_code == 404


def test_short_url_from_handouts_leads_to_the_form(network, client):
    response = client.get(f"/s/{network['fiche'].pk}")
    assert response.status_code == 302 and response["Location"] == f"/signaler/{network['fiche'].pk}/"


def test_a_report_on_a_deleted_page_is_kept(network, client):
    post(client, network["fiche"], VALID)
    network["fiche"].delete()
    report = ErrorReport.objects.get()
    assert report.page_id is None and report.page_title == "Aide alimentaire"


def test_new_report_notifies_owners_and_moderators_and_the_reporter(
    network, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, network["fiche"], VALID)
    sent = sent_mail()
    to_team = [m for m in sent if "Nouveau signalement" in m.subject]
    assert len(to_team) == 1
    assert set(to_team[0].bcc) == {"rania@exemple.fr", "marc@exemple.fr"}  # not paul: not his fiche
    assert "Le numéro de téléphone indiqué n’est plus attribué." in to_team[0].body
    receipt = [m for m in sent if "bien été reçu" in m.subject]
    assert receipt and receipt[0].to == ["claire@exemple.fr"]


def test_closing_a_report_tells_the_reporter_and_keeps_the_history(
    network, client, django_capture_on_commit_callbacks
):
    post(client, network["fiche"], VALID)
    report = ErrorReport.objects.get()
    moderator = network["moderator"]
    report.change_status(ReportStatus.IN_PROGRESS, moderator)
    sent_mail().clear()
    with django_capture_on_commit_callbacks(execute=True):
        report.change_status(ReportStatus.FIXED, moderator, "Numéro corrigé.")

    assert [e.to_status for e in report.events.all()] == [ReportStatus.IN_PROGRESS, ReportStatus.FIXED]
    assert report.events.last().user == moderator and report.closed_at is not None
    sent = sent_mail()
    assert len(sent) == 1 and sent[0].to == ["claire@exemple.fr"]
    assert "Numéro corrigé." in sent[0].body


def test_reporter_data_is_erased_after_the_retention_time_idempotently(network, client, settings):
    settings.MODERATION_REPORTER_DATA_DAYS = 30
    post(client, network["fiche"], VALID)
    post(client, network["fiche"], {**VALID, "reporter_email": "autre@exemple.fr"})
    old, recent = ErrorReport.objects.order_by("pk")
    for report in (old, recent):
        report.change_status(ReportStatus.FIXED)
    ErrorReport.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timezone.timedelta(days=31))

    call_command("erase_reporter_data", stdout=StringIO())
    call_command("erase_reporter_data", stdout=StringIO())

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.reporter_name, old.reporter_email) == ("", "") and old.personal_data_erased_at
    assert old.description  # the report itself is kept
    assert recent.reporter_email == "autre@exemple.fr"


def test_behind_trusted_proxies_the_limit_counts_the_address_they_forwarded(network, client, settings):
    settings.MODERATION_REPORT_RATE_LIMIT = (1, 600)
    settings.REPERES_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request reaches the application from the proxy
    # The address a client writes into the header itself (left of the proxy's entry) is not believed.
    first = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.5"}
    spoofed = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.8, 203.0.113.5"}
    other_client = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.6"}

    assert post(client, network["fiche"], VALID, **first).status_code == 302
    assert post(client, network["fiche"], VALID, **spoofed).status_code == 429
    assert post(client, network["fiche"], VALID, **other_client).status_code == 302
    assert ErrorReport.objects.count() == 2


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(network, client, settings):
    settings.MODERATION_REPORT_RATE_LIMIT = (1, 600)
    settings.REPERES_TRUSTED_PROXIES = 0
    assert post(client, network["fiche"], VALID, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    response = post(client, network["fiche"], VALID, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 429


def test_the_client_address_rule_reads_the_forwarded_header_from_the_right(rf, settings):
    from moderation.ratelimit import client_address

    header = "198.51.100.9, 203.0.113.5, 192.0.2.44"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=header)
    expected = {0: "10.0.0.1", 1: "192.0.2.44", 2: "203.0.113.5", 3: "198.51.100.9", 4: "10.0.0.1"}
    for proxies, address in expected.items():
        settings.REPERES_TRUSTED_PROXIES = proxies
        assert client_address(request) == address
    settings.REPERES_TRUSTED_PROXIES = 1
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="pas-une-adresse")) is None


def _redis_cache_or_skip():
    from django.core.cache.backends.redis import RedisCache

    location = "redis://127.0.0.1:6379/15"
    try:
        RedisCache(location, {}).get("ping")
    except Exception:  # noqa: BLE001 — any connection failure means no Redis here
        pytest.skip("Redis absent sur 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"  # this run's counters only
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_simultaneous_posts_from_one_client_store_no_more_than_the_limit(network, settings, backend):
    """Ten posts at once from one address with a limit of 3: exactly 3 stored, 7 refused, with the
    count in the process's memory (development) and in Redis (production)."""
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("Requêtes simultanées : ce test demande PostgreSQL (SQLite sérialise les écritures).")
    if backend == "redis":
        settings.CACHES = {**settings.CACHES, "default": _redis_cache_or_skip()}
    settings.MODERATION_REPORT_RATE_LIMIT = (3, 600)
    start = threading.Barrier(10)
    statuses = []

    def send(n):
        try:
            client = Client(HTTP_HOST="localhost")
            start.wait()
            response = post(client, network["fiche"], {**VALID, "description": f"Envoi simultané {n}"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] * 3 + [429] * 7
    assert ErrorReport.objects.count() == 3


def test_the_report_notification_links_to_the_public_address(
    network, client, settings, django_capture_on_commit_callbacks
):
    settings.REPERES_PUBLIC_URL = "https://reperes.exemple.fr"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, network["fiche"], VALID)  # through "localhost"
    (to_team,) = [m for m in sent_mail() if "Nouveau signalement" in m.subject]
    report = ErrorReport.objects.get()
    assert f"https://reperes.exemple.fr/admin/moderation/errorreport/edit/{report.pk}/" in to_team.body
    assert "localhost" not in to_team.body and "127.0.0.1" not in to_team.body
