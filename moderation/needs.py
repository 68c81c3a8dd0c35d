"""'Besoins sans réponse': the moderators' report of the searches that found little and of the
agents' "Je n'ai pas trouvé" (fiches.needs), counted by words, territory and month over a
period, with Wagtail's own spreadsheet export (CSV, XLSX). Registered in wagtail_hooks.py."""

import django_filters
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from fiches.models import NeedReport, UnansweredSearch
from territories.models import TerritoirePage

SOURCES = {"recherches": UnansweredSearch, "signalements": NeedReport}
GROUPINGS = {
    "tout": ("words", "territoire", "month"),
    "mots": ("words",),
    "territoire": ("territoire",),
    "mois": ("month",),
}


def _criterion(queryset, name, value):
    # Read by the view, which counts after choosing the source and the period.
    return queryset


class NeedsFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(
        label=_("Source"),
        choices=[
            ("recherches", _("Recherches avec peu ou pas de résultats")),
            ("signalements", _("« Je n’ai pas trouvé »")),
        ],
        empty_label=None,
        method=_criterion,
    )
    debut = django_filters.DateFilter(label=_("Du"), widget=AdminDateInput, method=_criterion)
    fin = django_filters.DateFilter(label=_("Au"), widget=AdminDateInput, method=_criterion)
    territoire = django_filters.ModelChoiceFilter(
        label=_("Territoire"),
        queryset=TerritoirePage.objects.live().order_by("title"),
        empty_label=_("Tous"),
        method=_criterion,
    )
    par = django_filters.ChoiceFilter(
        label=_("Regrouper par"),
        choices=[
            ("tout", _("Mots, territoire et mois")),
            ("mots", _("Mots")),
            ("territoire", _("Territoire")),
            ("mois", _("Mois")),
        ],
        empty_label=None,
        method=_criterion,
    )

    class Meta:
        model = UnansweredSearch
        fields = []


class NeedsReportView(ReportView):
    page_title = _("Besoins sans réponse")
    header_icon = "search"
    index_url_name = "moderation_needs"
    index_results_url_name = "moderation_needs_results"
    filterset_class = NeedsFilterSet
    export_filename = "besoins-sans-reponse"
    permission_policy = ModelPermissionPolicy(UnansweredSearch)
    permission_required = "view"
    paginate_by = 100

    @cached_property
    def criteria(self):
        data = self.filters.form.cleaned_data if self.filters is not None and self.filters.is_valid() else {}
        return {
            "source": data.get("source") or "recherches",
            "start": data.get("debut"),
            "end": data.get("fin"),
            "territoire": data.get("territoire"),
            "by": GROUPINGS[data.get("par") or "tout"],
        }

    def get_queryset(self):
        criteria = self.criteria
        queryset = SOURCES[criteria["source"]].objects.all()
        if criteria["territoire"] is not None:
            queryset = queryset.filter(territoire=criteria["territoire"])
        return queryset.counts(criteria["start"], criteria["end"], by=criteria["by"])

    def get_filtered_queryset(self):
        return self.get_queryset()

    def decorate_paginated_queryset(self, rows):
        return [self.labelled(row) for row in rows]

    @staticmethod
    def labelled(row):
        if "territoire" in row:
            row["territoire_label"] = row["territoire__title"] or _("Sans commune précisée")
        if "month" in row:
            row["month_label"] = date_format(row["month"], "F Y")
        return row

    def to_row_dict(self, item):
        return super().to_row_dict(self.labelled(item))

    @cached_property
    def fields(self):
        """(accessor, heading) of the columns, in the grouping's order, then the total."""
        headings = {
            "words": ("words", _("Mots")),
            "territoire": ("territoire_label", _("Territoire")),
            "month": ("month_label", _("Mois")),
        }
        total = _("Recherches") if self.criteria["source"] == "recherches" else _("Signalements")
        return [headings[key] for key in self.criteria["by"]] + [("total", total)]

    @property
    def columns(self):
        return [Column(accessor, label=heading) for accessor, heading in self.fields]

    @property
    def list_export(self):
        return [accessor for accessor, _heading in self.fields]

    @property
    def export_headings(self):
        return dict(self.fields)
