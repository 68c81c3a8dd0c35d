"""Accounts of the network: moderators invite people and find the pages of deactivated owners.

An invitation creates an account without a usable password and sends a link, made with Django's
password-reset tokens, to choose one. Deactivating an account is done in Wagtail's users admin.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from fiches.models import FichePage
from territories.links import public_url
from territories.models import StructurePage

from .roles import Role, account_change_refusal
from .workflow import add_owner

INVITABLE_ROLES = [
    (str(Role.OWNERS), gettext_lazy("Responsable de fiche")),
    (str(Role.PROFESSIONALS), gettext_lazy("Professionnel (agent d’accueil, travailleur social)")),
    (str(Role.MODERATORS), gettext_lazy("Modérateur")),
]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Courriel"))
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    structure = forms.ModelChoiceField(
        label=gettext_lazy("Structure"),
        queryset=StructurePage.objects.live().order_by("title"),
        required=False,
        help_text=gettext_lazy(
            "Pour un responsable : il devient responsable de la fiche de cette structure."
        ),
    )
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=INVITABLE_ROLES)

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter

    def clean_role(self):
        role = self.cleaned_data["role"]
        group = Group.objects.filter(name=role).first()
        refusal = account_change_refusal(self.inviter, group_ids=[group.pk] if group else [])
        if refusal:
            raise forms.ValidationError(refusal)
        return role

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec ce courriel."))
        return email


def set_password_url(request, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return public_url(reverse(settings.MODERATION_SET_PASSWORD_URL_NAME, args=[uid, token]))


@transaction.atomic
def invite(request, data):
    user = get_user_model().objects.create_user(
        username=data["email"],
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=data["role"]))
    if data["structure"] is not None and data["role"] == str(Role.OWNERS):
        add_owner(data["structure"], user)
    link = set_password_url(request, user)
    body = render_to_string(
        "moderation/emails/invitation.txt", {"user": user, "link": link, "inviter": request.user}
    )
    # Queued in the outbox within this transaction: the account and its invitation exist together.
    send_mail(_("[Repères] Votre compte vous attend"), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return user


@login_required
@permission_required("auth.add_user", raise_exception=True)
def invite_view(request):
    form = InvitationForm(request.POST or None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        user = invite(request, form.cleaned_data)
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
        return redirect("moderation_accounts")
    return render(request, "moderation/admin/invite.html", {"form": form})


@login_required
@permission_required("auth.change_user", raise_exception=True)
def accounts_view(request):
    """Deactivated accounts that still own pages: their fiches and structures need a new owner."""
    inactive = (
        get_user_model()
        .objects.filter(is_active=False)
        .filter(Q(owned_fiches__isnull=False) | Q(owned_structures__isnull=False))
        .distinct()
        .order_by("last_name", "username")
    )
    rows = [
        (
            user,
            list(FichePage.objects.filter(owners=user).order_by("title")),
            list(StructurePage.objects.filter(owners=user).order_by("title")),
        )
        for user in inactive
    ]
    return render(request, "moderation/admin/accounts.html", {"rows": rows})


@login_required
def my_pages_view(request):
    """The fiches and structures the user owns, matching the admin search query if any."""
    query = request.GET.get("q", "").strip()[:200]
    fiches = FichePage.objects.filter(owners=request.user).order_by("title")
    structures = StructurePage.objects.filter(owners=request.user).order_by("title")
    if query:
        fiches, structures = fiches.filter(title__icontains=query), structures.filter(title__icontains=query)
    return render(
        request,
        "moderation/admin/my_pages.html",
        {"query": query, "fiches": fiches, "structures": structures},
    )
