"""The cache reads every page makes are read in one round trip when the request begins
(cms.middleware.CachePrefetchMiddleware, cms.cache.PrefetchingCache), and a request still sees
its own writes and deletes at once."""

import pytest
import redis
from django.core.cache.backends import locmem
from wagtail.models import Site

from cms.cache import LocMemCache, RedisCache
from cms.middleware import PREFETCHED_KEYS
from home.models import SiteSettings
from tests import builders

REDIS = "redis://127.0.0.1:6379/15"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _redis():
    backend = RedisCache(REDIS, {"KEY_PREFIX": "test-prefetch"})
    try:
        backend.clear()
    except Exception:  # noqa: BLE001 — any connection failure means no Redis here
        pytest.skip("Redis absent sur 127.0.0.1:6379")
    return backend


def _other_process(backend):
    """Another backend on the same cache, as another process would have."""
    if isinstance(backend, RedisCache):
        return RedisCache(REDIS, {"KEY_PREFIX": "test-prefetch"})
    return LocMemCache("test-prefetch", {})


@pytest.fixture(params=["locmem", "redis"])
def backend(request):
    if request.param == "redis":
        backend = _redis()
        yield backend
        backend.clear()
    else:
        backend = LocMemCache("test-prefetch", {})
        yield backend
        backend.clear()


def test_prefetched_keys_answer_from_what_was_read_until_the_end(backend):
    backend.set("a", 1)
    backend.set("v", "versioned", version=2)
    token = backend.prefetch(["a", "absent", ("v", 2)])
    _other_process(backend).delete("a")  # changed meanwhile: the request keeps what it read
    assert backend.get("a") == 1
    assert backend.get("absent", "défaut") == "défaut"
    assert backend.get("v", version=2) == "versioned"
    assert backend.get("v") is None  # another version: not prefetched, read from the cache
    backend.end_prefetch(token)
    assert backend.get("a") is None  # the request is over: read from the cache again


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda c: c.set("a", 2), 2),
        (lambda c: c.delete("a"), None),
        (lambda c: c.delete_many(["a"]), None),
        (lambda c: c.set_many({"a": 3}), 3),
        (lambda c: c.incr("a"), 2),
        (lambda c: c.decr("a"), 0),
        (lambda c: c.clear(), None),
    ],
)
def test_a_request_sees_its_own_writes_and_deletes_at_once(backend, change, expected):
    backend.set("a", 1)
    token = backend.prefetch(["a"])
    change(backend)
    assert backend.get("a") == expected
    backend.end_prefetch(token)


def test_a_key_added_during_the_request_is_read_back(backend):
    token = backend.prefetch(["generation"])
    assert backend.get_or_set("generation", 1, None) == 1  # absent: added
    backend.incr("generation")
    assert backend.get_or_set("generation", 1, None) == 2
    backend.end_prefetch(token)


def test_redis_reads_the_prefetched_keys_in_one_command(monkeypatch):
    backend = _redis()
    backend.set("a", 1)
    backend.set("b", 2)
    client = backend._cache.get_client()
    commands = []
    original = client.execute_command

    def counted(*args, **kwargs):
        commands.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", counted)
    token = backend.prefetch(["a", "b", "absent"])
    assert [backend.get("a"), backend.get("b"), backend.get("absent"), backend.get("a")] == [1, 2, None, 1]
    backend.end_prefetch(token)
    assert commands == ["MGET"]
    backend.clear()


@pytest.mark.django_db
def test_a_page_reads_each_prefetched_key_from_the_cache_once(client, monkeypatch):
    pages = builders.site()
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire")
    client.get(fiche.url, headers={"user-agent": BROWSER})  # fills the cache
    reads = []
    original = locmem.LocMemCache.get

    def counted(self, key, default=None, version=None):
        reads.append((key, version))
        return original(self, key, default, version)

    monkeypatch.setattr(locmem.LocMemCache, "get", counted)
    for _ in range(2):
        assert client.get(fiche.url, headers={"user-agent": BROWSER}).status_code == 200
        assert client.get("/recherche/?q=alimentaire").status_code == 200
    prefetched = [(key, None) if isinstance(key, str) else key for key in PREFETCHED_KEYS]
    read = [entry for entry in reads if entry in prefetched]
    # Every key is read by the prefetch (once per request), never again along the way.
    assert sorted(read) == sorted(prefetched * 4)


@pytest.mark.django_db
def test_with_redis_a_fiche_page_reads_the_usual_keys_in_one_command(client, settings, monkeypatch):
    _redis()
    settings.CACHES = {  # as in production
        "default": {"BACKEND": "cms.cache.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": "test-prefetch"},
        "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import cache

    cache.clear()
    pages = builders.site()
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # as setup_site leaves it
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire")
    client.get(fiche.url, headers={"user-agent": BROWSER})  # fills the cache

    commands = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    assert client.get(fiche.url, headers={"user-agent": BROWSER}).status_code == 200
    # First one MGET for the five keys every page reads; then the page's route, the site's chrome
    # and the fiche's places (read as a page of results reads many fiches' places: an MGET),
    # each its own round trip (the fragments are in the process's memory).
    assert commands[0] == "MGET" and sorted(commands) == ["GET", "GET", "MGET", "MGET"]
    cache.clear()
