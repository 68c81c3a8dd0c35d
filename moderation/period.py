"""The period the indicators cover: a calendar year, a half-year or two dates, chosen by GET
parameters. Flows are counted over the period, stocks read at its end."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIRST_YEAR = 2000


def _fr(day):
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive, never after today
    label: str

    @classmethod
    def of_year(cls, year, half=None, today=None):
        today = today or timezone.localdate()
        if half == 1:
            start, end = date(year, 1, 1), date(year, 6, 30)
            label = _("1er semestre %(year)d") % {"year": year}
        elif half == 2:
            start, end = date(year, 7, 1), date(year, 12, 31)
            label = _("2e semestre %(year)d") % {"year": year}
        else:
            start, end = date(year, 1, 1), date(year, 12, 31)
            label = _("année %(year)d") % {"year": year}
        return cls(start, min(end, today), label)

    @classmethod
    def between(cls, start, end):
        return cls(start, end, _("du %(start)s au %(end)s") % {"start": _fr(start), "end": _fr(end)})

    @property
    def flow(self):
        """How a flow's period is written: 'du 01/01/2026 au 30/06/2026'."""
        return _("du %(start)s au %(end)s") % {"start": _fr(self.start), "end": _fr(self.end)}

    @property
    def stock(self):
        return _("au %(date)s") % {"date": _fr(self.end)}

    @property
    def slug(self):
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def months(self):
        """The first day of every month the period touches, in order."""
        month, months = self.start.replace(day=1), []
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


class PeriodForm(forms.Form):
    """GET parameters: `annee` (and `semestre` 1 or 2), or `du` and `au`. Nothing: the current
    calendar year up to today."""

    annee = forms.IntegerField(label=gettext_lazy("Année"), required=False)
    semestre = forms.TypedChoiceField(
        label=gettext_lazy("Semestre"),
        choices=[("", gettext_lazy("Toute l’année")), ("1", gettext_lazy("1er")), ("2", gettext_lazy("2e"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    du = forms.DateField(
        label=gettext_lazy("Du"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "JJ/MM/AAAA", "size": 10}, format="%d/%m/%Y"),
        error_messages={"invalid": gettext_lazy("Saisissez une date valide, par exemple 31/12/2026.")},
    )
    au = forms.DateField(
        label=gettext_lazy("Au"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "JJ/MM/AAAA", "size": 10}, format="%d/%m/%Y"),
        error_messages={"invalid": gettext_lazy("Saisissez une date valide, par exemple 31/12/2026.")},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_annee(self):
        year = self.cleaned_data["annee"]
        if year is not None and not FIRST_YEAR <= year <= self.today.year:
            raise forms.ValidationError(
                _("Choisissez une année entre %(first)d et %(last)d.")
                % {"first": FIRST_YEAR, "last": self.today.year}
            )
        return year

    def clean(self):
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Saisissez les deux dates, ou choisissez une année."))
            if start > end:
                raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
            if start.year < FIRST_YEAR:
                raise forms.ValidationError(
                    _("Choisissez des dates à partir de %(year)d.") % {"year": FIRST_YEAR}
                )
            if start > self.today:
                raise forms.ValidationError(_("La période ne peut pas commencer après aujourd’hui."))
        elif data.get("semestre") and data.get("annee") is None:
            raise forms.ValidationError(_("Choisissez l’année du semestre."))
        if data.get("semestre") == 2 and data.get("annee") == self.today.year and self.today.month < 7:
            raise forms.ValidationError(_("Le second semestre de cette année n’a pas commencé."))
        return data

    def period(self):
        """The chosen period; the current year when nothing valid was chosen."""
        if not self.is_bound or not self.is_valid():
            return Period.of_year(self.today.year, today=self.today)
        data = self.cleaned_data
        if data.get("du"):
            return Period.between(data["du"], min(data["au"], self.today))
        if data.get("annee") is not None:
            return Period.of_year(data["annee"], data.get("semestre"), today=self.today)
        return Period.of_year(self.today.year, today=self.today)
