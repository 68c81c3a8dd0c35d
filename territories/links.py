"""URLs of features provided by other apps, named in settings (this app imports none of them)."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def url_from_setting(setting_name, *args):
    name = getattr(settings, setting_name, None)
    if not name:
        return None
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def public_url(path):
    """`path` on the site's public address (REPERES_PUBLIC_URL): the one way handouts and
    e-mails make an absolute link, whatever host the request or the job came through."""
    return settings.REPERES_PUBLIC_URL.rstrip("/") + path


def page_public_url(page, request=None):
    """A Wagtail page's address on the site's public address, or None if it has none."""
    parts = page.get_url_parts(request)
    return public_url(parts[2]) if parts else None
