"""French everywhere (issue #27, item 4): the project's catalogue (locale/fr, corrections of
Wagtail's French) is complete and compiled; the admin's words a new user met in English or
misspelt read in French; the project's own strings proofread."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fiches.models import Synonym, Theme
from moderation.forms import ErrorReportForm
from tests import builders
from tests.html import document

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES"
MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="msgfmt absent (paquet Debian « gettext »)")
def test_the_catalogue_has_no_untranslated_or_fuzzy_entry_and_its_mo_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", str(compiled), str(CATALOGUE / "django.po")],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\d+ translated messages?\.$", result.stderr.strip().splitlines()[-1]), result.stderr
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), (
        "django.mo périmé : msgfmt -o locale/fr/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.po"
    )


@pytest.fixture
def admin_client(client, db):
    call_command("install_reperes", verbosity=0)
    builders.site()
    user = get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x")
    client.force_login(user)
    return client


def visible_text(response):
    html = re.sub(
        r"<script.*?</script>|<style.*?</style>|<svg.*?</svg>", "", response.content.decode(), flags=re.S
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_admin_login_labels_its_password_field_in_french(client, db):
    text = visible_text(client.get("/admin/login/"))
    assert "Mot de passe" in text and "Password" not in text


def test_the_admin_explorer_and_dashboard_read_in_french(admin_client):
    explorer = visible_text(admin_client.get("/admin/pages/"))
    assert "Root" not in explorer and "Racine" in explorer
    dashboard = visible_text(admin_client.get("/admin/"))
    assert "crées" not in dashboard
    assert "créée dans" in dashboard or "créées dans" in dashboard


def test_the_report_forms_email_help_is_proofread_and_linked_to_its_field(db):
    form = ErrorReportForm()
    help_text = str(form.fields["reporter_email"].help_text)
    assert help_text.startswith("Il sert uniquement")  # "courriel" is masculine
    assert 'aria-describedby="id_reporter_email_helptext"' in str(form["reporter_email"])
    report_form = (
        Path(__file__).resolve().parents[1] / "moderation/templates/moderation/report_form.html"
    ).read_text()
    assert 'id="{{ field.auto_id }}_helptext"' in report_form  # the id the widget points to
    assert "d’un astérisque" in report_form


def test_counts_of_one_fiche_are_singular(client, db):
    pages = builders.site()
    builders.commune(builders.AUTUN)
    theme = Theme.objects.create(name="Alimentation", slug="alimentation")
    builders.fiche(pages["fiche_index"], "Colis alimentaire", themes=[theme])
    html = client.get("/recherche/", {"q": "colis"}).content.decode()
    assert "1 fiches" not in re.sub(r"<[^>]+>", "", html)
    assert 'Alimentation <span class="count">(1<span class="visually-hidden"> fiche</span>)' in html


def test_the_fiche_editors_add_buttons_name_what_they_add(admin_client):
    pages = builders.site()
    page = builders.fiche(pages["fiche_index"], "Colis alimentaire")
    buttons = [
        " ".join(button.text_content().split())
        for button in document(admin_client.get(f"/admin/pages/{page.pk}/edit/")).xpath(
            '//button[contains(@class, "chooser__choose-button") and (contains(@id, "-ADD") or contains(@id, "-OPEN_MODAL"))]'
        )
    ]
    assert buttons == [
        "Ajouter : structure porteuse",
        "Ajouter : lieu nommé",
        "Ajouter : lien",
        "Ajouter : pièce jointe",
    ]


def test_the_structure_editors_location_map_speaks_french(admin_client):
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    structure = builders.structure(pages["structure_index"], autun, "CCAS d’Autun")
    page = document(admin_client.get(f"/admin/pages/{structure.pk}/edit/"))
    options = json.loads(page.xpath('//input[@name="location"]/@data-leaflet-field-options-value')[0])
    assert options["translations"]["enter_location"] == "Latitude,longitude"
    assert options["translations"]["error_message_invalid_location"].startswith("Position non valide")
    words = json.loads(page.xpath('//script[contains(@src, "leaflet-words.js")]/@data-words')[0])
    assert words == {
        "zoomIn": "Zoom avant",
        "zoomOut": "Zoom arrière",
        "leafletTitle": "Une bibliothèque JavaScript pour les cartes interactives",
    }


def test_yes_no_columns_read_in_french(admin_client):
    # install_reperes (the fixture) installs synonyms both ways and one way.
    assert (
        Synonym.objects.filter(both_ways=True).exists() and Synonym.objects.filter(both_ways=False).exists()
    )
    synonyms = visible_text(admin_client.get("/admin/snippets/fiches/synonym/"))
    assert "Dans les deux sens" in synonyms and "Both ways" not in synonyms
    assert " oui " in synonyms and " non " in synonyms
    assert "True" not in synonyms and "False" not in synonyms
    users = visible_text(admin_client.get("/admin/users/"))
    assert " oui " in users and "True" not in users


def test_the_account_page_offers_no_time_zone_but_the_departements(admin_client, settings):
    page = document(admin_client.get("/admin/account/"))
    assert not page.xpath('//select[contains(@name, "time_zone")]')
    assert settings.WAGTAIL_USER_TIME_ZONES == [settings.TIME_ZONE]


def test_page_types_and_settings_have_their_plural_written():
    """Django makes a plural by adding "s" to the whole name: "page d’accueils", "index des
    fichess" in Wagtail's lists and reports. Every name of several words states its plural."""
    from django.apps import apps
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.models import Page

    shown = [
        model
        for app in ("home", "fiches", "territories", "moderation")
        for model in apps.get_app_config(app).get_models()
        if issubclass(model, (Page, BaseSiteSetting)) or hasattr(model, "panels")
    ]
    assert len(shown) > 10
    missing = [
        model._meta.label
        for model in shown
        if " " in str(model._meta.verbose_name) and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert missing == []
