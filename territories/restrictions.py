"""Wagtail checks the view restrictions of a page and its ancestors on every view (two
queries). Most sites of this kind have none at all: that fact is kept in the cache, so that the
pages of the apps skip both queries until a restriction is created (the cache entry is dropped
on every change of a PageViewRestriction, see the app's ready())."""

from wagtail.models import PageViewRestriction

from .caching import forget, kept_fact

ANY_RESTRICTION_KEY = "reperes:any-page-view-restriction"


def any_view_restriction():
    return kept_fact(ANY_RESTRICTION_KEY, PageViewRestriction.objects.exists)


def forget_view_restrictions(**kwargs):
    forget(ANY_RESTRICTION_KEY)


class ViewRestrictionShortcut:
    """Page mixin: no view restriction anywhere, none to read for this page."""

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
