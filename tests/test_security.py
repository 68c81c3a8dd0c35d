"""Abuse and headers: sign-in throttling (django-axes), Content-Security-Policy, HTTPS settings
for production, and private caching of what only professionals see."""

import pytest
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db

LOGIN_URLS = ["/connexion/", "/admin/login/"]
PASSWORD = "Un-mot-de-passe-solide-42"  # noqa: S105 — a test account's


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_superuser("camille", "camille@exemple.fr", PASSWORD)


def sign_in(client, url, password, **extra):
    return client.post(url, {"username": "camille", "password": password}, **extra)


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_in_french(
    client, account, settings, url
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, url, "mauvais").status_code == 200  # the form again, with its error
    assert sign_in(client, url, "mauvais").status_code == 429  # the last one allowed

    response = sign_in(client, url, PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Connexion suspendue" in html
    assert "après 5 mots de passe incorrects, la connexion à ce compte depuis votre poste" in html
    assert "Réessayez dans 15 minutes, même avec le bon mot de passe." in html
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_the_suspension_holds_for_one_account_from_one_address_only(client, account, settings, url):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, url, "mauvais")
    assert sign_in(client, url, PASSWORD).status_code == 429

    from django.test import Client

    elsewhere = Client(HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.20")
    assert sign_in(elsewhere, url, PASSWORD).status_code == 302
    assert elsewhere.session[SESSION_KEY] == str(account.pk)


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_a_successful_sign_in_clears_the_count_of_wrong_passwords(client, account, settings, url):
    for _round in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, url, "mauvais").status_code == 200
        assert sign_in(client, url, PASSWORD).status_code == 302
        client.logout()


