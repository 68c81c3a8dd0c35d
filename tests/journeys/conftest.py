"""Journeys in a real browser: Debian's chromium, headless, driven by Selenium through Debian's
chromedriver, against pytest-django's live server.

Nothing is downloaded: the driver and the browser are the Debian packages (`chromium`,
`chromium-driver`), given to Selenium by path so that Selenium Manager never runs. Without them
the journeys are skipped, unless WITH_BROWSER=1 (CI), where they fail.

Every journey fails on a server error (any request the live server answers with a 5xx, read
from Django's `django.request` logger) and on a JavaScript console error (SEVERE entries of the
browser's log), except the entries listed in ALLOWED_CONSOLE_ERRORS with their reason.
"""

import logging
import os
import re
import shutil
from pathlib import Path

import pytest

from moderation.roles import Role, install_roles
from tests import builders

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".journeys"
PASSWORD = "Parcours-navigateur-2026"

# (pattern, why it is not a defect of the site). Keep this list short and justified.
ALLOWED_CONSOLE_ERRORS = [
    # The site declares no favicon; the browser asks for /favicon.ico on its own and logs the 404.
    (re.compile(r"/favicon\.ico - Failed to load resource"), "favicon absent"),
    # Wagtail's editor autosaves its form as it changes (WAGTAIL_AUTOSAVE_INTERVAL) with a JSON
    # request; while a required field is still empty (a new fiche whose title is typed but not
    # yet its summary), Wagtail answers it 400 "validation_error" by design and says so in the
    # editor. A save the person makes with errors is answered 200 with the form, never 400.
    (
        re.compile(
            r"/admin/pages/(add/[a-z_]+/[a-z_]+/\d+|\d+/edit)/ - Failed to load resource: .* status of 400 "
        ),
        "autosave of an incomplete editor form",
    ),
]


def _browser_missing():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    return ", ".join(missing)


@pytest.fixture
def server_errors():
    """Every record Django's request logger writes at ERROR (a 5xx answer, an exception in a
    view), whichever thread served it: the live server runs in a thread of this process."""
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Collect(level=logging.ERROR)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def start_browser():
    """Debian's chromium under Selenium, or a skip (a failure with WITH_BROWSER=1) when absent."""
    missing = _browser_missing()
    if missing:
        message = f"Chromium ou chromedriver absent ({missing}) : apt-get install -y chromium chromium-driver"
        if os.environ.get("WITH_BROWSER") == "1":
            pytest.fail(f"WITH_BROWSER=1 mais {message}")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        "--lang=fr-FR",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    browser.implicitly_wait(0)
    browser.set_page_load_timeout(30)
    return browser


@pytest.fixture
def driver(request):
    browser = start_browser()
    yield browser
    browser.quit()


class Journey:
    """A person's walk through the site: one browser, the live server, screenshots at the key
    steps, and the browser's console read after every step."""

    def __init__(self, driver, base_url, name, server_errors):
        self.driver = driver
        self.base_url = base_url
        self.server_errors = server_errors
        self.console = []
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.shots = 0

    # --- navigation -------------------------------------------------------------------------

    def get(self, path):
        self.driver.get(self.base_url + path)
        self.check()

    def find(self, selector, within=None):
        from selenium.webdriver.common.by import By

        return (within or self.driver).find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def wait(self, condition, timeout=15):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(condition)

    def wait_for(self, selector, timeout=15):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait(ec.visibility_of_element_located((By.CSS_SELECTOR, selector)), timeout)

    def click_and_load(self, element, expected_status=None):
        """Click something that loads a new page, and wait until it has. `expected_status`: the
        4xx status the new page is meant to have (a form sent back with its errors); the browser
        logs it in the console, which is then not an error."""

        old = self.find("html")
        element.click()
        self.wait(_gone(old))
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")
        allowed = []
        if expected_status:
            url = re.escape(self.driver.current_url)
            allowed.append(re.compile(f"^{url} - Failed to load resource: .* status of {expected_status} "))
        self.check(allowed)

    def button(self, text, within=None, exact=False):
        """The button or link whose text (or accessible label) contains `text`, or is `text`."""
        from selenium.webdriver.common.by import By

        literal = _xpath_literal(text)
        if exact:
            condition = f"normalize-space(.) = {literal}"
        else:
            condition = (
                f"contains(normalize-space(.), {literal}) or contains(@value, {literal})"
                f" or contains(@aria-label, {literal}) or contains(@title, {literal})"
            )
        return (within or self.driver).find_element(
            By.XPATH, f".//*[self::button or self::a or self::input[@type='submit']][{condition}]"
        )

    def action_menu(self, label, exact=False):
        """The item `label` of the admin editor's action menu (the arrow beside its main
        button), once the menu is open."""
        footer = self.find("footer")
        self.find(".w-dropdown__toggle", within=footer).click()
        item = self.button(label, within=footer, exact=exact)
        self.wait(lambda _d: item.is_displayed())
        return item

    def fill(self, selector, value):
        """Type `value` over what the field holds (select all, then type), as a person does."""
        from selenium.webdriver.common.keys import Keys

        field = self.find(selector)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(value)
        return field

    def see(self, text, timeout=10):
        """Wait until `text` shows on the page (the admin draws some of it with JavaScript, e.g.
        its messages), or fail with what the page shows."""
        from selenium.common.exceptions import TimeoutException

        try:
            self.wait(lambda _d: text in self.text, timeout)
        except TimeoutException:
            raise AssertionError(f"« {text} » absent de {self.path} :\n{self.text[:2000]}") from None

    @property
    def text(self):
        return self.find("body").text

    @property
    def path(self):
        return self.driver.current_url.removeprefix(self.base_url)

    # --- evidence ---------------------------------------------------------------------------

    def screenshot(self, step):
        self.shots += 1
        self.driver.save_screenshot(str(self.folder / f"{self.shots:02d}-{step}.png"))

    def check(self, allowed=()):
        """No server error so far, no JavaScript error in the console so far."""
        allowed = [*allowed, *(pattern for pattern, _why in ALLOWED_CONSOLE_ERRORS)]
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE" and not any(
                pattern.search(entry["message"]) for pattern in allowed
            ):
                self.console.append(f"{self.driver.current_url}: {entry['message']}")
        # Each error is reported once (the check after the test does not repeat it).
        server_errors = [_describe(record) for record in self.server_errors]
        console, self.console = self.console, []
        self.server_errors.clear()
        assert not server_errors, "Erreur serveur : " + "; ".join(server_errors)
        assert not console, "Erreur JavaScript : " + "\n".join(console)


