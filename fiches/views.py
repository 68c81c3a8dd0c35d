"""Public views: search, the listings (theme, public, keyword, territory), the commune page,
the commune autocomplete and the useful links. Every listing is a `Browse` with one facet
fixed by its URL, so all of them page, facet and filter by commune the same way."""

from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from taggit.models import Tag

from territories.geo import normalize_name
from territories.maps import map_data
from territories.models import Commune, CommuneAlias, StructurePage, TerritoirePage

from .browse import Browse, group_by_category
from .commune_choice import clean_text, remember
from .models import FicheKeyword, FichePage, Public, Theme, UsefulLink, UsefulLinkCategory
from .needs.models import search_found_little
from .suggest import close_terms

NEAREST_STRUCTURES = 10
AUTOCOMPLETE_SIZE = 10


def _browse_context(browse, with_map=True, **extra):
    page_obj = browse.page()
    context = {
        "browse": browse,
        "query": browse.query,
        "commune": browse.commune,
        "typed_commune": browse.typed_commune,
        "candidates": browse.candidates,
        "page_obj": page_obj,
        "facets": browse.facets() if browse.with_facets and browse.active else [],
        "map_data": browse.map(page_obj) if with_map else None,
        "categories": Theme.objects.filter(parent=None),
    }
    context.update(extra)
    return context


def search(request):
    browse = Browse(request)
    context = _browse_context(browse, searched=browse.active)
    if browse.query:
        context["structures"] = browse.matching_structures()
        total = context["page_obj"].paginator.count
        if not total:
            context["suggestions"] = close_terms(browse.query)
        if browse.found_little(total):
            search_found_little.send(sender=Browse, query=browse.query, commune=browse.commune)
    return render(request, "fiches/search.html", context)


def theme_index(request):
    categories = Theme.objects.filter(parent=None).prefetch_related("children")
    return render(request, "fiches/theme_index.html", {"categories": categories})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.select_related("parent"), slug=slug)
    context = _browse_context(
        Browse(request, fixed={"theme": theme}),
        theme=theme,
        children=theme.children.all(),
        useful_links=UsefulLink.objects.for_theme(theme),
    )
    return render(request, "fiches/theme_detail.html", context)


def public_index(request):
    shown = FichePage.objects.visible().values("pk")
    publics = Public.objects.annotate(n=Count("fiches", filter=Q(fiches__in=shown), distinct=True)).order_by(
        "sort_order", "name"
    )
    return render(request, "fiches/public_index.html", {"publics": publics})


def public_detail(request, slug):
    public = get_object_or_404(Public, slug=slug)
    context = _browse_context(Browse(request, fixed={"public": public}), public=public)
    return render(request, "fiches/public_detail.html", context)


def keyword_index(request):
    shown = FichePage.objects.visible().values("pk")
    keywords = (
        Tag.objects.filter(pk__in=FicheKeyword.objects.filter(content_object_id__in=shown).values("tag_id"))
        .annotate(
            n=Count(
                "fiches_fichekeyword_items",
                filter=Q(fiches_fichekeyword_items__content_object_id__in=shown),
                distinct=True,
            )
        )
        .order_by("name")
    )
    return render(request, "fiches/keyword_index.html", {"keywords": keywords})


def keyword_detail(request, slug):
    keyword = get_object_or_404(Tag, slug=slug)
    context = _browse_context(Browse(request, fixed={"mot_cle": keyword}), keyword=keyword)
    return render(request, "fiches/keyword_detail.html", context)


def territory_index(request):
    territories = TerritoirePage.objects.visible().order_by("title")
    return render(request, "fiches/territory_index.html", {"territories": territories})


def territory_detail(request, slug):
    territory = get_object_or_404(TerritoirePage.objects.visible(), slug=slug)
    context = _browse_context(
        Browse(request, fixed={"territoire": territory}, default_order_local=True), territory=territory
    )
    return render(request, "fiches/territory_detail.html", context)


def commune_detail(request, insee):
    commune = Commune.objects.of_departement().select_related("epci").filter(insee_code=insee[:5]).first()
    if commune is None:
        return render(request, "fiches/commune_unknown.html", {"insee": insee[:5]}, status=404)
    remember(request, commune)
    # No facets here: the page gathers what applies; refining is the search page's job.
    browse = Browse(request, commune=commune, with_facets=False)
    nearest = StructurePage.objects.visible().nearest(commune.latitude, commune.longitude, NEAREST_STRUCTURES)
    territories = TerritoirePage.covering(commune)
    context = _browse_context(
        browse,
        with_map=False,  # the page's map shows the nearest places instead
        nearest=nearest,
        territories=territories,
        aliases=commune.aliases.order_by("name"),
    )
    context["map_data"] = map_data(nearest, request, commune)
    context["groups"] = group_by_category(context["page_obj"].results)
    return render(request, "fiches/commune_detail.html", context)


@require_GET
def commune_autocomplete(request):
    """[{label, value, insee}] for the commune field: name (by the rule of
    territories.geo.normalize_name), postal code or INSEE code, best first (exact name, then
    names starting so, by population: CommuneQuerySet.matching); old merged communes lead to
    the current one."""
    term = clean_text(request.GET.get("q"), 100)
    if len(term) < 2:
        return JsonResponse({"results": []})
    communes = Commune.objects.of_departement()
    items = [
        {
            "label": f"{c.name} ({c.postal_codes})",
            "value": f"{c.name} ({c.postal_codes})",
            "insee": c.insee_code,
        }
        for c in communes.matching(term)[:AUTOCOMPLETE_SIZE]
    ]
    if not term.isdigit() and len(items) < AUTOCOMPLETE_SIZE:
        aliases = CommuneAlias.objects.filter(
            search_name__contains=normalize_name(term), commune__in=communes
        ).select_related("commune")[: AUTOCOMPLETE_SIZE - len(items)]
        items += [
            {
                "label": _("%(old)s (ancienne commune, aujourd’hui %(name)s)")
                % {"old": a.name, "name": a.commune.name},
                "value": a.name,
                "insee": a.commune.insee_code,
            }
            for a in aliases
        ]
    return JsonResponse({"results": items})


def useful_links(request):
    links = UsefulLink.objects.prefetch_related("themes")
    groups = [
        (label, [link for link in links if link.category == value])
        for value, label in UsefulLinkCategory.choices
    ]
    return render(
        request, "fiches/useful_links.html", {"groups": [(label, items) for label, items in groups if items]}
    )
