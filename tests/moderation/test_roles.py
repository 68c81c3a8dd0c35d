"""What each role may do with accounts and structures, through the admin as people use it."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageLogEntry

from fiches.models import FichePage
from moderation.roles import Role
from territories.models import StructurePage
from tests import builders

pytestmark = pytest.mark.django_db


def logged(user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


@pytest.fixture
def accounts(network, django_user_model):
    administrator = django_user_model.objects.create_user("alice", "alice@exemple.fr", "x")
    administrator.groups.add(Group.objects.get(name=str(Role.ADMINISTRATORS)))
    return {**network, "administrator": administrator}


def user_form(user, **values):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name or "Prénom",
        "last_name": user.last_name or "Nom",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(values)
    return data


def test_a_moderator_manages_a_contributors_account(accounts):
    owner = accounts["owner"]
    response = logged(accounts["moderator"]).post(
        f"/admin/users/edit/{owner.pk}/", user_form(owner, email="rania.b@exemple.fr")
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "rania.b@exemple.fr"


def test_a_moderator_cannot_make_a_superuser_nor_grant_a_privileged_role(accounts):
    owner, moderator = accounts["owner"], logged(accounts["moderator"])
    admin_group = Group.objects.get(name=str(Role.ADMINISTRATORS))
    response = moderator.post(f"/admin/users/edit/{owner.pk}/", user_form(owner, is_superuser="on"))
    assert response.status_code == 403
    assert "Seul un administrateur" in response.content.decode()
    response = moderator.post(f"/admin/users/edit/{owner.pk}/", user_form(owner, groups=[admin_group.pk]))
    assert response.status_code == 403
    owner.refresh_from_db()
    assert not owner.is_superuser and not owner.groups.filter(pk=admin_group.pk).exists()

    new = {
        "username": "mallory",
        "email": "mallory@exemple.fr",
        "first_name": "Mal",
        "last_name": "Lory",
        "password1": "Un-mot-de-passe-2026",
        "password2": "Un-mot-de-passe-2026",
        "is_superuser": "on",
    }
    assert moderator.post("/admin/users/new/", new).status_code == 403
    moderators_group = Group.objects.get(name=str(Role.MODERATORS))
    assert (
        moderator.post(
            "/admin/users/new/", {**new, "is_superuser": "", "groups": [moderators_group.pk]}
        ).status_code
        == 403
    )
    assert not type(owner).objects.filter(username="mallory").exists()


def test_a_moderator_cannot_change_an_administrators_password_or_e_mail(accounts):
    administrator = accounts["administrator"]
    moderator = logged(accounts["moderator"])
    assert moderator.get(f"/admin/users/edit/{administrator.pk}/").status_code == 403
    response = moderator.post(
        f"/admin/users/edit/{administrator.pk}/",
        user_form(
            administrator, email="pirate@exemple.fr", password1="Pirate-2026-x", password2="Pirate-2026-x"
        ),
    )
    assert response.status_code == 403
    administrator.refresh_from_db()
    assert administrator.email == "alice@exemple.fr" and administrator.check_password("x")


def test_a_moderator_cannot_assign_the_administrator_role_in_bulk(accounts):
    owner = accounts["owner"]
    admin_group = Group.objects.get(name=str(Role.ADMINISTRATORS))
    response = logged(accounts["moderator"]).post(
        f"/admin/bulk/auth/user/assign_role/?next=/admin/users/&id={owner.pk}",
        {"role": admin_group.pk},
    )
    assert response.status_code == 403
    assert not owner.groups.filter(pk=admin_group.pk).exists()


def test_an_administrator_grants_the_moderator_role(accounts):
    owner = accounts["owner"]
    moderators_group = Group.objects.get(name=str(Role.MODERATORS))
    response = logged(accounts["administrator"]).post(
        f"/admin/users/edit/{owner.pk}/", user_form(owner, groups=[moderators_group.pk])
    )
    assert response.status_code == 302
    assert owner.groups.filter(pk=moderators_group.pk).exists()


def test_only_administrators_invite_a_moderator(accounts):
    invitation = {
        "email": "nouveau@exemple.fr",
        "first_name": "Nora",
        "last_name": "Vel",
        "role": str(Role.MODERATORS),
    }
    response = logged(accounts["moderator"]).post("/admin/comptes/inviter/", invitation)
    assert response.status_code == 200
    assert "Seul un administrateur" in response.content.decode()
    assert response.context["form"]["email"].value() == "nouveau@exemple.fr"  # nothing typed is lost
    assert logged(accounts["administrator"]).post("/admin/comptes/inviter/", invitation).status_code == 302


def test_owners_create_only_fiches_and_structures_under_their_index(network):
    owner = logged(network["owner"])
    home, fiche_index = network["home"], network["fiche_index"]
    assert owner.get(f"/admin/pages/add/fiches/fichepage/{fiche_index.pk}/").status_code == 200
    for url in (
        f"/admin/pages/add/fiches/ficheindexpage/{home.pk}/",
        f"/admin/pages/add/home/standardpage/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{network['departement'].pk}/edit/",
        f"/admin/pages/{fiche_index.pk}/edit/",
    ):
        assert owner.get(url).status_code == 302, url  # back to the dashboard, with Wagtail's message


def test_a_structure_s_owner_adds_its_permanences_and_nobody_else_does(network):
    url = f"/admin/pages/add/territories/structurepage/{network['structure'].pk}/"
    assert logged(network["other"]).get(url).status_code == 200  # the CCAS's owner
    assert logged(network["owner"]).get(url).status_code == 302  # another structure's owner
    assert logged(network["moderator"]).get(url).status_code == 200


def test_an_owner_reopens_their_fiche_after_saving_a_draft(network):
    """The editor works on a page rebuilt from its latest revision: ownership is read from the
    database, never from that page's in-memory relation."""
    fiche = FichePage.objects.get(pk=network["fiche"].pk)
    fiche.title = "Aide alimentaire (brouillon)"
    fiche.owners = []  # a draft whose relation differs from what was approved
    fiche.save_revision(user=network["owner"])
    owner = logged(network["owner"])
    for url in (
        f"/admin/pages/{fiche.pk}/edit/",
        f"/admin/pages/{fiche.pk}/view_draft/",
        f"/admin/pages/{fiche.pk}/revisions/compare/live...latest/",
        f"/admin/pages/{fiche.pk}/history/",
    ):
        assert owner.get(url).status_code == 200, url
    assert logged(network["other"]).get(f"/admin/pages/{fiche.pk}/view_draft/").status_code == 302


def test_deleting_a_structure_names_its_fiches_and_records_it_in_their_history(network):
    structure = network["structure"]
    fiche = builders.fiche(network["fiche_index"], "Épicerie sociale", places=[structure])
    moderator = logged(network["moderator"])
    assert logged(network["other"]).post(f"/admin/pages/{structure.pk}/delete/").status_code == 302
    assert StructurePage.objects.filter(pk=structure.pk).exists()  # its owner cannot delete it

    response = moderator.get(f"/admin/pages/{structure.pk}/delete/")
    assert "« Épicerie sociale »" in response.content.decode()
    moderator.post(f"/admin/pages/{structure.pk}/delete/")
    assert not StructurePage.objects.filter(pk=structure.pk).exists()
    entry = PageLogEntry.objects.get(page=fiche, action="fiches.place_removed")
    assert entry.user == network["moderator"]
    assert "CCAS d’Autun" in entry.message
    assert not FichePage.objects.get(pk=fiche.pk).places.exists()
