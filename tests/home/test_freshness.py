"""Pages, served by Wagtail's own routing and site lookup, show every change at once: addresses,
site roots, the header's sections, view restrictions, a fiche's places, a draft's preview."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from fiches.models import FichePlace
from home.models import SiteSettings
from tests import builders

pytestmark = pytest.mark.django_db


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def site(db):
    pages = builders.site()
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # as setup_site leaves it
    return pages


def _served(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def _not_served(client, url, now_at=None):
    """Not found there, or redirected (Wagtail's automatic redirects) to where it is now."""
    response = client.get(url)
    if response.status_code == 301:
        return now_at is not None and response["Location"].endswith(now_at)
    return response.status_code == 404


def test_a_renamed_or_moved_fiche_is_never_served_at_its_old_address(site, client):
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire")
    old_url = fiche.url
    assert _served(client, old_url)[0] == 200

    fiche.slug = "colis-alimentaires"
    fiche.save_revision().publish()
    assert _not_served(client, old_url, now_at="/fiches/colis-alimentaires/")
    assert _served(client, "/fiches/colis-alimentaires/")[0] == 200

    fiche.refresh_from_db()
    fiche.move(site["structure_index"], pos="last-child")
    assert _not_served(client, "/fiches/colis-alimentaires/", now_at="/structures/colis-alimentaires/")
    assert _served(client, "/structures/colis-alimentaires/")[0] == 200


def test_an_unpublished_or_deleted_fiche_is_gone(site, client):
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire")
    url = fiche.url
    assert _served(client, url)[0] == 200
    fiche.unpublish()
    assert _served(client, url)[0] == 404
    fiche.save_revision().publish()
    assert _served(client, url)[0] == 200
    fiche.delete()
    assert _served(client, url)[0] == 404


def test_the_home_page_shows_its_latest_version(site, client):
    assert _served(client, "/")[0] == 200
    home = site["home"]
    home.intro = "<p>Bienvenue aux agents d’accueil du réseau.</p>"
    home.save_revision().publish()
    assert "Bienvenue aux agents d’accueil du réseau." in _served(client, "/")[1]


def test_a_new_site_root_is_served_at_once_and_its_first_child_too(site, client):
    assert _served(client, "/")[0] == 200
    Site.objects.filter(is_default_site=True).update(root_page=site["fiche_index"])
    Site.objects.get(is_default_site=True).save()  # as the admin does: a save, with its signal
    assert _served(client, "/aide-inexistante/")[0] == 404
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire")
    assert _served(client, f"/{fiche.slug}/")[0] == 200


def test_a_site_root_moved_or_republished_is_served_as_it_is_now(site, client):
    builders.fiche(site["fiche_index"], "Aide alimentaire")
    Site.objects.filter(is_default_site=True).update(root_page=site["fiche_index"])
    Site.objects.get(is_default_site=True).save()
    assert _served(client, "/aide-alimentaire/")[0] == 200

    index = site["fiche_index"]
    index.title = "Toutes les fiches du réseau"
    index.save_revision().publish()
    assert "Toutes les fiches du réseau" in _served(client, "/")[1]

    index.refresh_from_db()
    index.move(site["structure_index"], pos="last-child")
    assert _served(client, "/aide-alimentaire/")[0] == 200


def test_sections_and_departement_name_in_the_header_follow_their_changes(site, client):
    html = _served(client, "/fiches/")[1]
    assert ">Fiches<" in html
    index = site["fiche_index"]
    index.title = "Toutes les fiches"
    index.save_revision().publish()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.departement_name = "Département de démonstration"
    settings.save()

    html = _served(client, "/structures/")[1]
    assert ">Toutes les fiches<" in html
    assert "Premier accueil social — Département de démonstration" in html


def test_a_view_restriction_added_later_is_enforced_at_once(site, client):
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire")
    assert _served(client, fiche.url)[0] == 200

    PageViewRestriction.objects.create(page=site["fiche_index"], restriction_type=PageViewRestriction.LOGIN)
    response = client.get(fiche.url)
    assert response.status_code == 302 and "next=" in response["Location"]


def _fiche_page_queries(client, url):
    client.get(url, headers={"user-agent": BROWSER})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers={"user-agent": BROWSER}).status_code == 200
    return len(ctx.captured_queries)


def test_a_fiche_page_costs_as_many_queries_whatever_its_number_of_places(site, client):
    autun = builders.commune(builders.AUTUN)
    few = builders.fiche(
        site["fiche_index"],
        "Aide alimentaire",
        places=[builders.structure(site["structure_index"], autun, "CCAS d’Autun")],
    )
    many = builders.fiche(
        site["fiche_index"],
        "Accès aux soins",
        places=[builders.structure(site["structure_index"], autun, f"Lieu {i}") for i in range(6)],
    )
    assert _fiche_page_queries(client, few.url) == _fiche_page_queries(client, many.url)


def test_the_places_kept_for_a_fiche_page_follow_every_change_at_once(site, client):
    autun = builders.commune(builders.AUTUN)
    ccas = builders.structure(site["structure_index"], autun, "CCAS d’Autun")
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire", places=[ccas])
    assert "CCAS d’Autun" in _served(client, fiche.url)[1]

    ccas.title = "Centre communal d’action sociale d’Autun"
    ccas.save_revision().publish()
    assert "Centre communal d’action sociale d’Autun" in _served(client, fiche.url)[1]

    mds = builders.structure(site["structure_index"], autun, "Maison des solidarités d’Autun")
    fiche = fiche.get_latest_revision_as_object()
    fiche.places.add(FichePlace(structure=mds))
    fiche.save_revision().publish()
    assert "Maison des solidarités d’Autun" in _served(client, fiche.url)[1]

    ccas.refresh_from_db()
    ccas.unpublish()
    html = _served(client, fiche.url)[1]
    assert "Centre communal d’action sociale d’Autun" not in html and "Maison des solidarités d’Autun" in html


def test_a_draft_previewed_shows_its_own_places_not_the_published_ones(site, client):
    from fiches.models import FichePage

    autun = builders.commune(builders.AUTUN)
    ccas = builders.structure(site["structure_index"], autun, "CCAS d’Autun")
    mds = builders.structure(site["structure_index"], autun, "Maison des solidarités d’Autun")
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire", places=[ccas])
    assert "Maison des solidarités" not in _served(client, fiche.url)[1]
    draft = fiche.get_latest_revision_as_object()
    draft.places.add(FichePlace(structure=mds))
    draft.save_revision()

    preview = FichePage.objects.get(pk=fiche.pk).get_latest_revision_as_object().make_preview_request()
    assert "Maison des solidarités d’Autun" in preview.content.decode()
    assert "Maison des solidarités" not in _served(client, fiche.url)[1]  # not published yet