def test_behind_a_trusted_proxy_the_suspension_follows_the_forwarded_address(client, account, settings):
    settings.REPERES_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/connexion/", "mauvais", **proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = sign_in(client, "/connexion/", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    # Another person behind the same proxy is not suspended.
    assert (
        sign_in(client, "/connexion/", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code
        == 302
    )


def test_the_test_client_still_signs_in_with_throttling_on(client, account, settings):
    assert settings.AXES_ENABLED is not False
    assert client.login(username="camille", password=PASSWORD)
    assert not client.login(username="camille", password="mauvais")


# --- Content-Security-Policy --------------------------------------------------------------------


@pytest.fixture
def pages(db, django_user_model):
    from django.contrib.auth.models import Group

    from moderation.roles import Role, install_roles
    from tests import builders

    install_roles()
    tree = builders.site()
    structure = builders.structure(tree["structure_index"], builders.commune(builders.AUTUN), "CCAS d’Autun")
    fiche = builders.fiche(tree["fiche_index"], "Aide alimentaire", places=[structure])
    agent = django_user_model.objects.create_user("agent", "agent@exemple.fr", "x")
    agent.groups.add(Group.objects.get(name=str(Role.PROFESSIONALS)))
    return {**tree, "fiche": fiche, "structure": structure, "agent": agent}


def policy(response):
    """{directive: [sources]} of the response's Content-Security-Policy."""
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def public_html_urls(pages):
    return [
        "/",
        pages["fiche"].url,
        pages["structure"].url,
        "/recherche/?q=aide",
        "/recherche/?q=aide&commune=Autun",
        "/communes/71014/",
        "/structures/",
        "/themes/",
        f"/signaler/{pages['fiche'].pk}/",
        "/connexion/",
        "/selection/",
        "/page-qui-n-existe-pas/",
    ]


def test_public_pages_allow_scripts_and_styles_from_the_site_only(client, pages, settings):
    import re

    settings.TERRITORIES_MAP_TILE_URL = ""
    for url in public_html_urls(pages):
        response = client.get(url)
        csp = policy(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"] and csp["img-src"] == ["'self'", "data:"], url
        html = response.content.decode()
        # Nothing in the page would need 'unsafe-inline': no inline script (data blocks, JSON and
        # JSON-LD, are not run), no event handler attribute, no style attribute or element.
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script or re.search(r'type="application/(ld\+)?json"', script), (url, script)
        assert not re.search(r"\son[a-z]+\s*=", html.split("<body", 1)[1]), url
        assert not re.search(r"\sstyle\s*=|<style\b", html), url


def test_as_a_signed_in_editor_public_pages_keep_the_same_policy(client, pages, django_user_model):
    import re

    client.force_login(django_user_model.objects.create_superuser("alice", "alice@exemple.fr", "x"))
    response = client.get(pages["fiche"].url)
    assert policy(response)["script-src"] == ["'self'"]
    html = response.content.decode()  # with Wagtail's user bar
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or re.search(r'type="application/(ld\+)?json"', script), script


def test_the_map_tile_server_is_allowed_for_images_when_there_is_one(client, pages, settings):
    settings.TERRITORIES_MAP_TILE_URL = "https://{s}.tuiles.exemple.fr/{z}/{x}/{y}.png"
    assert policy(client.get("/communes/71014/"))["img-src"] == [
        "'self'",
        "data:",
        "https://*.tuiles.exemple.fr",
    ]
    settings.TERRITORIES_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "https://tile.openstreetmap.org" in policy(client.get("/structures/"))["img-src"]


def test_only_the_admin_allows_inline_scripts_which_wagtail_still_writes(client, pages, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("alice", "alice@exemple.fr", "x"))
    response = client.get(f"/admin/pages/{pages['fiche'].pk}/edit/")
    assert response.status_code == 200
    csp = policy(response)
    assert "'unsafe-inline'" in csp["script-src"] and "'unsafe-inline'" in csp["style-src"]
    assert "'unsafe-inline'" not in policy(client.get(pages["fiche"].url))["script-src"]


# --- Professional-only content is never kept by a shared cache ------------------------------------


def test_what_a_professional_is_shown_is_marked_private(client, pages):
    client.force_login(pages["agent"])
    for url in (
        pages["fiche"].url,
        pages["structure"].url,
        "/recherche/?q=aide",
        f"/imprimer/fiche/{pages['fiche'].pk}.pdf?pro=1",
        f"/imprimer/structure/{pages['structure'].pk}.pdf?pro=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.get("Cache-Control", ""), url
        assert "public" not in response.get("Cache-Control", ""), url


def test_anonymous_pages_are_not_marked_private(client, pages):
    response = client.get(pages["fiche"].url)
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


# --- Production settings -------------------------------------------------------------------------


def documented_production_environment():
    """The variables of the sh block in README.md's "HTTPS, proxies and security headers"."""
    import re
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("### HTTPS, proxies and security headers", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return dict(re.fullmatch(r"([A-Z_]+)=(\S+)", line).groups() for line in lines if line)


def deploy_check(variables):
    """`manage.py check --deploy` in a fresh process with only these variables (and a real secret)."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # the documentation says "…"
        **{k: v for k, v in variables.items() if k != "DJANGO_SECRET_KEY"},
    }
    return subprocess.run(  # noqa: S603 — our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_documented_production_environment_passes_the_deployment_checks():
    documented = documented_production_environment()
    assert documented["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SECURE_HSTS_SECONDS"} <= set(documented)
    result = deploy_check(documented)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_without_its_https_variables_production_fails_the_deployment_checks():
    """The check above can fail: HSTS off and no redirect are reported."""
    result = deploy_check(
        {
            **documented_production_environment(),
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
        }
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def sample_environment_file():
    """{name: value} of deploy/reperes.env.example (comments and blank lines left out)."""
    import re
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "deploy" / "reperes.env.example").read_text()
    found = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = re.fullmatch(r"([A-Z_0-9]+)=(.*)", line).groups()
            found[name] = value[1:-1] if value[:1] == value[-1:] == '"' else value
    return found


def test_the_sample_environment_file_passes_the_deployment_checks():
    sample = sample_environment_file()
    assert sample["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
    result = deploy_check(sample)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_every_variable_the_settings_read_is_in_the_readme_table_and_the_sample_file():
    import re
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    read = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    for source in ["cms/settings/base.py", "cms/settings/production.py", "gunicorn.conf.py"]:
        read |= set(
            re.findall(r"os\.environ(?:\.get)?[\[(]\s*[\"']([A-Z_0-9]+)[\"']", (base / source).read_text())
        )
    read.add("DATA_INCLUSION_API_TOKEN")  # read by import_datainclusion --api
    assert {"DJANGO_SECRET_KEY", "REDIS_URL", "PORT", "REPERES_TILE_URL", "SENTRY_DSN"} <= read

    readme = (base / "README.md").read_text()
    table = readme.split("### Every variable", 1)[1].split("\n### ", 1)[0]
    in_table = set(re.findall(r"^\| `([A-Z_0-9]+)` \|", table, re.MULTILINE))
    sample = (base / "deploy" / "reperes.env.example").read_text()
    in_sample = set(re.findall(r"^#?([A-Z_0-9]+)=", sample, re.MULTILINE))
    assert read - in_table == set(), "missing from README's table"
    assert read - in_sample == set(), "missing from deploy/reperes.env.example"
