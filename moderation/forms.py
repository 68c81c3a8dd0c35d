from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ErrorReport, ReportCategory


class ErrorReportForm(forms.ModelForm):
    # A field people never see (hidden by CSS, skipped by keyboard and screen readers) that
    # robots fill in. Its name is plausible on purpose.
    site_web = forms.CharField(required=False, label=_("Ne pas remplir ce champ"), max_length=200)

    class Meta:
        model = ErrorReport
        fields = ["category", "description", "suggestion", "reporter_name", "reporter_email"]
        widgets = {
            "category": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "suggestion": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "category": _("Quel type d’erreur ?"),
            "description": _("Qu’avez-vous constaté ?"),
            "suggestion": _("Correction proposée (facultatif)"),
            "reporter_name": _("Votre nom (facultatif)"),
            "reporter_email": _("Votre courriel (facultatif)"),
        }
        error_messages = {
            "category": {"required": _("Choisissez le type d’erreur.")},
            "description": {"required": _("Décrivez l’erreur constatée.")},
            "reporter_email": {
                "invalid": _("Saisissez une adresse courriel valide, ou laissez ce champ vide.")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = ReportCategory.choices
        self.fields["reporter_email"].help_text = _(
            "Il sert uniquement à vous informer de la réception et de la correction de votre "
            "signalement ; il est effacé %(days)d jours après sa clôture."
        ) % {"days": settings.MODERATION_REPORTER_DATA_DAYS}
        for name in ("description", "suggestion"):
            self.fields[name].widget.attrs["maxlength"] = ErrorReport._meta.get_field(name).max_length

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if len(text) < 5:
            raise forms.ValidationError(_("Décrivez l’erreur en quelques mots (5 caractères au moins)."))
        return text

    @property
    def is_robot(self):
        return bool(self.cleaned_data.get("site_web"))
