"""The footer and the legal pages a new user looks for (issue #27, item 7)."""

import re

import pytest
from wagtail.models import Site

from home.models import SiteSettings
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_with_contact(db):
    builders.site()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.contact_email = "animation@exemple.fr"
    settings.save()
    return settings


def footer(html):
    return html[html.index('<footer class="site-footer"') :]


def test_every_page_footer_links_the_legal_pages_open_data_and_the_network_contact(client, site_with_contact):
    html = footer(client.get("/recherche/").content.decode())

    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', html))
    assert links["Données ouvertes"] == "/donnees/"
    assert links["Mentions légales"] == "/mentions-legales/"
    assert links["Accessibilité : non conforme"] == "/accessibilite/"
    assert links["Données personnelles"] == "/donnees-personnelles/"
    assert links["animation@exemple.fr"] == "mailto:animation@exemple.fr"


def test_without_a_contact_email_the_footer_shows_no_empty_link(client, db):
    builders.site()
    html = footer(client.get("/recherche/").content.decode())
    assert "mailto:" not in html and "Animation du réseau" not in html


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/mentions-legales/", ["Éditeur", "Hébergement", "Cookies", "mailto:animation@exemple.fr"]),
        (
            "/accessibilite/",
            [
                "non conforme",
                "RGAA",
                "axe-core",
                "Signaler un défaut",
                "Défenseur des droits",
                "mailto:animation@exemple.fr",
            ],
        ),
        (
            "/donnees-personnelles/",
            ["Comptes du réseau", "effacés", "vos droits", "mailto:animation@exemple.fr"],
        ),
    ],
)
def test_each_legal_page_says_what_it_must(client, site_with_contact, path, says):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for text in says:
        assert text in html, (path, text)
