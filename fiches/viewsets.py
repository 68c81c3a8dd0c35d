"""Admin screens for the taxonomy, as declarations (registered in wagtail_hooks.py)."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Public, Synonym, Theme, UsefulLink


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Thèmes")
    list_display = ["name", "parent", "code", Column("sort_order", label=_("ordre"))]
    list_filter = ["parent"]
    search_fields = ["name", "code"]
    ordering = ["parent__sort_order", "sort_order", "name"]


class PublicViewSet(SnippetViewSet):
    model = Public
    icon = "group"
    menu_label = _("Publics")
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]


class UsefulLinkViewSet(SnippetViewSet):
    model = UsefulLink
    icon = "link"
    menu_label = _("Liens utiles")
    list_display = ["title", "category", "url", "sort_order"]
    list_filter = ["category", "themes"]
    search_fields = ["title", "description", "url"]


class SynonymViewSet(SnippetViewSet):
    """The words search widens (fiches.query): an edit shows in the next search."""

    model = Synonym
    icon = "search"
    menu_label = _("Synonymes et sigles")
    # A yes/no column (icons), named by the field.
    list_display = [
        "term",
        "equivalents",
        BooleanColumn("both_ways", label=capfirst(Synonym._meta.get_field("both_ways").verbose_name)),
    ]
    list_filter = ["both_ways"]
    search_fields = ["term", "equivalents"]
    ordering = ["key"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, PublicViewSet, UsefulLinkViewSet, SynonymViewSet)
    menu_icon = "tag"
    menu_label = _("Taxonomie")
    menu_name = "taxonomie"
