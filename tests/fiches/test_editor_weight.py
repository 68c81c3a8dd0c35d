"""The fiche editor's weight (issue #27, item 10): its themes, ticked under their category, read
in one query, not one per theme, in compact checkbox lists; communes typed, not listed; pages
compressed. Weights on the demo, per role: `make bench-demo` (`bench fiche_editor`)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiches.models import CoverageKind, FichePage, Theme
from territories.models import Commune
from tests import builders
from tests.html import find

pytestmark = pytest.mark.django_db


def test_the_editor_reads_the_themes_and_their_categories_in_one_query(db):
    pages = builders.site()
    for c in range(4):
        category = Theme.objects.create(name=f"Catégorie {c}", slug=f"cat-{c}")
        for t in range(10):
            Theme.objects.create(name=f"Thème {c}.{t}", slug=f"theme-{c}-{t}", parent=category)
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire")
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x"))
    client.get(f"/admin/pages/{fiche.pk}/edit/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/pages/{fiche.pk}/edit/")

    assert response.status_code == 200
    group = find(response, '//fieldset[legend="Catégorie 3"]')[0]
    assert [label.text_content().strip() for label in group.xpath("label[input/@name='themes']")] == [
        "Toute la catégorie",
        *(f"Thème 3.{t}" for t in range(10)),
    ]
    theme_queries = [q["sql"] for q in queries.captured_queries if 'FROM "fiches_theme"' in q["sql"]]
    assert len(theme_queries) <= 4, len(theme_queries)  # a few reads of the field, not one per theme (44)


def _new_fiche_form(ticked=None, **values):
    """The add form's data; `ticked`: {field: [values]} of checkbox lists."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    return (ticked or {}) | nested_form_data(
        {
            "title": "Aide au loyer",
            "slug": "aide-au-loyer",
            "summary": "Une aide des communes.",
            "body": streamfield([]),
            "coverage_kind": "communes",
            "last_verified": "2026-11-01",
            "review_interval": "6",
            "pro_content": rich_text(""),
            **{f: inline_formset([]) for f in ("carriers", "places", "links", "attachments", "comments")},
            **values,
        }
    )


@pytest.fixture
def editor(db):
    pages = builders.site()
    for data in (builders.AUTUN, builders.LE_CREUSOT, builders.MACON, builders.CHAROLLES):
        builders.commune(data)
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x"))
    return client, pages


def test_the_covered_communes_are_typed_not_listed_in_full(editor):
    """The editor no longer writes every commune of the département into the page: a commune
    the fiche does not cover is nowhere in it, those it covers read "Name (postal code)"."""
    client, pages = editor
    fiche = builders.fiche(
        pages["fiche_index"],
        "Aide au loyer",
        coverage=CoverageKind.COMMUNES,
        coverage_communes=[Commune.objects.get(name="Autun")],
    )

    html = client.get(f"/admin/pages/{fiche.pk}/edit/").content.decode()

    assert "Autun (71400)" in html
    assert "Charolles" not in html and "Mâcon" not in html


def test_communes_typed_by_name_postal_code_or_insee_code_are_saved(editor):
    client, pages = editor
    response = client.post(
        f"/admin/pages/add/fiches/fichepage/{pages['fiche_index'].pk}/",
        _new_fiche_form(coverage_communes="autun\n71000\n\n71106 ; Le Creusot (71200)"),
    )

    assert response.status_code == 302, response.content.decode()[:500]
    fiche = FichePage.objects.get(slug="aide-au-loyer")
    saved = fiche.get_latest_revision_as_object().coverage_communes.all()
    assert sorted(c.name for c in saved) == ["Autun", "Charolles", "Le Creusot", "Mâcon"]


