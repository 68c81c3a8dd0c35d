import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from moderation.roles import Role
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db


def logged(user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_a_moderator_invites_an_owner_who_sets_a_password_and_signs_in(
    network, django_capture_on_commit_callbacks, settings
):
    # The link uses the site's public address, not the host the moderator came through.
    settings.REPERES_PUBLIC_URL = "https://reperes.exemple.fr"
    moderator = logged(network["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(
            "/admin/comptes/inviter/",
            {
                "email": "Lea@Exemple.fr",
                "first_name": "Léa",
                "last_name": "Martin",
                "structure": network["structure"].pk,
                "role": str(Role.OWNERS),
            },
        )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="lea@exemple.fr")
    assert not user.has_usable_password() and user.groups.filter(name=str(Role.OWNERS)).exists()
    from territories.models import StructurePage

    assert user in StructurePage.objects.get(pk=network["structure"].pk).owners.all()

    (invitation,) = sent_mail()
    assert invitation.to == ["lea@exemple.fr"]
    link = re.search(r"https://reperes\.exemple\.fr(/mot-de-passe/\S+/)", invitation.body).group(1)
    anonymous = Client(HTTP_HOST="localhost")
    form_url = anonymous.get(link, follow=True).redirect_chain[-1][0]
    done = anonymous.post(
        form_url, {"new_password1": "Un-mot-de-passe-solide-42", "new_password2": "Un-mot-de-passe-solide-42"}
    )
    assert done.status_code == 302
    assert anonymous.login(username="lea@exemple.fr", password="Un-mot-de-passe-solide-42")
    assert anonymous.get(f"/admin/pages/{network['structure'].pk}/edit/").status_code == 200


def test_an_existing_email_is_refused_with_a_french_message(network):
    html = (
        logged(network["moderator"])
        .post(
            "/admin/comptes/inviter/",
            {"email": "rania@exemple.fr", "first_name": "R", "last_name": "B", "role": str(Role.OWNERS)},
        )
        .content.decode()
    )
    assert "Un compte existe déjà avec ce courriel." in html


def test_owners_cannot_invite(network):
    response = logged(network["owner"]).get("/admin/comptes/inviter/")
    assert response.status_code in (302, 403) and "Inviter une personne" not in response.content.decode()


def test_deactivated_owners_are_listed_with_their_pages_to_reassign(network):
    owner = network["owner"]
    owner.is_active = False
    owner.save()
    html = logged(network["moderator"]).get("/admin/comptes/").content.decode()
    assert "rania@exemple.fr" in html and "Aide alimentaire" in html
    assert "paul@exemple.fr" not in html  # still active
