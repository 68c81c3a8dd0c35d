from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .commune_choice import chosen_commune, clean_text
from .models import FichePage, Public, Theme

MAX_QUERY_LENGTH = 200
PER_PAGE = 20


def search(request):
    query = clean_text(request.GET.get("q"), 10 * MAX_QUERY_LENGTH)
    if len(query) > MAX_QUERY_LENGTH:
        messages.info(
            request,
            _("Votre recherche a été raccourcie à %(n)d caractères.") % {"n": MAX_QUERY_LENGTH},
        )
        query = query[:MAX_QUERY_LENGTH]
    commune, typed_commune, candidates = chosen_commune(request)
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
