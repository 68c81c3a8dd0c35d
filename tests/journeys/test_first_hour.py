"""What a new user meets first, in a real browser (issue #27, items 11 and 12): the main public
pages at a phone's width (390 px) and a laptop's (1366 px), screenshotted, with no horizontal
overflow and, on a phone, the first result on the first screen; and axe-core (scripts/axe-core.sh
installs it from npm into .axe/) finding no violation on the public pages, the report form, the
login page and the admin pages this project adds. One browser for the module."""

import json
import os
from pathlib import Path

import pytest

from fiches.models import Public, Theme

from .conftest import PASSWORD, SCREENSHOTS, sign_in, start_browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"telephone": (390, 844), "ordinateur": (1366, 900)}


@pytest.fixture(scope="module")
def driver():
    browser = start_browser()
    yield browser
    browser.quit()


@pytest.fixture
def many_facets(network):
    """Enough themes and publics on the fiches that the facets fill more than a phone's screen
    (as on the demo), so that a layout putting them first fails."""
    themes = [Theme.objects.create(name=f"Thème n° {n}", slug=f"theme-{n}", sort_order=n) for n in range(14)]
    publics = [
        Public.objects.create(name=f"Public n° {n}", slug=f"public-{n}", code=f"p{n}") for n in range(12)
    ]
    for fiche in (network["colis"], network["epicerie"], network["energie"]):
        fiche.themes = themes
        fiche.publics = publics
        fiche.save_revision().publish()
    return network


def pages(network):
    return {
        "accueil": "/",
        "resultats": "/recherche/?q=alimentaire&commune=Autun",
        "fiche": network["colis"].url,
        "commune": f"/communes/{network['autun'].insee_code}/",
        "structure": network["ccas"].url,
    }


def test_main_pages_fit_a_phone_and_a_laptop_and_a_phone_sees_the_first_result(journey, many_facets, driver):
    for device, (width, height) in WIDTHS.items():
        driver.set_window_size(width, height)
        for name, path in pages(many_facets).items():
            journey.get(path)
            journey.screenshot(f"{name}-{width}")
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} à {width} px déborde de {overflow} px"
            if name == "resultats" and device == "telephone":
                top, screen = driver.execute_script(
                    "const r = document.querySelector('.result-list li');"
                    "return [r.getBoundingClientRect().top + window.scrollY, window.innerHeight]"
                )
                assert top < screen, f"premier résultat à {top} px, sous le premier écran ({screen} px)"
                # The facets wait behind "Filtrer", which opens them (a <details>: no script).
                facet = journey.find(".facets ul a")
                assert not facet.is_displayed()
                journey.find(".facets summary").click()
                assert facet.is_displayed()


def axe_violations(driver):
    if not AXE.exists():
        message = "axe-core absent : bash scripts/axe-core.sh"
        if os.environ.get("WITH_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe', help: String(e), nodes: []}])));"
    )
    return [
        f"{v['id']} ({v['help']}) : "
        + "; ".join(n["target"][0] if n.get("target") else "" for n in v["nodes"][:5])
        for v in json.loads(result)
    ]


