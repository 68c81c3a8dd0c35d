from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.models import Site

from territories.caching import kept_fact

from .models import SiteSettings

# Always reachable, whatever the public access setting: signing in, the admin (which has its
# own login), static files, and the password reset links sent with invitations.
OPEN_PREFIXES = ("/connexion/", "/admin/", "/mot-de-passe/", "/favicon.ico")
PRIVATE_SITES_KEY = "reperes:any-private-site"
SITES_KEY = "reperes:sites"
SITES_SECONDS = 3600
MAX_CACHED_HOSTS = 20


def any_private_site():
    """One cache read per request in the usual case (every site public); the cache entry is
    dropped whenever site settings are saved (home.signal_handlers)."""
    return kept_fact(PRIVATE_SITES_KEY, SiteSettings.objects.filter(public_access=False).exists)


class PublicAccessMiddleware:
    """When the site setting "accès public" is off, anonymous visitors get the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any_private_site() and not request.user.is_authenticated and not self._is_open(request.path):
            site_settings = SiteSettings.for_request(request)
            if not site_settings.public_access:
                return redirect(f"{reverse('home:login')}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path):
        return path.startswith(OPEN_PREFIXES) or path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


class CachedSiteMiddleware:
    """Wagtail looks up the site of every request (one query), then its root page's specific
    row (another): both are kept in the cache by host and port, and handed to Wagtail through
    the attribute it reads first (`request._wagtail_site`). home.signal_handlers drops them
    whenever a site changes, a site's root page is published, unpublished or deleted, or any
    page moves. A root page without children is not kept: Wagtail would take it for a leaf
    until the cache expired, and hide its first child. At most MAX_CACHED_HOSTS hosts are kept,
    so that made-up Host headers cannot grow the entry (production also limits ALLOWED_HOSTS).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "_wagtail_site"):
            host = (split_domain_port(request._get_raw_host())[0], request.get_port())
            sites = cache.get(SITES_KEY) or {}
            if host in sites:
                request._wagtail_site = sites[host]
            else:
                site = Site.find_for_request(request)
                if site is not None and len(sites) < MAX_CACHED_HOSTS:
                    site.root_page = site.root_page.specific
                    if site.root_page.numchild:
                        cache.set(SITES_KEY, {**sites, host: site}, SITES_SECONDS)
        return self.get_response(request)


def forget_sites():
    cache.delete(SITES_KEY)


def is_cached_site_root(page_id):
    return any(site.root_page_id == page_id for site in (cache.get(SITES_KEY) or {}).values())
