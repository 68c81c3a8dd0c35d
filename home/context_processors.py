"""The site's chrome (main sections, département name), the same on every page of a site."""

from django.conf import settings
from wagtail.models import Page, Site


def navigation(request):
    """The main sections (département, structures, fiches) and the département's name."""
    from fiches.models import FicheIndexPage
    from territories.models import DepartementPage, StructureIndexPage

    from .models import SiteSettings

    site = Site.find_for_request(request)
    pages = Page.objects.live().type(FicheIndexPage, StructureIndexPage, DepartementPage).order_by("path")
    return {
        "reperes_nav": [{"title": p.title, "url": p.get_url(request)} for p in pages],
        "departement_name": (
            SiteSettings.for_request(request).display_departement_name
            if site
            else settings.REPERES_DEPARTEMENT["name"]
        ),
    }
