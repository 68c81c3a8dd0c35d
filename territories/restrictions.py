"""Wagtail checks the view restrictions of a page and its ancestors on every view (two
queries). Most sites of this kind have none at all: that fact is kept in the cache, so that the
pages of the apps skip both queries until a restriction is created (the cache entry is dropped
on every change of a PageViewRestriction, see the app's ready())."""

from django.core.cache import cache
from django.db import transaction
from wagtail.models import PageViewRestriction

ANY_RESTRICTION_KEY = "reperes:any-page-view-restriction"


def any_view_restriction():
    value = cache.get(ANY_RESTRICTION_KEY)
    if value is None:
        value = PageViewRestriction.objects.exists()
        cache.set(ANY_RESTRICTION_KEY, value, None)
    return value


def forget_view_restrictions(**kwargs):
    # Now, so this request sees the change; and again after the commit, in case another
    # process read the old value into the cache meanwhile.
    cache.delete(ANY_RESTRICTION_KEY)
    transaction.on_commit(lambda: cache.delete(ANY_RESTRICTION_KEY))


class ViewRestrictionShortcut:
    """Page mixin: no view restriction anywhere, none to read for this page."""

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
