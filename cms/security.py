"""Response headers that protect what the site shows: its Content-Security-Policy (django-csp),
with the admin's own allowances, and private caching of what is shown to a signed-in person."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils.cache import patch_cache_control


def tile_server_origin(url_template):
    """The origin of a Leaflet tile URL template, for img-src: "https://{s}.tile.example.org/{z}/…"
    gives "https://*.tile.example.org"; "" or a relative URL gives None."""
    parts = urlsplit(url_template or "")
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (`get_policy_parts` is its documented extension point), adding to
    CONTENT_SECURITY_POLICY, at request time so that each environment's settings count:

    - the map tile server (`TERRITORIES_MAP_TILE_URL`), when there is one, to img-src;
    - on the admin's pages, `REPERES_ADMIN_CSP_UPDATE` and the location field's tile server
      (`GEO_WIDGET_LEAFLET_TILE_LAYER`).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        additions = [{"img-src": [tile_server_origin(settings.TERRITORIES_MAP_TILE_URL)]}]
        if request.path_info.startswith(settings.REPERES_ADMIN_URL_PREFIX):
            additions.append(settings.REPERES_ADMIN_CSP_UPDATE)
            additions.append({"img-src": [tile_server_origin(settings.GEO_WIDGET_LEAFLET_TILE_LAYER)]})
        update = {directive: list(sources) for directive, sources in (parts.update or {}).items()}
        for addition in additions:
            for directive, sources in addition.items():
                present = update.setdefault(directive, [])
                present.extend(source for source in sources if source and source not in present)
        parts.update = {directive: sources for directive, sources in update.items() if sources}
        return parts


class PrivateWhenSignedInMiddleware:
    """Every response to a signed-in person is `Cache-Control: private`: it may show
    professional-only content (direct lines, internal notes, handouts for professionals) or the
    person's own name and menus, which no shared cache (a proxy, a CDN) may keep and serve to
    anybody else. Anonymous responses are left as their views made them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Without a session cookie nobody is signed in: the session is not read for nothing.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        if signed_in:
            patch_cache_control(response, private=True)
        return response
