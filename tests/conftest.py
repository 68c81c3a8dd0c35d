import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True, scope="session")
def _mail_goes_through_the_outbox(django_test_environment):
    """Django's test set-up replaces EMAIL_BACKEND by its locmem backend; the site's own
    (the outbox, see cms/settings/base.py) is put back, so that tests send e-mail the way the
    site does: queued, then sent by `manage.py send_mail` (tests/mail.py)."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"


@pytest.fixture
def reference_data(db):
    """The real communes and EPCI of data/ (563 + 52 members elsewhere, 20 EPCI)."""
    call_command("import_territories", verbosity=0)


@pytest.fixture
def client(client):
    # The site is served on localhost (ALLOWED_HOSTS in test settings accepts any host).
    client.defaults["HTTP_HOST"] = "localhost"
    return client


@pytest.fixture(autouse=True)
def _no_reference_index_updates():
    """Wagtail rebuilds its reference index on every page and child-object save; no test here
    reads it, and on PostgreSQL it doubles the time of tests that build pages."""
    from territories.bulk import reference_index_paused

    with reference_index_paused():
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a database rolled back after a test must not be
    described by what the cache kept of it (site root paths, results, handouts)."""
    from django.core.cache import cache

    cache.clear()
    yield
