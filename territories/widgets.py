"""Widgets of the editors."""

import json

from django import forms
from django.forms.widgets import Script
from wagtail.admin.widgets import AdminTagWidget
from wagtailgeowidget.widgets import LeafletField

from .maps import leaflet_words


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes each in its label, under the legend of their group when the choices are
    grouped (a theme under its category). Written without an id and an indentation per box:
    an editor carries each list twice (the form, and Wagtail's JSON copy of every widget), and
    Django's own markup made the fiche editor's lists 60 KB of its 300 (issue #27, item 10).
    A box's label names it without `for`; the field's help text describes the group."""

    template_name = "territories/widgets/checkbox_list.html"

    class Media:
        css = {"all": ["territories/checkbox-list.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["described_by"] = context["widget"]["attrs"].get("aria-describedby", "")
        return context


class LocationMap(LeafletField):
    """wagtailgeowidget's location map with Leaflet served by the site (the copy the public maps
    use, static/territories/vendor/) instead of unpkg.com, which wagtailgeowidget writes into its
    media: no third-party request from the admin, and a map on a network that cannot reach
    unpkg.com. Leaflet's own words are set in French (leaflet-words.js, its data-words) before
    the map is drawn."""

    LEAFLET = "territories/vendor/leaflet-1.9.4/"

    def id_for_label(self, id_):
        """The field's label names the box where a position is typed (the widget writes it beside
        its hidden input), not the hidden input."""
        return f"{id_}_latlng" if id_ else id_

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "wagtailgeowidget/css/leaflet-field.css",
                    self.LEAFLET + "leaflet.css",
                    "territories/leaflet-credit.css",
                ]
            },
            js=[
                "wagtailgeowidget/js/leaflet-field.js",
                "wagtailgeowidget/js/leaflet-field-controller.js",
                self.LEAFLET + "leaflet.js",
                Script("territories/leaflet-words.js", **{"data-words": json.dumps(leaflet_words())}),
            ],
        )


class TagInput(AdminTagWidget):
    """Wagtail's tag input, whose typing box (drawn by tag-it in the browser, beside the hidden
    field the label names) has no name for assistive technologies: tag-it's own option
    `placeholderText` gives it one, which also tells what to type."""

    def __init__(self, *args, placeholder, **kwargs):
        self.placeholder = placeholder
        super().__init__(*args, **kwargs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        options = json.loads(attrs["data-w-tag-options-value"])
        attrs["data-w-tag-options-value"] = json.dumps({**options, "placeholderText": str(self.placeholder)})
        return context
