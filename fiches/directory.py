"""The printable directory: the places of the département, a territoire d'action sociale or an
EPCI as a PDF as compact as a phone book (name, type, address, phone, hours in small type, in
columns, by commune), linked from the structure directory (TERRITORIES_DIRECTORY_PDF_URL)."""

from dataclasses import dataclass
from itertools import groupby

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from territories.links import page_public_url, public_url
from territories.models import EPCI, Commune, StructureIndexPage, StructureKind, StructurePage, TerritoirePage

from . import handouts
from .result_cache import GENERATION


@dataclass
class Scope:
    """Which places the directory holds: `key` as in its URL ("territoire:<slug>",
    "epci:<siren>", "" for the whole département), its name and its communes."""

    key: str
    name: str
    communes: object  # a Commune queryset


def scope_for(value):
    """The scope a `zone` parameter names, or None when it names nothing we know."""
    kind, _sep, code = (value or "").partition(":")
    communes = Commune.objects.of_departement()
    if not value:
        return Scope("", settings.REPERES_DEPARTEMENT["name"], communes)
    if kind == "territoire":
        territory = TerritoirePage.objects.visible().filter(slug=code[:255]).first()
        if territory is not None:
            return Scope(value, territory.title, territory.covered_communes())
    elif kind == "epci" and code.isdigit() and len(code) == 9:
        epci = EPCI.objects.filter(siren=code).first()
        if epci is not None:
            return Scope(value, epci.name, communes.filter(epci=epci))
    return None


def places(scope, params):
    """The visible places of the scope, by commune then name, with the directory's filters."""
    structures = StructurePage.objects.visible().filter(commune__in=scope.communes)
    structures, _filters = StructureIndexPage.filtered(structures, params)
    return list(
        structures.select_related("commune")
        .prefetch_related("opening_slots")
        .order_by("commune__name", "title")
    )


def cache_key(scope, params):
    parts = [
        scope.key or "-",
        params.get("type") if params.get("type") in StructureKind.values else "-",  # as filtered
        int(params.get("charte") == "1"),
        timezone.localdate().isoformat(),
        GENERATION.current(),
    ]
    return "directory:" + ":".join(map(str, parts))


def _directory_url(request):
    """The online directory (its hours are the day's), else this PDF's own address."""
    index = StructureIndexPage.objects.live().first()
    url = page_public_url(index, request) if index is not None else None
    return url or public_url(request.get_full_path())


_stylesheet = None


def stylesheet():
    global _stylesheet
    if _stylesheet is None:
        path = finders.find("fiches/directory.css")
        _stylesheet = weasyprint.CSS(filename=path, url_fetcher=handouts.LocalOnlyURLFetcher())
    return _stylesheet


def directory_pdf(scope, structures, request):
    branding = handouts.branding_for(request)
    by_commune = [(name, list(items)) for name, items in groupby(structures, key=lambda s: s.commune.name)]
    html = render_to_string(
        "fiches/directory.html",
        {
            "title": _("Annuaire des lieux d’accueil — %(name)s") % {"name": scope.name},
            "departement_name": branding.departement_name,
            "by_commune": by_commune,
            "count": len(structures),
            "printed_on": timezone.localdate(),
            "online_url": _directory_url(request),
        },
    )
    document = weasyprint.HTML(
        string=html, base_url=handouts.INTERNAL_BASE_URL, url_fetcher=handouts.LocalOnlyURLFetcher()
    ).render(stylesheets=[stylesheet()])
    return handouts.write_pdf(document)
