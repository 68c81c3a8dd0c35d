from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from territories.models import Commune

from .models import FichePage, Public, Theme

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
MAX_CANDIDATES = 15


def _clean(value, max_length):
    """Text from the query string: control characters (NUL breaks PostgreSQL) dropped, trimmed."""
    return "".join(c for c in (value or "") if c.isprintable()).strip()[:max_length]


def _commune_from_request(request):
    """(commune, what was typed, candidates): the commune chosen in the form, or remembered
    for the session; when the text is ambiguous (a postal code shared by several communes, a
    partial name), the communes it could mean."""
    insee = _clean(request.GET.get("insee"), 5)
    if insee:
        commune = Commune.objects.of_departement().filter(insee_code=insee).first()
        if commune is not None:
            request.session["commune"] = commune.insee_code
            return commune, commune.name, []
    typed = request.GET.get("commune")
    if typed is None:
        code = request.session.get("commune")
        commune = Commune.objects.filter(insee_code=code).first() if code else None
        return commune, commune.name if commune else "", []
    typed = _clean(typed, 100)
    if not typed:
        request.session.pop("commune", None)
        return None, "", []
    communes = Commune.objects.of_departement()
    commune = communes.resolve(typed)
    if commune is not None:
        request.session["commune"] = commune.insee_code
        return commune, typed, []
    candidates = list(communes.matching(typed).order_by("name")[:MAX_CANDIDATES])
    if candidates:
        messages.info(
            request,
            _("Plusieurs communes correspondent à « %(typed)s » : précisez laquelle.") % {"typed": typed},
        )
    else:
        messages.warning(
            request,
            _("Commune « %(typed)s » introuvable dans le département : vérifiez le nom ou le code postal.")
            % {"typed": typed},
        )
    return None, typed, candidates


def search(request):
    query = _clean(request.GET.get("q"), 10 * MAX_QUERY_LENGTH)
    if len(query) > MAX_QUERY_LENGTH:
        messages.info(
            request,
            _("Votre recherche a été raccourcie à %(n)d caractères.") % {"n": MAX_QUERY_LENGTH},
        )
        query = query[:MAX_QUERY_LENGTH]
    commune, typed_commune, candidates = _commune_from_request(request)
    fiches = FichePage.objects.live()
    if commune is not None:
        fiches = fiches.covering(commune)
    if query:
        results = fiches.search(query)
    elif commune is not None:
        results = fiches.order_by("title")
    else:
        results = FichePage.objects.none()
    page_obj = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fiches/search.html",
        {
            "query": query,
            "commune": commune,
            "typed_commune": typed_commune,
            "candidates": candidates,
            "page_obj": page_obj,
            "categories": Theme.objects.filter(parent=None),
            "searched": bool(query or commune),
        },
    )


def theme_index(request):
    categories = Theme.objects.filter(parent=None).prefetch_related("children")
    return render(request, "fiches/theme_index.html", {"categories": categories})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.select_related("parent"), slug=slug)
    fiches = FichePage.objects.live().with_theme(theme).order_by("title")
    return render(
        request,
        "fiches/theme_detail.html",
        {
            "theme": theme,
            "children": theme.children.all(),
            "page_obj": Paginator(fiches, PER_PAGE).get_page(request.GET.get("page")),
        },
    )


def public_detail(request, slug):
    public = get_object_or_404(Public, slug=slug)
    fiches = FichePage.objects.live().with_public(public).order_by("title")
    return render(
        request,
        "fiches/public_detail.html",
        {
            "public": public,
            "publics": Public.objects.all(),
            "page_obj": Paginator(fiches, PER_PAGE).get_page(request.GET.get("page")),
        },
    )
