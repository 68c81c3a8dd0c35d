"""A list of codes chosen among fixed choices, stored as JSON (works on SQLite and PostgreSQL)."""

from django import forms
from django.db import models


class ChoiceListField(models.JSONField):
    """`["a", "b"]` where each item is one of `item_choices`; edited as checkboxes."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            label=self.verbose_name,
            help_text=self.help_text,
            choices=self.item_choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
        )

    def labels(self, values):
        names = dict(self.item_choices)
        return [names.get(v, v) for v in values or []]
