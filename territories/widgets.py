"""Widgets of the editors."""

from django import forms


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
