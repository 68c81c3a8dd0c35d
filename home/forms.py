from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class AdminLoginForm(LoginForm):
    """Wagtail's login form, its password field labelled: Wagtail gives it none, so Django
    labels it from the field's name, in English ("Password")."""

    password = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"placeholder": _("Saisissez votre mot de passe")}),
        strip=False,
    )
