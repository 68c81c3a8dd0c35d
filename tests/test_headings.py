"""Headings go down one level at a time on the public pages (h1, then h2, then h3): a screen
reader's list of headings is how its user skims a page, and Wagtail's accessibility checker
(the editors' toolbar on the public pages) reports a skipped level on every page that has one."""

from itertools import pairwise

import pytest
from django.test import Client

from fiches.models import CoverageKind
from tests import builders
from tests.html import document


@pytest.fixture
def site(db):
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    ccas = builders.structure(pages["structure_index"], autun, "CCAS d’Autun")
    fiche = builders.fiche(
        pages["fiche_index"], "Aide alimentaire", coverage=CoverageKind.DEPARTEMENT, places=[ccas]
    )
    return {**pages, "autun": autun, "ccas": ccas, "fiche": fiche}


def skipped_levels(html):
    levels = [int(h.tag[1]) for h in document(html).iter("h1", "h2", "h3", "h4", "h5", "h6")]
    return [(a, b) for a, b in pairwise(levels) if b > a + 1]


def test_no_public_page_skips_a_heading_level(site):
    client = Client(HTTP_HOST="localhost")
    paths = [
        "/",
        site["fiche_index"].url,
        site["structure_index"].url,
        site["fiche"].url,
        site["ccas"].url,
        "/recherche/?q=aide",
        f"/recherche/?q=aide&commune={site['autun'].name}",
        f"/communes/{site['autun'].insee_code}/",
    ]
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        if skipped := skipped_levels(response.content):
            found[path] = skipped
    assert found == {}
