from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse

from .models import SiteSettings

# Always reachable, whatever the public access setting: signing in, the admin (which has its
# own login), static files, and the password reset links sent with invitations.
OPEN_PREFIXES = ("/connexion/", "/admin/", "/mot-de-passe/", "/favicon.ico")
PRIVATE_SITES_KEY = "reperes:any-private-site"


def any_private_site():
    """One cache read per request in the usual case (every site public); the cache entry is
    dropped whenever site settings are saved (home.signal_handlers)."""
    value = cache.get(PRIVATE_SITES_KEY)
    if value is None:
        value = SiteSettings.objects.filter(public_access=False).exists()
        cache.set(PRIVATE_SITES_KEY, value, None)
    return value


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
