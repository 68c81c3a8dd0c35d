"""The site's chrome (main sections, département name), the same on every page of a site:
read from the cache, built in two queries when missing. home.signal_handlers drops the cache
entry whenever a section page or the site settings change."""

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Page, Site

CHROME_KEY = "reperes:site-chrome:{}"


def forget_site_chrome():
    cache.delete_many([CHROME_KEY.format(pk) for pk in Site.objects.values_list("pk", flat=True)])


def site_chrome(request):
    from fiches.models import FicheIndexPage
    from territories.models import DepartementPage, StructureIndexPage

    from .models import SiteSettings

    site = Site.find_for_request(request)
    key = CHROME_KEY.format(site.pk if site else 0)
    chrome = cache.get(key)
    if chrome is None:
        pages = Page.objects.live().type(FicheIndexPage, StructureIndexPage, DepartementPage).order_by("path")
        chrome = {
            "nav": [{"title": p.title, "url": p.get_url(request)} for p in pages],
            "departement_name": (
                SiteSettings.for_site(site).display_departement_name
                if site
                else settings.REPERES_DEPARTEMENT["name"]
            ),
        }
        cache.set(key, chrome, None)
    return chrome


def navigation(request):
    """The main sections (département, structures, fiches) and the département's name."""
    chrome = site_chrome(request)
    return {"reperes_nav": chrome["nav"], "departement_name": chrome["departement_name"]}
