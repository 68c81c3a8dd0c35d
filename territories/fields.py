"""Fields of the editors: a list of codes chosen among fixed choices, stored as JSON (works on
SQLite and PostgreSQL); communes typed one per line."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .widgets import CheckboxList


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
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            choices=self.item_choices,
            required=not self.blank,
            widget=CheckboxList,
        )

    def labels(self, values):
        names = dict(self.item_choices)
        return [names.get(v, v) for v in values or []]


class CommuneListField(forms.ModelMultipleChoiceField):
    """Communes typed one per line (name, "Name (postal code)", postal code or INSEE code), for
    a many-to-many field to `Commune`. Why not Django's multiple select: it writes every commune
    of the département into the page twice (the field and Wagtail's panel data), 85 KB of the
    fiche editor's 378 KB on the demo (issue #27, item 10); a few lines of names weigh nothing
    and read as the editor wrote them. Each line is read by `Commune.objects.resolve`, the same
    rule as the search's commune field; the lines it cannot settle are named in the error and the
    text is kept as typed."""

    widget = forms.Textarea(attrs={"rows": 4})
    default_error_messages = {
        "unknown": _(
            "Commune introuvable ou ambiguë : %(lines)s. Écrivez une commune par ligne : son nom, "
            "« Nom (code postal) » pour distinguer deux homonymes, ou son code INSEE."
        ),
    }

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("Une commune par ligne : nom, « Nom (code postal) » ou code INSEE."),
        )
        super().__init__(queryset, **kwargs)

    def prepare_value(self, value):
        """The lines shown in the editor: "Name (postal code)", or the text as typed."""
        if isinstance(value, str):
            return value
        communes = [c for c in value or [] if isinstance(c, self.queryset.model)]
        if not communes and value:
            communes = list(self.queryset.filter(pk__in=[getattr(v, "pk", v) for v in value]))
        return "\n".join(str(c) for c in sorted(communes, key=lambda c: c.name))

    def to_python(self, value):
        return value

    def clean(self, value):
        lines = [line.strip() for line in (value or "").replace(";", "\n").splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        communes, unknown = {}, []
        for line in lines:
            commune = self.queryset.resolve(line)
            if commune is None:
                unknown.append(f"« {line} »")
            else:
                communes[commune.pk] = commune
        if unknown:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"lines": ", ".join(unknown)}
            )
        return list(communes.values())

    def has_changed(self, initial, data):
        return self.prepare_value(initial or []) != self.prepare_value(data or "")
