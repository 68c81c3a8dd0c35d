"""A professional who forgot their password (issue #27, item 8): the site's login page leads to
Wagtail's own password reset, the link arrives by e-mail through Django's mail framework (the
outbox, tests/mail.py), and the last page leads back to the site's login, which the new
password opens."""

import re

import pytest
from django.contrib.auth import get_user_model

from moderation.roles import Role, install_roles
from tests import builders
from tests.html import has
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(db):
    groups = install_roles()
    builders.site()
    user = get_user_model().objects.create_user("agent", "agent@exemple.fr", "Ancien-mot-2026")
    user.groups.add(groups[str(Role.PROFESSIONALS)])
    return user


def test_the_login_page_offers_the_password_reset(client, agent):
    html = client.get("/connexion/").content.decode()
    assert '<a href="/admin/password_reset/">Mot de passe oublié ?</a>' in html


def test_a_professional_resets_a_forgotten_password_and_signs_in_on_the_site(client, agent):
    response = client.post("/admin/password_reset/", {"email": "agent@exemple.fr"})
    assert response.status_code == 302

    (message,) = [m for m in sent_mail() if "agent@exemple.fr" in m.to]
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url, {"new_password1": "Nouveau-mot-2026!", "new_password2": "Nouveau-mot-2026!"}, follow=True
    )
    html = done.content.decode()
    assert "Mot de passe modifié" in html
    assert has(html, '//a[@href="/connexion/"]')  # not only the admin's login, closed to professionals

    client.logout()
    signed_in = client.post("/connexion/", {"username": "agent", "password": "Nouveau-mot-2026!"})
    assert signed_in.status_code == 302
    assert client.get("/connexion/").wsgi_request.user.is_authenticated
