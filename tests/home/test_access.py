import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from home.models import SiteSettings
from moderation.roles import Role, install_roles
from tests import builders

pytestmark = pytest.mark.django_db
MARKER = "LIGNE-DIRECTE-PRO"


@pytest.fixture
def site_with_agent(db, django_user_model):
    install_roles()
    pages = builders.site()
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire", pro_content=f"<p>{MARKER}</p>")
    agent = django_user_model.objects.create_user("agent", password="Mot-de-passe-2026")
    agent.groups.add(Group.objects.get(name=str(Role.PROFESSIONALS)))
    return {**pages, "fiche": fiche, "agent": agent}


def test_professionals_log_in_on_the_public_site_and_see_professional_content(site_with_agent, client):
    url = site_with_agent["fiche"].url
    assert MARKER not in client.get(url).content.decode()
    response = client.post("/connexion/", {"username": "agent", "password": "Mot-de-passe-2026", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert MARKER in html and "Se déconnecter" in html and "Espace contributeur" not in html
    assert client.get("/admin/").status_code == 302  # no admin access for professionals


def test_a_wrong_password_gets_a_french_message_and_keeps_the_identifier(site_with_agent, client):
    html = client.post("/connexion/", {"username": "agent", "password": "faux"}).content.decode()
    assert "Identifiant ou mot de passe incorrect" in html and 'value="agent"' in html


@pytest.mark.parametrize(
    "path",
    ["/", "/recherche/?q=aide", "/themes/", "/donnees/services.json", "/api/v1/fiches", "/sitemap.xml"],
)
def test_with_public_access_off_anonymous_visitors_get_the_login_page(site_with_agent, client, path):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.public_access = False
    site_settings.save()

    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/?next=")
    assert client.get(site_with_agent["fiche"].url).status_code == 302
    assert client.get("/connexion/").status_code == 200

    client.force_login(site_with_agent["agent"])
    assert client.get(path).status_code == 200


def test_public_access_is_on_by_default(site_with_agent, client):
    assert client.get(site_with_agent["fiche"].url).status_code == 200
