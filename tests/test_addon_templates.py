"""fiches, territories and moderation install into another Wagtail site: their pages extend the
base template named by REPERES_BASE_TEMPLATE and include only partials they carry."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests import builders

ADDONS = ("fiches", "territories", "moderation")
OTHER_BASE = (
    "<!DOCTYPE html><html lang='fr'><head><title>{% block title %}{% endblock %}</title>"
    "{% block extra_head %}{% endblock %}</head><body class='{% block body_class %}{% endblock %}'>"
    "<p>Gabarit d’un autre site</p>{% block content %}{% endblock %}</body></html>"
)


def _templates(app):
    return sorted((Path(django_settings.BASE_DIR) / app / "templates").rglob("*.html"))


def test_the_addons_templates_name_no_base_or_partial_of_the_project():
    """No literal "base.html" (the site's base is a setting) and no include outside the app's own
    templates or those of an app it depends on (fiches on territories, moderation on both)."""
    allowed = {
        "fiches": ("territories/",),
        "territories": (),
        "moderation": ("fiches/", "territories/"),
    }
    for app in ADDONS:
        for path in _templates(app):
            text = path.read_text()
            assert '{% extends "base.html" %}' not in text, path
            for name in re.findall(r'{% include "([^"]+)"', text):
                if name.startswith(("wagtailadmin/", "wagtail")):
                    continue
                assert name.startswith((f"{app}/", *allowed[app])), (path, name)


@pytest.mark.django_db
def test_the_addons_pages_extend_the_base_template_named_by_the_setting(client, settings, tmp_path):
    (tmp_path / "autre_site.html").write_text(OTHER_BASE)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    settings.REPERES_BASE_TEMPLATE = "autre_site.html"
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    ccas = builders.structure(pages["structure_index"], autun, "CCAS d’Autun")
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire", places=[ccas])

    for url in (
        fiche.url,
        ccas.url,
        "/recherche/?q=aide",
        f"/communes/{autun.insee_code}/",
        f"/signaler/{fiche.pk}/",
    ):
        html = client.get(url).content.decode()
        assert "Gabarit d’un autre site" in html, url
        assert "Premier accueil social" not in html, url  # the project's header is not there
    # The project's own pages keep the project's base.
    assert "Premier accueil social" in client.get("/").content.decode()
