"""Nothing lost, never a 500: concurrency on PostgreSQL, arbitrary input, a limit shared
between processes."""

import threading
import uuid

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from moderation.models import ErrorReport
from tests.mail import sent_mail

from .conftest import VALID


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_reports_are_all_stored_and_notified(network, live_server, settings):
    if connection.vendor != "postgresql":
        pytest.skip("Écritures concurrentes : ce test demande PostgreSQL (SQLite sérialise les écritures).")
    import requests

    settings.MODERATION_REPORT_RATE_LIMIT = (10_000, 600)
    url = f"{live_server.url}/signaler/{network['fiche'].pk}/"
    errors = []

    def send(n):
        session = requests.Session()
        session.get(url, timeout=30)
        token = session.cookies["csrftoken"]
        response = session.post(
            url,
            {**VALID, "description": f"Signalement concurrent {n}", "csrfmiddlewaretoken": token},
            headers={"Referer": url},
            timeout=60,
            allow_redirects=False,
        )
        if response.status_code != 302:
            errors.append(response.status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(200)]
    batches = [threads[i : i + 20] for i in range(0, 200, 20)]  # 20 at a time, 10 waves
    for batch in batches:
        for t in batch:
            t.start()
        for t in batch:
            t.join()

    assert errors == []
    assert ErrorReport.objects.count() == 200
    assert len({r.description for r in ErrorReport.objects.all()}) == 200
    assert len([m for m in sent_mail() if "Nouveau signalement" in m.subject]) == 200


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6000)


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    category=st.one_of(st.sampled_from(["contact_hours", "other", "", "nimporte"]), text),
    description=text,
    suggestion=text,
    name=text,
    email=st.one_of(st.emails(), text),
)
def test_arbitrary_input_never_gives_a_500(
    network, client, settings, category, description, suggestion, name, email
):
    settings.MODERATION_REPORT_RATE_LIMIT = (10_000, 600)
    response = client.post(
        f"/signaler/{network['fiche'].pk}/",
        {
            "category": category,
            "description": description,
            "suggestion": suggestion,
            "reporter_name": name,
            "reporter_email": email,
        },
    )
    assert response.status_code in (302, 400)


def test_the_rate_limit_is_shared_between_processes_through_redis(rf, settings):
    """Two cache clients, as two application processes would have, count together."""
    from django.core.cache.backends.redis import RedisCache

    location = "redis://127.0.0.1:6379/15"
    probe = RedisCache(location, {})
    try:
        probe.get("ping")
    except Exception:  # noqa: BLE001 — any connection failure means no Redis here
        pytest.skip("Redis absent sur 127.0.0.1:6379")
    from moderation import ratelimit

    settings.MODERATION_REPORT_RATE_LIMIT = (3, 60)
    request = rf.post("/", REMOTE_ADDR=f"192.0.2.{uuid.uuid4().int % 250}")
    first, second = RedisCache(location, {}), RedisCache(location, {})
    results = []
    for cache_ in (first, second, first, second):
        ratelimit.cache = cache_
        results.append(ratelimit.hit("test", request))
    from django.core.cache import cache as default_cache

    ratelimit.cache = default_cache
    assert results == [False, False, False, True]
