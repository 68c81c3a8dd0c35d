from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from territories.fields import CommuneListField
from territories.models import Commune


class ThemesUnderCategories:
    """A form whose `themes` are ticked under their category, read in one query
    (`ThemeQuerySet.grouped_choices`), not one per theme to name its category (147 queries on
    the demo)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        themes = self.fields.get("themes")
        if themes is not None:
            themes.choices = themes.queryset.grouped_choices()


class UsefulLinkForm(ThemesUnderCategories, WagtailAdminModelForm):
    pass


class FichePageForm(ThemesUnderCategories, WagtailAdminPageForm):
    """The fiche editor's form: themes under their category; communes typed, one per line
    (`CommuneListField`), not picked in a list of them all."""

    coverage_communes = CommuneListField(
        Commune.objects.of_departement(), required=False, label=Commune._meta.verbose_name_plural.capitalize()
    )