def _gone(element):
    """Selenium's `staleness_of`, also true when Chromium answers for an element of a page it has
    left that its node "does not belong to the document" (a race while the next page loads)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(driver):
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return gone


def _describe(record):
    """The log line and, when there was one, the exception's traceback."""
    if record.exc_info:
        return f"{record.getMessage()}\n{logging.Formatter().formatException(record.exc_info)}"
    return record.getMessage()


def _xpath_literal(text):
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


@pytest.fixture
def journey(driver, live_server, server_errors, request, settings):
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The live server's threads share the test's one in-memory SQLite connection: the
        # editor's autosave request and the person's own "save" arriving together fail with
        # "database table is locked", which neither PostgreSQL nor a SQLite file does. On
        # SQLite the journeys therefore run without autosave; on PostgreSQL (CI's second run)
        # they run with it.
        settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    walk = Journey(driver, live_server.url, request.node.name, server_errors)
    yield walk
    if getattr(request.node, "journey_failed", False):
        walk.screenshot("echec")  # what the page showed when the test failed
    walk.check()


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def network(db, django_user_model):
    """A small network built with the builders: roles, the site tree, three communes, two
    places, four fiches, and one person per role with a real password."""
    groups = install_roles()
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    creusot = builders.commune(builders.LE_CREUSOT)
    builders.commune(builders.MACON)
    ccas = builders.structure(pages["structure_index"], autun, "CCAS d’Autun")
    mds = builders.structure(
        pages["structure_index"], creusot, "Maison des solidarités du Creusot", kind="mds"
    )
    people = {}
    for username, role in (
        ("agent", Role.PROFESSIONALS),
        ("responsable", Role.OWNERS),
        ("moderateur", Role.MODERATORS),
    ):
        user = django_user_model.objects.create_user(
            username, f"{username}@exemple.fr", PASSWORD, first_name=username.capitalize()
        )
        user.groups.add(groups[str(role)])
        people[username] = user
    fiches = {
        "colis": builders.fiche(
            pages["fiche_index"],
            "Colis alimentaire d’urgence",
            summary="Un colis alimentaire pour les personnes sans ressources, le jour même.",
            places=[ccas, mds],
        ),
        "epicerie": builders.fiche(
            pages["fiche_index"],
            "Épicerie solidaire alimentaire",
            summary="Des courses à 10 % du prix, sur orientation d’un travailleur social.",
            places=[mds],
        ),
        "energie": builders.fiche(
            pages["fiche_index"],
            "Chèque énergie",
            summary="Une aide pour payer les factures d’énergie du logement.",
            places=[ccas],
        ),
    }
    for fiche in fiches.values():
        fiche.owners = [people["responsable"]]
        fiche.save_revision().publish()
    return {**pages, **people, **fiches, "ccas": ccas, "mds": mds, "autun": autun}


def sign_in(journey, username, path="/connexion/"):
    """Sign in with the form of `path` (the site's /connexion/ or Wagtail's /admin/login/)."""
    journey.get(path)
    journey.fill("#id_username", username)
    password = journey.fill("#id_password", PASSWORD)
    form = journey.driver.execute_script("return arguments[0].form", password)
    journey.click_and_load(journey.find("[type=submit]", within=form))
    assert "/connexion/" not in journey.path and "/login/" not in journey.path, journey.text[:500]
