"""The moderators' desk in the admin: "toujours exact" in one click, the "À vérifier" page and
the indicators. Registered in wagtail_hooks.py."""

import csv

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.models import Page

from fiches.models import FicheCoveredCommune, FichePage, Theme
from territories.maps import map_data
from territories.models import StructurePage, TerritoirePage

from .indicators import Indicators
from .period import PeriodForm
from .report import report_pdf, report_zip, table_csv
from .roles import is_moderator


def refused(request, message):
    """The project's own refusals in the admin: a 403 page in French, in the admin's frame."""
    return TemplateResponse(request, "moderation/admin/refused.html", {"message": message}, status=403)


# --- "Toujours exact" -------------------------------------------------------------------------


@login_required
def verify_view(request, pk):
    """GET: a one-button confirmation (the link of the reminder e-mail); POST: confirm."""
    from .freshness import confirm_still_accurate

    page = get_object_or_404(Page, pk=pk).specific
    if not hasattr(page, "last_verified") or not page.permissions_for_user(request.user).can_edit():
        return refused(
            request, _("Vous ne pouvez confirmer que les fiches et structures dont vous êtes responsable.")
        )
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST":
        confirm_still_accurate(page, request.user)
        messages.success(
            request,
            _("« %(title)s » : informations confirmées exactes au %(date)s.")
            % {"title": page.title, "date": page.last_verified.strftime("%d/%m/%Y")},
        )
        return redirect(next_url or reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return render(request, "moderation/admin/verify.html", {"page": page, "next": next_url})


# --- "À vérifier" -------------------------------------------------------------------------


class ToVerifyFilter(forms.Form):
    territoire = forms.ModelChoiceField(
        label=gettext_lazy("Territoire"),
        queryset=TerritoirePage.objects.live().order_by("title"),
        required=False,
    )
    theme = forms.ModelChoiceField(
        label=gettext_lazy("Thème"), queryset=Theme.objects.filter(parent=None), required=False
    )
    responsable = forms.ModelChoiceField(
        label=gettext_lazy("Responsable"),
        queryset=get_user_model()
        .objects.filter(Q(owned_fiches__isnull=False) | Q(owned_structures__isnull=False))
        .distinct()
        .order_by("last_name", "username"),
        required=False,
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[
            ("", gettext_lazy("Tous")),
            ("fiche", gettext_lazy("Fiches")),
            ("structure", gettext_lazy("Structures")),
        ],
        required=False,
    )


def to_verify_items(user, data, on=None):
    """[(page, reason, due_on, days_overdue)]: live items past their review date, or imported
    and not yet reviewed; owners see their own only."""
    on = on or timezone.localdate()
    form = ToVerifyFilter(data)
    filters = form.cleaned_data if form.is_valid() else {}
    fiches = FichePage.objects.live().filter(
        Q(pk__in=FichePage.objects.due_for_review(on)) | Q(needs_verification=True)
    )
    structures = StructurePage.objects.live().filter(
        Q(pk__in=StructurePage.objects.due_for_review(on)) | Q(needs_verification=True)
    )
    if not is_moderator(user):
        fiches, structures = fiches.filter(owners=user), structures.filter(owners=user)
    if filters.get("responsable"):
        fiches, structures = (
            fiches.filter(owners=filters["responsable"]),
            structures.filter(owners=filters["responsable"]),
        )
    if filters.get("territoire"):
        communes = filters["territoire"].covered_communes()
        fiches = fiches.filter(
            Q(coverage_kind="departement")
            | Q(pk__in=FicheCoveredCommune.objects.filter(commune__in=communes).values("fiche_id"))
        )
        structures = structures.filter(commune__in=communes)
    if filters.get("theme"):
        fiches = fiches.with_theme(filters["theme"])
        structures = structures.none()
    if filters.get("type") == "fiche":
        structures = structures.none()
    elif filters.get("type") == "structure":
        fiches = fiches.none()
    items = []
    for page in [*fiches.prefetch_related("owners"), *structures.prefetch_related("owners")]:
        overdue = page.is_due_for_review(on)
        reason = _("vérification dépassée") if overdue else _("importée, à relire")
        items.append((page, reason, page.review_due_on(), page.days_overdue(on)))
    return form, sorted(items, key=lambda i: (-i[3], i[0].title))


@login_required
def to_verify_view(request):
    if not request.user.has_perm("wagtailadmin.access_admin"):
        return refused(request, _("Cette page est réservée aux comptes de l’administration."))
    form, items = to_verify_items(request.user, request.GET or None)
    if request.GET.get("format") == "csv":
        rows = [
            (
                p.title,
                p._meta.verbose_name,
                reason,
                p.last_verified.isoformat(),
                due.isoformat(),
                days,
                ", ".join(u.get_full_name() or u.username for u in p.owners.all()),
            )
            for p, reason, due, days in items
        ]
        header = [
            _("Titre"),
            _("Type"),
            _("Motif"),
            _("Vérifiée le"),
            _("À revérifier le"),
            _("Jours de retard"),
            _("Responsables"),
        ]
        return csv_response("a-verifier", header, rows)
    return render(
        request,
        "moderation/admin/to_verify.html",
        {"form": form, "items": items, "query": request.GET.urlencode(), "today": timezone.localdate()},
    )


# --- Indicators ----------------------------------------------------------------------------


PERIOD_FIELDS = ("annee", "semestre", "du", "au")


@login_required
def indicators_view(request):
    """The indicators for the period chosen by GET parameters; `csv=<table>` one table,
    `format=pdf` the report, `format=zip` every table as CSV."""
    if not is_moderator(request.user):
        return refused(request, _("Les indicateurs sont réservés aux modérateurs."))
    form = PeriodForm(request.GET or None)
    period_query = urlencode([(k, request.GET[k]) for k in PERIOD_FIELDS if request.GET.get(k)])
    if form.is_bound and not form.is_valid():
        # Bad dates: say so and keep what was typed; nothing is counted for a period not chosen.
        return render(
            request,
            "moderation/admin/indicators.html",
            {"form": form, "period_query": period_query},
            status=400,
        )
    indicators = Indicators(form.period())
    name = f"indicateurs-{indicators.period.slug}"
    key, kind = request.GET.get("csv"), request.GET.get("format")
    if key:
        table = indicators.table(key)
        if table is None:
            return HttpResponse(_("Tableau inconnu."), status=404, content_type="text/plain; charset=utf-8")
        return download(
            table_csv(table), f"{table.key}-{indicators.period.slug}.csv", "text/csv; charset=utf-8"
        )
    if kind == "pdf":
        return download(report_pdf(indicators), f"{name}.pdf", "application/pdf")
    if kind == "zip":
        return download(report_zip(indicators), f"{name}.zip", "application/zip")
    cov = indicators.coverage()
    uncovered_markers = [
        {
            "name": a.commune.name,
            "kind": _("%(n)s habitants") % {"n": a.commune.population_municipale or 0},
            "url": reverse("fiches:commune", args=[a.commune.insee_code]),
            "lat": a.commune.latitude,
            "lng": a.commune.longitude,
            "approximate": False,
            "address": "",
            "hours": [],
            "distance_km": None,
        }
        for a in cov.uncovered
        if a.commune.latitude is not None
    ]
    data = map_data([])
    data["markers"] = uncovered_markers
    data["labels"]["open"] = _("Voir la page de la commune")
    return render(
        request,
        "moderation/admin/indicators.html",
        {
            "form": form if form.is_bound else PeriodForm(initial={"annee": indicators.start.year}),
            "period_query": period_query,
            "tables": indicators.tables(),
            "coverage": cov,
            "measure": indicators.measure(),
            "indicators": indicators,
            "map_data": data,
            "can_edit_model": request.user.has_perm("territories.change_coveragesettings"),
        },
    )


def download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(name, header, rows, period=None):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 with a BOM
    writer = csv.writer(response, delimiter=";")
    if period:
        writer.writerow([_("Période"), period])
    writer.writerow(header)
    writer.writerows(rows)
    return response