def test_an_unknown_commune_is_named_in_french_and_the_text_is_kept(editor):
    client, pages = editor
    typed = "Autun\nSaint-Nulle-Part\n99999"
    response = client.post(
        f"/admin/pages/add/fiches/fichepage/{pages['fiche_index'].pk}/",
        _new_fiche_form(coverage_communes=typed),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Commune introuvable ou ambiguë : « Saint-Nulle-Part », « 99999 »" in html
    assert "Autun\nSaint-Nulle-Part\n99999</textarea>" in html
    assert not FichePage.objects.filter(slug="aide-au-loyer").exists()


def test_pages_reach_the_browser_compressed(editor):
    """Django's GZipMiddleware: the editor's markup travels compressed to a browser that asks."""
    import gzip

    client, pages = editor
    fiche = builders.fiche(pages["fiche_index"], "Aide au loyer")
    plain = client.get(f"/admin/pages/{fiche.pk}/edit/")
    packed = client.get(f"/admin/pages/{fiche.pk}/edit/", HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert len(packed.content) * 4 < len(plain.content)
    assert b"Aide au loyer" in gzip.decompress(packed.content)


def test_ticked_themes_are_saved_and_shown_ticked_again(editor):
    client, pages = editor
    category = Theme.objects.create(name="Logement", slug="logement")
    theme = Theme.objects.create(name="Payer son loyer", slug="loyer", parent=category)
    other = Theme.objects.create(name="Trouver un logement", slug="trouver", parent=category)

    response = client.post(
        f"/admin/pages/add/fiches/fichepage/{pages['fiche_index'].pk}/",
        _new_fiche_form({"themes": [str(category.pk), str(theme.pk)]}),
    )

    assert response.status_code == 302, response.content.decode()[:500]
    fiche = FichePage.objects.get(slug="aide-au-loyer")
    assert set(fiche.get_latest_revision_as_object().themes.all()) == {category, theme}
    editor = client.get(f"/admin/pages/{fiche.pk}/edit/")
    assert find(editor, f'//input[@name="themes"][@value="{theme.pk}"]/@checked')
    assert not find(editor, f'//input[@name="themes"][@value="{other.pk}"]/@checked')


def test_a_form_sent_back_with_an_error_keeps_the_ticked_boxes(editor):
    client, pages = editor
    theme = Theme.objects.create(name="Logement", slug="logement")

    response = client.post(
        f"/admin/pages/add/fiches/fichepage/{pages['fiche_index'].pk}/",
        _new_fiche_form({"themes": [str(theme.pk)], "place_kinds": ["ccas"]}, title=""),
    )

    assert response.status_code == 200
    assert find(response, f'//input[@name="themes"][@value="{theme.pk}"]/@checked')
    assert find(response, '//input[@name="place_kinds"][@value="ccas"]/@checked')
    assert not find(response, '//input[@name="place_kinds"][@value="mds"]/@checked')


def test_the_owned_pages_editor_keeps_the_search_engine_fields_but_not_the_menus_checkbox(editor):
    """No menu of the site is built from pages: "afficher dans les menus" had no effect."""
    client, pages = editor
    fiche = builders.fiche(pages["fiche_index"], "Aide au loyer")

    editor_page = client.get(f"/admin/pages/{fiche.pk}/edit/")

    assert [
        find(editor_page, f'//*[@name="{name}"]') != []
        for name in ("slug", "seo_title", "search_description")
    ] == [
        True,
        True,
        True,
    ]
    assert not find(editor_page, '//*[@name="show_in_menus"]')


def test_a_useful_links_themes_are_ticked_under_their_category_too(editor):
    """The same themes, the same list, in the useful links' editor (one form rule,
    `fiches.forms.ThemesUnderCategories`): 147 queries there before, one per theme."""
    from django.urls import reverse

    from fiches.models import UsefulLink

    client, _pages = editor
    for c in range(4):
        category = Theme.objects.create(name=f"Catégorie {c}", slug=f"cat-{c}")
        for t in range(10):
            Theme.objects.create(name=f"Thème {c}.{t}", slug=f"theme-{c}-{t}", parent=category)
    link = UsefulLink.objects.create(
        title="Service-public.fr", url="https://www.service-public.fr/", category="droits"
    )
    link.themes.set([Theme.objects.get(slug="theme-2-3")])
    url = reverse("wagtailsnippets_fiches_usefullink:edit", args=[link.pk])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    group = find(response, '//fieldset[legend="Catégorie 2"]')[0]
    assert group.xpath("label[normalize-space(.)='Thème 2.3']/input/@checked")
    theme_queries = [q for q in queries.captured_queries if 'FROM "fiches_theme"' in q["sql"]]
    assert len(theme_queries) <= 4, len(theme_queries)
