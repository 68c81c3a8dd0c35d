"""The commune page and the results page as a first-time user meets them (issue #27, items 1
and 2): the commune's fiches by theme, nearest place first; on the results page the facets
behind a "Filtrer" disclosure that needs no JavaScript, and a link that skips them."""

import re

import pytest

from fiches.models import Theme
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_fiches(db):
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    creusot = builders.commune(builders.LE_CREUSOT)
    near = builders.structure(pages["structure_index"], autun, "CCAS d’Autun")
    far = builders.structure(pages["structure_index"], creusot, "CCAS du Creusot")
    housing = Theme.objects.create(name="Logement", slug="logement-t", sort_order=1)
    food = Theme.objects.create(name="Alimentation", slug="alimentation-t", sort_order=2)
    pantry = Theme.objects.create(name="Épicerie", slug="epicerie-t", parent=food)
    builders.fiche(pages["fiche_index"], "Colis loin", themes=[pantry], places=[far])
    builders.fiche(pages["fiche_index"], "Colis près", themes=[pantry], places=[near])
    builders.fiche(pages["fiche_index"], "Logement d’urgence", themes=[housing], places=[far])
    builders.fiche(pages["fiche_index"], "Sans thème", places=[near])
    return autun


def test_the_commune_page_groups_its_fiches_by_theme_category_with_the_nearest_first(client, commune_fiches):
    html = client.get(f"/communes/{commune_fiches.insee_code}/").content.decode()

    headings = re.findall(r'<h3 id="theme-[^"]+">([^<]+)</h3>', html)
    assert headings == ["Logement", "Alimentation", "Autres fiches"]
    food = html[html.index(">Alimentation</h3>") : html.index(">Autres fiches</h3>")]
    assert food.index("Colis près") < food.index("Colis loin")
    # The fiches are not in the narrow column of a facets layout any more.
    assert "results-layout" not in html and 'class="commune-layout"' in html
    assert "4 fiches s’appliquent à Autun" in html


def test_the_facets_wait_behind_a_filter_disclosure_that_works_without_javascript(client, commune_fiches):
    html = client.get("/recherche/", {"q": "colis", "commune": "Autun"}).content.decode()

    disclosure = re.search(r"<details class=\"facets\"[^>]*>\s*<summary>([^<]+)", html)
    assert disclosure and disclosure.group(1).strip() == "Filtrer"
    assert '<details class="facets" open' not in html  # closed on a phone: results first
    # Skip links to the results, at the top of the page and just before the facets.
    assert html.count('href="#resultats"') == 2
    assert html.index('href="#resultats"') < html.index('class="site-header"')
    assert html.index("<details") < html.index('id="resultats"')


def test_an_active_filter_is_counted_on_the_closed_disclosure(client, commune_fiches):
    theme = Theme.objects.get(slug="epicerie-t")
    html = client.get("/recherche/", {"q": "colis", "theme": theme.slug}).content.decode()

    assert "(1 filtre actif)" in html
