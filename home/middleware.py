from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .models import SiteSettings

# Always reachable, whatever the public access setting: signing in, the admin (which has its
# own login), static files, and the password reset links sent with invitations.
OPEN_PREFIXES = ("/connexion/", "/admin/", "/mot-de-passe/", "/favicon.ico")


class PublicAccessMiddleware:
    """When the site setting "accès public" is off, anonymous visitors get the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.user.is_authenticated
            and not self._is_open(request.path)
            and not SiteSettings.for_request(request).public_access
        ):
            return redirect(f"{reverse('home:login')}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path):
        return path.startswith(OPEN_PREFIXES) or path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
