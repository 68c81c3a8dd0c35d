import re

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import Commune

from .models import REPORT_MAX_LENGTH

# What looks like a way to reach or name a person: an e-mail address, a telephone number, a
# date of birth. Refused, with the reason, so that nothing personal is ever stored.
EMAIL = re.compile(r"\S+@\S+")
LONG_NUMBER = re.compile(r"(?:\d[\s.\-/]?){6,}")


class NeedReportForm(forms.Form):
    words = forms.CharField(
        label=_("Ce que vous cherchiez, en quelques mots"),
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REPORT_MAX_LENGTH}),
        help_text=_("Par exemple : « dentiste acceptant la C2S », « garde d’enfant le soir »."),
        error_messages={
            "required": _("Écrivez en quelques mots le besoin que vous n’avez pas trouvé."),
            "max_length": _(
                "En quelques mots : %(limit_value)d caractères au plus (vous en avez écrit %(show_value)d)."
            ),
        },
    )
    commune = forms.CharField(
        label=_("Commune (facultatif)"),
        max_length=100,
        required=False,
        help_text=_("La commune du besoin : nom ou code postal."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_words(self):
        words = " ".join(self.cleaned_data["words"].split())
        if EMAIL.search(words):
            raise forms.ValidationError(_("Retirez l’adresse électronique : aucune donnée personnelle ici."))
        if LONG_NUMBER.search(words):
            raise forms.ValidationError(
                _("Retirez le numéro (téléphone, date de naissance…) : aucune donnée personnelle ici.")
            )
        return words

    def clean_commune(self):
        typed = self.cleaned_data["commune"].strip()
        if not typed:
            return None
        commune = Commune.objects.of_departement().resolve(typed)
        if commune is None:
            raise forms.ValidationError(
                _(
                    "Commune « %(typed)s » introuvable dans le département : vérifiez le nom ou le code postal, ou laissez vide."
                )
                % {"typed": typed}
            )
        return commune
