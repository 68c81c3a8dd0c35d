"""'Je n'ai pas trouvé': a signed-in professional says, in a few words, what a search did not
find. Nothing about the agent nor the person received is kept (NeedReport)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..commune_choice import clean_text
from ..orientation.views import professional_required
from .forms import NeedReportForm
from .models import NeedReport


@professional_required
def need_report(request):
    if request.method == "POST":
        form = NeedReportForm(request.POST)
        if form.is_valid():
            commune = form.cleaned_data["commune"]
            NeedReport.create_for(form.cleaned_data["words"], commune)
            messages.success(
                request,
                _("Merci : ce besoin est transmis, sans votre nom, à l’équipe d’animation du réseau."),
            )
            # Back to the search, which does not count itself again (`signale`).
            query = {"q": clean_text(request.POST.get("q"), 200)}
            if commune is not None:
                query["insee"] = commune.insee_code
            query["signale"] = "1"
            return redirect(f"{reverse('fiches:search')}?{urlencode(query)}")
    else:
        form = NeedReportForm(
            initial={
                "words": clean_text(request.GET.get("q"), 300),
                "commune": clean_text(request.GET.get("commune"), 100),
            }
        )
    return render(
        request,
        "fiches/needs/need_report.html",
        {"form": form, "query": clean_text(request.GET.get("q") or request.POST.get("q"), 200)},
    )
