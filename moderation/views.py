from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.models import Page

from territories.models import answer_as_page

from . import ratelimit
from .forms import ErrorReportForm


def _reportable_page(page_id):
    page = Page.objects.live().filter(pk=page_id).first()
    specific = page.specific if page else None
    if specific is None or not getattr(specific, "accepts_error_reports", False):
        raise Http404(_("Cette page n’accepte pas de signalement."))
    return specific


def report(request, page_id):
    page = _reportable_page(page_id)
    # A private page's form (its title) only for whoever may see the page.
    return answer_as_page(page, request, lambda: _report(request, page))


def _report(request, page):
    form = ErrorReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif ratelimit.hit("report", request):  # counted atomically before anything is stored
            messages.error(
                request,
                _(
                    "Vous avez envoyé beaucoup de signalements en peu de temps. Réessayez dans "
                    "quelques minutes : votre texte est conservé ci-dessous."
                ),
            )
            status = 429
        elif form.is_robot:
            return redirect("moderation:report_thanks", page_id=page.pk)
        else:
            report_ = form.save(commit=False)
            report_.page = page
            report_.revision_id = page.live_revision_id
            report_.page_title = page.title[:255]
            report_.page_url = (page.url or "")[:500]
            report_.save()
            messages.success(
                request,
                _("Merci ! Votre signalement n° %(ref)d a bien été enregistré.") % {"ref": report_.pk},
            )
            return redirect("moderation:report_thanks", page_id=page.pk)
    return render(request, "moderation/report_form.html", {"page": page, "form": form}, status=status)


def report_thanks(request, page_id):
    page = _reportable_page(page_id)
    return answer_as_page(
        page, request, lambda: render(request, "moderation/report_thanks.html", {"page": page})
    )


def report_short(request, page_id):
    return redirect("moderation:report", page_id=page_id)