def test_axe_finds_no_violation_on_the_public_pages_the_report_form_and_the_login_page(
    journey, network, driver
):
    driver.set_window_size(1366, 900)
    driver.set_script_timeout(30)
    paths = {
        **pages(network),
        "signaler": f"/signaler/{network['colis'].pk}/",
        "connexion": "/connexion/",
        "connexion-admin": "/admin/login/",
        "themes": "/themes/",
        "mentions-legales": "/mentions-legales/",
        "accessibilite": "/accessibilite/",
        "donnees-personnelles": "/donnees-personnelles/",
        "donnees-ouvertes": "/donnees/",
        "annuaire": "/structures/?type=ccas&charte=1",  # its filters form and its PDF form
    }
    found = {}
    for name, path in paths.items():
        journey.get(path)
        if name == "connexion":
            # The password field is styled like the username's (it was the browser's small default).
            username, password = (journey.find(f"#id_{n}").rect for n in ("username", "password"))
            assert (password["width"], password["height"]) == (username["width"], username["height"])
        violations = axe_violations(driver)
        if violations:
            found[name] = violations
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_axe_finds_no_violation_on_the_admin_pages_the_project_adds(journey, network, driver):
    driver.set_window_size(1366, 900)
    driver.set_script_timeout(30)
    sign_in(journey, "moderateur", path="/admin/login/")
    found = {}
    for path in (
        "/admin/moderation/errorreport/",
        "/admin/reperes/a-verifier/",
        "/admin/reperes/indicateurs/",
        "/admin/reperes/besoins-sans-reponse/",
        "/admin/comptes/",
        "/admin/mes-pages/",
        "/admin/account/",
        # The editors of the page types the project adds, with a list row of each kind.
        f"/admin/pages/{network['colis'].pk}/edit/",
        f"/admin/pages/{network['ccas'].pk}/edit/",
    ):
        journey.get(path)
        violations = axe_violations(driver)
        if violations:
            found[path] = violations
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def assert_leaflet_speaks_french(journey, map_selector):
    """Leaflet's own words (its zoom buttons' titles, its credit's title), set in French."""
    assert journey.find(f"{map_selector} .leaflet-control-zoom-in").get_attribute("title") == "Zoom avant"
    assert journey.find(f"{map_selector} .leaflet-control-zoom-out").get_attribute("title") == "Zoom arrière"
    credit = journey.find(f"{map_selector} .leaflet-control-attribution a")
    assert credit.get_attribute("title") == "Une bibliothèque JavaScript pour les cartes interactives"


def test_the_map_speaks_french_and_a_popups_link_comes_right_after_its_marker(journey, network, driver):
    from selenium.webdriver.common.keys import Keys

    driver.set_window_size(1366, 900)
    journey.get(f"/communes/{network['autun'].insee_code}/")
    journey.wait_for(".leaflet-marker-icon")
    assert_leaflet_speaks_french(journey, ".map")
    assert "Zoom in" not in driver.page_source and "A JavaScript library" not in driver.page_source

    marker = journey.find(".leaflet-marker-icon")
    name = marker.get_attribute("title")
    marker.send_keys(Keys.ENTER)
    journey.wait(lambda d: d.switch_to.active_element.tag_name == "a")
    link = driver.switch_to.active_element
    assert link.text == "Voir la fiche du lieu", link.text
    assert name in journey.find(".leaflet-popup-content").get_attribute("textContent")
    # Escape closes the popup and the focus goes back to its marker.
    link.send_keys(Keys.ESCAPE)
    journey.wait(lambda d: d.switch_to.active_element.get_attribute("title") == name)


def test_the_structure_editors_location_map_comes_from_the_site_and_speaks_french(journey, network, driver):
    """wagtailgeowidget would load Leaflet from unpkg.com: on a network that cannot reach it, the
    editor's map stayed empty with an error; and its words were English."""
    driver.set_window_size(1366, 900)
    sign_in(journey, "moderateur", path="/admin/login/")
    journey.get(f"/admin/pages/{network['ccas'].pk}/edit/")
    journey.wait_for(".leaflet-field .leaflet-marker-icon")
    assert_leaflet_speaks_french(journey, ".leaflet-field")
    assert "contributors" not in journey.find(".leaflet-field .leaflet-control-attribution").text
    marker = journey.find(".leaflet-field .leaflet-marker-icon")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", marker) > 0
    loaded = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in loaded if not url.startswith(journey.base_url)] == []
    assert any(url.endswith(".js") and "/territories/vendor/leaflet-1.9.4/leaflet" in url for url in loaded)
    # The box where a position is typed is the one the field's label names.
    box = journey.find("#id_location_latlng")
    assert journey.find("label[for='id_location_latlng']").text.startswith("Position")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", box)
    journey.screenshot("carte-de-la-structure")
    journey.check()
