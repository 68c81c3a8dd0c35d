import re
import uuid

from django import forms
from django.conf import settings
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from territories.models import StructurePage

from .models import Orientation, OrientationStatus, RefusalReason

MOBILE = re.compile(r"^(?:\+33|0033|0)[67]\d{8}$")


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} — {obj.commune.name}" if obj.commune_id else obj.title


class OrientationForm(forms.ModelForm):
    """The minimum about the person, and their consent. `places`: the places to choose from
    (a fiche's places that receive orientations); None when the place is fixed (a structure)."""

    structure = PlaceChoiceField(
        queryset=StructurePage.objects.none(),
        label=_("Vers quel lieu ?"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choisissez le lieu vers lequel vous orientez la personne."),
            "invalid_choice": _("Choisissez un des lieux proposés."),
        },
    )
    consent = forms.BooleanField(
        label=_("La personne est d’accord pour que ces informations soient transmises"),
        error_messages={
            "required": _(
                "Cochez la case du consentement : sans l’accord de la personne, rien n’est transmis."
            )
        },
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Orientation
        fields = ["person_name", "person_contact", "need", "documents"]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 4}),
            "documents": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "person_name": _("Prénom ou initiales de la personne"),
            "person_contact": _("Comment joindre la personne"),
            "need": _("Son besoin, en quelques lignes"),
            "documents": _("Documents déjà réunis (facultatif)"),
        }
        help_texts = {
            "person_name": _("Pas de nom de famille : le prénom ou les initiales suffisent."),
            "person_contact": _("Un téléphone, un courriel, ou « joignable par notre accueil »."),
            "need": _("Sans détail de santé ni de situation familiale qui ne serve pas à l’orientation."),
        }
        error_messages = {
            "person_name": {"required": _("Indiquez le prénom ou les initiales de la personne.")},
            "person_contact": {"required": _("Indiquez comment le lieu peut joindre la personne.")},
            "need": {"required": _("Décrivez le besoin de la personne en quelques lignes.")},
        }

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        if places is None:
            del self.fields["structure"]
        else:
            # In the order given (the nearest first, or the fiche's order).
            self.fields["structure"].queryset = (
                StructurePage.objects.filter(pk__in=[p.pk for p in places])
                .select_related("commune")
                .order_by(Case(*(When(pk=p.pk, then=Value(i)) for i, p in enumerate(places))))
            )
            if len(places) == 1:
                self.fields["structure"].initial = places[0].pk
        if not self.is_bound:
            self.initial["submission"] = uuid.uuid4()
        for name in ("need", "documents", "person_name", "person_contact"):
            self.fields[name].widget.attrs["maxlength"] = Orientation._meta.get_field(name).max_length

    def clean_need(self):
        text = self.cleaned_data["need"].strip()
        if len(text) < 5:
            raise forms.ValidationError(_("Décrivez le besoin en quelques mots (5 caractères au moins)."))
        return text

    def clean_submission(self):
        # A form posted without its hidden key (an old page) still makes one orientation.
        return self.cleaned_data.get("submission") or uuid.uuid4()


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[(s.value, s.label) for s in OrientationStatus if s != OrientationStatus.SENT],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez votre réponse."),
            "invalid_choice": _("Choisissez une des réponses proposées."),
        },
    )
    refusal_reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
        error_messages={"invalid_choice": _("Choisissez un des motifs proposés.")},
    )
    redirected_to = PlaceChoiceField(
        label=_("Réorientée vers"),
        queryset=StructurePage.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choisissez un des lieux proposés.")},
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1500}),
        error_messages={"max_length": _("Le commentaire ne doit pas dépasser 1 500 caractères.")},
    )

    def __init__(self, *args, orientation=None, **kwargs):
        super().__init__(*args, **kwargs)
        places = StructurePage.objects.visible().select_related("commune").order_by("title")
        if orientation is not None and orientation.structure_id:
            places = places.exclude(pk=orientation.structure_id)
        self.fields["redirected_to"].queryset = places

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == OrientationStatus.REFUSED and not data.get("refusal_reason"):
            self.add_error("refusal_reason", _("Choisissez le motif du refus."))
        if status == OrientationStatus.REDIRECTED and not data.get("redirected_to"):
            self.add_error("redirected_to", _("Choisissez le lieu vers lequel la personne est réorientée."))
        return data


class SendToPersonForm(forms.Form):
    """The person's e-mail address or mobile number: used once, never stored."""

    email = forms.EmailField(
        label=_("Courriel de la personne"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Saisissez une adresse courriel valide.")},
    )
    phone = forms.CharField(
        label=_("ou son téléphone portable (SMS)"),
        required=False,
        max_length=20,
        help_text=_("Un numéro de portable français, par exemple 06 12 34 56 78."),
    )

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        number = re.sub(r"[\s.\-]", "", raw)
        if number and not MOBILE.match(number):
            raise forms.ValidationError(_("Saisissez un numéro de portable français (06 ou 07)."))
        return number

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Indiquez le courriel ou le téléphone portable de la personne."))
        return data


def consent_text(structure_title=None):
    """What the consent box says is shared, with whom, for how long."""
    place = (
        _("Sont transmis à « %(place)s »") % {"place": structure_title}
        if structure_title
        else _("Sont transmis au lieu choisi")
    )
    return _(
        "%(place)s : le prénom ou les initiales, le moyen de joindre la personne, son besoin et "
        "les documents réunis. Seuls vous, ce lieu et les administrateurs de Repères les voient ; "
        "ils sont effacés %(days)d jours après la réponse du lieu."
    ) % {"place": place, "days": settings.FICHES_ORIENTATION_DATA_DAYS}
