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
