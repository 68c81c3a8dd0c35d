"""Admin screens for the reference data (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import EPCI, Commune, CommuneAlias


class CommuneViewSet(SnippetViewSet):
    model = Commune
    icon = "site"
    menu_label = _("Communes")
    list_display = ["name", "insee_code", "postal_codes", "epci", "population_municipale"]
    list_filter = ["epci", "departement_code"]
    search_fields = ["name", "insee_code", "postal_codes"]
    ordering = ["name"]
    list_per_page = 50


class EPCIViewSet(SnippetViewSet):
    model = EPCI
    icon = "globe"
    menu_label = _("EPCI")
    list_display = ["name", "siren", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]


class CommuneAliasViewSet(SnippetViewSet):
    model = CommuneAlias
    icon = "history"
    menu_label = _("Anciennes communes")
    list_display = ["name", "insee_code", "kind", "commune"]
    search_fields = ["name"]


class ReferenceDataViewSetGroup(SnippetViewSetGroup):
    items = (CommuneViewSet, EPCIViewSet, CommuneAliasViewSet)
    menu_icon = "site"
    menu_label = _("Référentiel territorial")
    menu_name = "referentiel"
