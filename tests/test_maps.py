"""The Leaflet maps in a real browser (Debian's chromium, headless): markers drawn from the
page's own data, reachable from the keyboard, with Leaflet served by the site itself."""

import re

import pytest

from fiches.models import CoverageKind
from tests import builders
from tests.browser import CHROMIUM, run_chromium

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium (paquet Debian « chromium ») absent"),
]


def rendered_dom(url, tmp_path):
    """The page's DOM once its scripts have run."""
    return run_chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", url, text=True).stdout


@pytest.fixture
def places(db):
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    creusot = builders.commune(builders.LE_CREUSOT)
    slots = [(d, (9, 0), (12, 0), True) for d in range(5)]
    a = builders.structure(pages["structure_index"], autun, "MDS d’Autun", kind="mds", slots=slots)
    b = builders.structure(pages["structure_index"], creusot, "CCAS du Creusot", slots=slots)
    builders.fiche(pages["fiche_index"], "Aide alimentaire", coverage=CoverageKind.DEPARTEMENT, places=[a, b])
    return pages


def test_search_results_for_a_commune_are_drawn_on_a_keyboard_usable_map(live_server, places, tmp_path):
    dom = rendered_dom(f"{live_server.url}/recherche/?q=aide&commune=Autun", tmp_path)

    markers = re.findall(r'<img[^>]*class="[^"]*leaflet-marker-icon[^"]*"[^>]*>', dom)
    assert len(markers) == 2
    assert all('tabindex="0"' in m for m in markers)  # Tab reaches every marker
    assert {re.search(r'title="([^"]*)"', m).group(1) for m in markers} == {"MDS d’Autun", "CCAS du Creusot"}
    assert "Commune choisie : Autun" in dom  # the commune's position is marked
    assert 'id="carte"' in dom and "leaflet-container" in dom
    # The same places stay listed as text: the map's alternative.
    assert dom.count("MDS d’Autun") >= 2


def test_the_structure_directory_has_a_map_and_leaflet_comes_from_the_site(live_server, places, tmp_path):
    dom = rendered_dom(f"{live_server.url}/structures/", tmp_path)

    assert len(re.findall(r"leaflet-marker-icon", dom)) == 2
    assert "/static/territories/vendor/leaflet-1.9.4/leaflet.js" in dom
    assert "unpkg" not in dom and "cdn" not in dom.lower()
