"""Professional-only content never reaches anonymous visitors, wherever it could leak, and a
permission matrix of the roles, through real HTTP requests."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from fiches.models import FichePage
from moderation.roles import Role, install_roles
from tests import builders, pdf
from tests.html import has

pytestmark = pytest.mark.django_db
MARKER = "SECRET-PRO-5b7d"


@pytest.fixture
def network(db, django_user_model):
    from fiches.taxonomy import install_taxonomy

    install_roles()
    install_taxonomy()
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    structure = builders.structure(
        pages["structure_index"],
        autun,
        "CCAS d’Autun",
        pro_contacts=f"{MARKER} contacts",
        pro_notes=f"{MARKER} notes",
        slots=[(0, (9, 0), (12, 0), True)],
    )
    fiche = builders.fiche(
        pages["fiche_index"], "Aide alimentaire", places=[structure], pro_content=f"<p>{MARKER} astuce</p>"
    )
    other = builders.fiche(pages["fiche_index"], "Chèque énergie")
    users = {}
    for role, name in [
        (Role.PROFESSIONALS, "agent"),
        (Role.OWNERS, "rania"),
        (Role.MODERATORS, "marc"),
        (Role.ADMINISTRATORS, "alice"),
    ]:
        users[name] = django_user_model.objects.create_user(name, f"{name}@exemple.fr", "x")
        users[name].groups.add(Group.objects.get(name=str(role)))
    fiche.owners = [users["rania"]]
    fiche.save_revision().publish()
    return {
        **pages,
        "fiche": FichePage.objects.get(pk=fiche.pk),
        "other": other,
        "structure": structure,
        "users": users,
    }


def public_urls(network):
    from wagtail.models import Page

    fiche, structure = network["fiche"], network["structure"]
    urls = [p.url for p in Page.objects.live().specific() if p.url]
    urls += [
        "/recherche/?q=aide",
        f"/recherche/?q={MARKER}",
        "/recherche/?q=astuce&commune=Autun",
        "/themes/",
        "/publics/",
        "/mots-cles/",
        "/par-territoire/",
        "/communes/71014/",
        "/communes/autocompletion/?q=aut",
        "/liens-utiles/",
        "/structures/",
        "/donnees/services.json",
        "/donnees/structures.json",
        "/donnees/services.csv",
        "/donnees/structures.csv",
        "/api/v1/fiches",
        f"/api/v1/fiches/{fiche.pk}",
        "/api/v1/structures",
        f"/api/v1/structures/{structure.pk}",
        "/sitemap.xml",
        f"{fiche.url}?commune=Autun",
    ]
    return urls


def test_no_professional_content_reaches_an_anonymous_visitor(network):
    client = Client(HTTP_HOST="localhost")
    for url in public_urls(network):
        response = client.get(url)
        assert response.status_code == 200, url
        # The search box and the page title give back what was typed: that echo is not a leak.
        html = response.content.decode().replace(f'value="{MARKER}"', "").replace(f"« {MARKER} »", "")
        assert MARKER not in html, url
    for url in (
        f"/imprimer/fiche/{network['fiche'].pk}.pdf?pro=1",
        f"/imprimer/structure/{network['structure'].pk}.pdf?pro=1",
        f"/imprimer/fiche/{network['fiche'].pk}.pdf?commune=Autun",
    ):
        assert MARKER not in pdf.text(client.get(url).content), url
    # Searching for the secret finds nothing: professional fields are not indexed.
    assert "Aucune fiche ne correspond" in client.get(f"/recherche/?q={MARKER}").content.decode()


def test_a_professional_sees_it_and_a_cached_pdf_is_not_served_to_others(network):
    agent = Client(HTTP_HOST="localhost")
    agent.force_login(network["users"]["agent"])
    assert MARKER in agent.get(network["fiche"].url).content.decode()
    assert MARKER in agent.get(network["structure"].url).content.decode()
    assert MARKER in pdf.text(agent.get(f"/imprimer/fiche/{network['fiche'].pk}.pdf?pro=1").content)
    anonymous = Client(HTTP_HOST="localhost")
    assert MARKER not in pdf.text(anonymous.get(f"/imprimer/fiche/{network['fiche'].pk}.pdf?pro=1").content)


def http_can(client, action, network):
    fiche, other = network["fiche"], network["other"]
    if action == "view":
        return client.get(fiche.url).status_code == 200
    if action == "read_pro":
        return MARKER in client.get(fiche.url).content.decode()
    if action == "edit_own":
        return client.get(f"/admin/pages/{fiche.pk}/edit/").status_code == 200
    if action == "edit_other":
        return client.get(f"/admin/pages/{other.pk}/edit/").status_code == 200
    if action == "publish":
        return has(client.get(f"/admin/pages/{fiche.pk}/edit/"), '//*[@name="action-publish"]')
    if action == "delete":
        return client.get(f"/admin/pages/{other.pk}/delete/").status_code == 200
    if action == "assign_owners":
        return has(client.get(f"/admin/pages/{fiche.pk}/edit/"), '//*[@name="owners"]')
    if action == "manage_accounts":
        return client.get("/admin/comptes/inviter/").status_code == 200
    raise ValueError(action)


ACTIONS = [
    "view",
    "read_pro",
    "edit_own",
    "edit_other",
    "publish",
    "delete",
    "assign_owners",
    "manage_accounts",
]
MATRIX = {
    # role:          view  pro    own    other  publish delete assign accounts
    None: [True, False, False, False, False, False, False, False],
    "agent": [True, True, False, False, False, False, False, False],
    "rania": [True, True, True, False, False, False, False, False],
    "marc": [True, True, True, True, True, True, True, True],
    "alice": [True, True, True, True, True, True, True, True],
}


@pytest.mark.parametrize("who", list(MATRIX), ids=lambda w: w or "anonyme")
def test_permission_matrix(network, who):
    client = Client(HTTP_HOST="localhost")
    if who:
        client.force_login(network["users"][who])
    actual = [http_can(client, action, network) for action in ACTIONS]
    assert dict(zip(ACTIONS, actual, strict=True)) == dict(zip(ACTIONS, MATRIX[who], strict=True))
