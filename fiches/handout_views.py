"""PDF handouts and the agent's selection of fiches (kept in the session)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territories.models import StructurePage, answer_as_page

from . import directory, handouts
from .commune_choice import chosen_commune, clean_text
from .models import FichePage

SELECTION_KEY = "selection"


def max_selection():
    """How many fiches a selection, and so its PDF, holds at most (FICHES_SELECTION_MAX)."""
    return getattr(settings, "FICHES_SELECTION_MAX", 20)


def _pdf_response(pdf, name):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(name)[:80] or "fiche"}.pdf"'
    return response


def _wants_pro(request, page):
    return request.GET.get("pro") == "1" and page.user_can_see_pro(request.user)


def fiche_pdf(request, pk):
    fiche = get_object_or_404(FichePage.objects.live(), pk=pk)
    return answer_as_page(fiche, request, lambda: _fiche_pdf(request, fiche))


def _fiche_pdf(request, fiche):
    commune, _typed, _candidates = chosen_commune(request)
    include_pro = _wants_pro(request, fiche)

    def build():
        handout = handouts.fiche_handout(fiche, request, commune, include_pro)
        return handouts.write_pdf(handouts.fit_to_one_page(handout, handouts.branding_for(request)))

    key = handouts.cache_key(fiche, commune, include_pro)
    return _pdf_response(handouts.cached_pdf(key, build), fiche.title)


def structure_pdf(request, pk):
    structure = get_object_or_404(StructurePage.objects.live(), pk=pk)
    return answer_as_page(structure, request, lambda: _structure_pdf(request, structure))


def _structure_pdf(request, structure):
    include_pro = _wants_pro(request, structure)

    def build():
        handout = handouts.structure_handout(structure, request, include_pro)
        return handouts.write_pdf(handouts.fit_to_one_page(handout, handouts.branding_for(request)))

    key = handouts.cache_key(structure, None, include_pro)
    return _pdf_response(handouts.cached_pdf(key, build), structure.title)


def directory_pdf(request):
    """The printable directory of the places of the département, a territory or an EPCI
    (`zone`), with the directory's filters (`type`, `charte`)."""
    scope = directory.scope_for(clean_text(request.GET.get("zone"), 300))
    if scope is None:
        raise Http404(_("Ce territoire ou cette intercommunalité n’existe pas."))

    # A printed directory is not "open now": only the lasting filters, those of its cache key.
    params = {name: request.GET.get(name) for name in ("type", "charte")}

    def build():
        return directory.directory_pdf(scope, directory.places(scope, params), request)

    pdf = handouts.cached_pdf(directory.cache_key(scope, params), build)
    return _pdf_response(pdf, _("annuaire %(name)s") % {"name": scope.name})


# --- Selection --------------------------------------------------------------------------


def selection_ids(request):
    """The selected ids, in the order they were added, each once; anything that cannot be a
    page id (a session filled otherwise than by "Ajouter") is left out."""
    ids = (str(pk) for pk in request.session.get(SELECTION_KEY, []))
    valid = (int(pk) for pk in ids if pk.isascii() and pk.isdigit() and len(pk) <= 10)
    return list(dict.fromkeys(pk for pk in valid if pk < 2**31))


def _selected_fiches(request):
    ids = selection_ids(request)
    fiches = {f.pk: f for f in FichePage.objects.visible().filter(pk__in=ids)}
    return [fiches[pk] for pk in ids if pk in fiches]


def _back(request, default):
    """Back to the page the agent came from, if it is on this site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # A path, not a bare word: redirect() would take "foo" for the name of a view.
    return redirect(target if safe and target.startswith("/") else default)


@require_POST
def selection_add(request, pk):
    fiche = get_object_or_404(FichePage.objects.visible(), pk=pk)
    ids = selection_ids(request)
    if fiche.pk in ids:
        messages.info(request, _("« %(title)s » est déjà dans votre sélection.") % {"title": fiche.title})
    elif len(ids) >= max_selection():
        messages.warning(
            request,
            _(
                "« %(title)s » n’a pas été ajoutée : votre sélection compte déjà %(n)d fiches, le "
                "maximum pour un PDF. Imprimez-la ou retirez-en une d’abord."
            )
            % {"title": fiche.title, "n": max_selection()},
        )
    else:
        request.session[SELECTION_KEY] = [*ids, fiche.pk]
        messages.success(request, _("« %(title)s » ajoutée à votre sélection.") % {"title": fiche.title})
    return _back(request, fiche.url)


@require_POST
def selection_remove(request, pk):
    request.session[SELECTION_KEY] = [i for i in selection_ids(request) if i != pk]
    return _back(request, "/selection/")


@require_POST
def selection_clear(request):
    request.session[SELECTION_KEY] = []
    messages.success(request, _("Votre sélection a été vidée."))
    return _back(request, "/selection/")


def selection_detail(request):
    commune, typed, candidates = chosen_commune(request)
    return render(
        request,
        "fiches/selection.html",
        {
            "fiches": _selected_fiches(request),
            "commune": commune,
            "typed_commune": typed,
            "candidates": candidates,
        },
    )


def selection_pdf(request):
    """One PDF, one page per selected fiche. A selection longer than the maximum (a session
    filled otherwise than through "Ajouter") is refused before anything is read or rendered;
    the PDF is cached like a single handout, keyed by every fiche's revision and audience."""
    count = len(selection_ids(request))
    if count > max_selection():
        messages.error(
            request,
            _(
                "Votre sélection compte %(count)d fiches : un PDF en réunit au plus %(max)d. "
                "Retirez-en %(extra)d avant d’imprimer."
            )
            % {"count": count, "max": max_selection(), "extra": count - max_selection()},
        )
        return redirect("fiches:selection")
    fiches = _selected_fiches(request)
    if not fiches:
        messages.warning(request, _("Votre sélection est vide : ajoutez des fiches avant d’imprimer."))
        return redirect("fiches:selection")
    commune, _typed, _candidates = chosen_commune(request)
    audiences = [_wants_pro(request, f) for f in fiches]

    def build():
        branding = handouts.branding_for(request)
        documents = [
            handouts.fit_to_one_page(handouts.fiche_handout(f, request, commune, pro), branding)
            for f, pro in zip(fiches, audiences, strict=True)
        ]
        return handouts.merge_one_page_documents(documents)

    key = handouts.selection_cache_key(fiches, commune, audiences)
    return _pdf_response(handouts.cached_pdf(key, build), _("selection-de-fiches"))


def selection_count(request):
    """Template context: how many fiches the agent selected (shown in the header)."""
    return {
        "selection_count": len(request.session.get(SELECTION_KEY, [])) if hasattr(request, "session") else 0
    }
