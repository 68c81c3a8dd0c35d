"""No input gives a 500.

Every public URL pattern of the project (walked from Django's URL resolver, the admin left
aside), every endpoint of the read API (from its OpenAPI schema) and a page of each type served
by Wagtail are asked with bad values in each path segment and in each parameter their views
read: a NUL byte, broken percent-encoding, a 20-digit number, negative numbers, 5,000
characters, an empty value, every parameter repeated, too many parameters, and methods they do
not expect; the site's forms are posted the same values, an oversized body, and no CSRF token;
the session, CSRF and language cookies get bad values too. Every answer must be below 500, and
an HTML error page is the site's own, in French.

The parameter names are read from the code: the facets' FilterSet, the forms the views post
to, the API's schema and every `request.GET/POST.get("…")` of the project's apps.
"""

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from fiches.api import api
from fiches.models import FicheKeyword, Orientation, Public, Theme
from home.models import StandardPage
from moderation.forms import ErrorReportForm
from tests import builders

# Bad values, as they are written in a URL (already percent-encoded where they need to be).
BAD_VALUES = [
    "%00",  # NUL byte: PostgreSQL refuses it in a string
    "a%00b",
    "%ZZ",  # not percent-encoding
    "%C3%28",  # percent-encoded bytes that are not UTF-8
    "99999999999999999999",  # beyond any database integer
    "2147483648",  # one beyond PostgreSQL's integer
    "-1",
    "-99999999999999999999",
    "x" * 5000,
    "%22%28*%29+OR+NOT+%5E+%C2%AB",  # a search engine's syntax: '"(*) OR NOT ^ «' (a 500 on SQLite once)
    "",
]
# The views that take a form (posted to their own URL), or that take POST only.
FORMS = {
    "report",  # "Signaler une erreur"
    "login",
    "wagtailcore_login",  # Wagtail's own sign-in form, for its view restrictions
    "password_set",
    "selection_add",
    "selection_remove",
    "selection_clear",
    "logout",
    "wagtailcore_authenticate_with_password",
    "wagtaildocs_authenticate_with_password",
    "orientation_answer",  # the receiving structure's answer, through its signed link
}
# The methods a page does not expect; a view for POST only is asked with GET too.
OTHER_METHODS = ["post", "put", "patch", "delete", "head", "options"]

PROJECT_APPS = ("fiches", "territories", "moderation", "home", "cms")
_READ_PARAMETER = re.compile(r"\.(?:GET|POST)\.get(?:list)?\(\s*[\"'](\w+)[\"']")


def parameters_read_by_the_code():
    """Every name the project's views read from the query string or a posted form."""
    from fiches.browse import FicheFilter  # reads the database when imported

    names = set()
    root = Path(settings.BASE_DIR)
    for app in PROJECT_APPS:
        for source in (root / app).rglob("*.py"):
            if "migrations" not in source.parts:
                names.update(_READ_PARAMETER.findall(source.read_text()))
    names.update(FicheFilter.base_filters)
    for form in (ErrorReportForm, AuthenticationForm, SetPasswordForm):
        names.update(form.base_fields)
    # And what the framework's views read: Django's sitemap its page ("p"), the login "next".
    return sorted(names | {"q", "page", "next", "p"})


def api_parameters():
    """{API path: (path parameters, query parameters)}, from the OpenAPI schema."""
    schema = api.get_openapi_schema()
    found = {}
    for path, operations in schema["paths"].items():
        params = [p for operation in operations.values() for p in operation.get("parameters", [])]
        found[path] = (
            sorted({p["name"] for p in params if p["in"] == "path"}),
            sorted({p["name"] for p in params if p["in"] == "query"}),
        )
    return found


# --- The URL patterns -------------------------------------------------------------------

_SEGMENT = re.compile(r"<(?:\w+:)?(\w+)>")
# Patterns written as regular expressions, as the URL they stand for.
REGEX_TEMPLATES = {
    "wagtaildocs_serve": "documents/{document_id}/{document_filename}",
    "wagtail_serve": None,  # Wagtail's pages: asked at real page URLs, below
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def public_patterns():
    """[(id, URL template with {segment} slots, name)] of every non-admin pattern."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        if "^" in route or "$" in route:
            template = REGEX_TEMPLATES.get(pattern.name, "unknown")
            if template is None:
                continue
        else:
            template = _SEGMENT.sub(lambda m: "{" + m.group(1) + "}", route)
        found.append((route, "/" + template if template != "unknown" else template, pattern.name))
    return found


PATTERNS = public_patterns()


def test_every_public_pattern_and_api_endpoint_is_walked():
    templates = [template for _route, template, _name in PATTERNS]
    assert "unknown" not in templates, "a pattern written as a regex needs its URL in REGEX_TEMPLATES"
    for path in api_parameters():
        assert path in templates
    for expected in ("/recherche/", "/connexion/", "/sitemap.xml", "/api/v1/fiches/{fiche_id}"):
        assert expected in templates


# --- The data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """A small but complete site, built once for the module and rolled back after it."""
    from django.contrib.auth import get_user_model

    from territories.bulk import reference_index_paused

    with django_db_blocker.unblock(), reference_index_paused(), transaction.atomic():
        pages = builders.site()
        cc = builders.epci("200070530", "CC du Grand Autunois Morvan", "CC")
        autun = builders.commune(builders.AUTUN, epci_=cc)
        builders.commune(builders.MACON)
        category = Theme.objects.create(name="Logement", slug="logement")
        theme = Theme.objects.create(name="Accès au logement", slug="acces-logement", parent=category)
        public = Public.objects.create(name="Familles", slug="familles")
        structure = builders.structure(
            pages["structure_index"], autun, "CCAS d’Autun", slots=[(0, (9, 0), (12, 0), True)]
        )
        territory = builders.territory(pages["departement"], "Territoire de l’Autunois", epcis=[cc])
        fiche = builders.fiche(
            pages["fiche_index"],
            "Aide au logement",
            places=[structure],
            themes=[theme],
            publics=[public],
        )
        fiche.keywords.add("logement social")
        fiche.save_revision().publish()
        standard = StandardPage(title="Mentions légales", body="<p>Mentions.</p>")
        pages["home"].add_child(instance=standard)
        standard.save_revision().publish()
        private = StandardPage(title="Page réservée", body="<p>Réservée.</p>")
        pages["home"].add_child(instance=private)
        private.save_revision().publish()
        restriction = PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        user = get_user_model().objects.create_user("agent", "agent@exemple.fr", "x")
        collection = Collection.get_first_root_node().add_child(name="Réservé")
        collection_restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="secret"
        )
        document = get_document_model().objects.create(
            title="Plaquette", file=ContentFile(b"%PDF-1.4\n", name="plaquette.pdf")
        )
        keyword = FicheKeyword.objects.get(content_object=fiche).tag
        orientation = Orientation.objects.create(
            sender=user,
            fiche=fiche,
            structure=structure,
            structure_title=structure.title,
            recipient_email="ccas@exemple.fr",
            person_name="A. B.",
            person_contact="06 00 00 00 00",
            need="Un colis.",
            consent_at=timezone.now(),
            submission=uuid.uuid4(),
        )
        # A realistic value for each path segment: the project's real objects.
        segments = {
            ("theme", "slug"): theme.slug,
            ("public", "slug"): public.slug,
            ("keyword", "slug"): keyword.slug,
            ("territory", "slug"): territory.slug,
            ("structure_pdf", "pk"): structure.pk,
            "insee": autun.insee_code,
            "kind": "structures",
            "pk": fiche.pk,
            "page_id": fiche.pk,
            "fiche_id": fiche.pk,
            "structure_id": structure.pk,
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            # The form's own address, once the link of the e-mail was followed (below).
            "token": "set-password",
            "page_view_restriction_id": restriction.pk,
            ("wagtaildocs_authenticate_with_password", "restriction_id"): collection_restriction.pk,
            "document_id": document.pk,
            "document_filename": document.filename,
            ("orientation_answer", "signed"): orientation.answer_token(),
        }
        pages_served = dict(
            zip(
                PAGE_TYPES,
                [
                    pages["home"],
                    pages["fiche_index"],
                    fiche,
                    pages["structure_index"],
                    structure,
                    pages["departement"],
                    territory,
                    standard,
                    private,
                ],
                strict=True,
            )
        )
        yield {
            "password_link": "/mot-de-passe/{}/{}/".format(
                segments["uidb64"], default_token_generator.make_token(user)
            ),
            "segments": segments,
            "pages": {page_type: page.url for page_type, page in pages_served.items()},
            "structure": structure,
            "fiche": fiche,
        }
        document.file.delete(save=False)
        transaction.set_rollback(True)


def good_segment(data, name, slot):
    """The real value of segment `slot` of the pattern called `name`."""
    value = data["segments"].get((name, slot), data["segments"].get(slot))
    assert value is not None, f"no real value for <{slot}> of {name}: add it to the data fixture"
    return str(value)


# --- Asking -----------------------------------------------------------------------------


def _query(names, value):
    return "&".join(f"{name}={value}" for name in names)


def _check(response, what):
    assert response.status_code < 500, f"{what} → {response.status_code}"
    content_type = response.get("Content-Type", "")
    html = response.content.decode(errors="replace") if content_type.startswith("text/html") else ""
    # An error page (not a bare 405 of a decorator, nor the API's plain text) is the site's own.
    if 400 <= response.status_code < 500 and "<h1" in html.lower():
        assert '<html lang="fr"' in html, (
            f"{what} → {response.status_code}, not the site's page: {html[:200]}"
        )


def posts_to(html, path):
    """Whether the page has a form posted to `path` (its action, or no action at all)."""
    for form in re.findall(r"<form\b[^>]*>", html):
        action = re.search(r'action="([^"]*)"', form)
        if 'method="post"' in form.lower() and (action is None or action.group(1).split("?")[0] == path):
            return True
    return False


def ask_with_bad_values(client, template, fill, names):
    """`template` with each segment in turn, then every parameter, set to each bad value; every
    parameter repeated; every other method with the bad values posted. Returns whether the
    view took a form (and so was posted every bad value)."""
    slots = re.findall(r"\{(\w+)\}", template)
    good = template.format(**fill)
    for slot in slots:
        for value in BAD_VALUES:
            url = template.format(**{**fill, slot: value})
            _check(client.get(url), f"GET {url[:120]}")
    for value in BAD_VALUES:
        url = f"{good}?{_query(names, value)}"
        _check(client.get(url), f"GET {url[:120]}")
    url = f"{good}?" + "&".join(f"{name}=a&{name}=b&{name}=1&{name}=2" for name in names)
    _check(client.get(url), f"GET {url[:120]}")
    # More parameters than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): its 400.
    url = f"{good}?" + "&".join(
        f"p{n}=1" for n in range((settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000) + 1)
    )
    _check(client.get(url), f"GET {good} with too many parameters")
    for method in OTHER_METHODS:
        url = f"{good}?{_query(names, '%00')}"
        if method == "head":
            response = client.head(url)
        else:
            response = getattr(client, method)(
                url, data=_query(names, "%00"), content_type="application/x-www-form-urlencoded"
            )
        _check(response, f"{method.upper()} {good}")
    # A view for POST only, or a page with a form posted to itself, is asked with every bad
    # value posted.
    response = client.get(good)
    # The real values make a real request: the view does its work with the bad values.
    expected = (200, 302, 405, 404) if good == "/api/v1/" else (200, 302, 405)  # Ninja's root: a 404
    assert response.status_code in expected, f"GET {good} → {response.status_code}"
    html = (
        response.content.decode(errors="replace")
        if response.get("Content-Type", "").startswith("text/")
        else ""
    )
    if response.status_code == 405 or posts_to(html, good):
        for value in BAD_VALUES + ["a"]:
            body = _query(names, value) + "&" + "&".join(f"{name}=a&{name}=b" for name in names)
            response = client.post(good, data=body, content_type="application/x-www-form-urlencoded")
            _check(response, f"POST {good} with {value[:20]}")
        # A body beyond DATA_UPLOAD_MAX_MEMORY_SIZE, and too many fields: Django's 400.
        too_big = "description=" + "x" * ((settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440) + 1)
        too_many = "&".join(f"p{n}=1" for n in range((settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000) + 1))
        for body in (too_big, too_many):
            response = client.post(good, data=body, content_type="application/x-www-form-urlencoded")
            _check(response, f"POST {good} with a body of {len(body)} characters")
        return True
    return False


@pytest.mark.parametrize(
    ("route", "template", "name"),
    [p for p in PATTERNS if p[1] != "unknown"],
    ids=[p[0][:60] for p in PATTERNS if p[1] != "unknown"],
)
def test_bad_values_in_every_segment_and_parameter_never_give_a_500(db, data, client, route, template, name):
    client.raise_request_exception = False
    if template in api_parameters():
        names = api_parameters()[template][1] or ["page"]
    else:
        names = parameters_read_by_the_code()
    fill = {slot: good_segment(data, name, slot) for slot in re.findall(r"\{(\w+)\}", template)}
    # The agent has a fiche in their selection and followed a password link, so that the
    # selection's pages and the password form do their work.
    client.post(f"/selection/ajouter/{data['fiche'].pk}/")
    assert client.get(data["password_link"]).status_code == 302
    takes_a_form = ask_with_bad_values(client, template, fill, names)
    # The site's forms are found, so that they are posted every bad value.
    assert takes_a_form == (name in FORMS), name


PAGE_TYPES = [
    "home",
    "fiche_index",
    "fiche",
    "structure_index",
    "structure",
    "departement",
    "territory",
    "standard",
    "restricted",
]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_bad_values_at_every_type_of_page_served_by_wagtail_never_give_a_500(db, data, client, page_type):
    client.raise_request_exception = False
    url = data["pages"][page_type]
    assert client.get(url).status_code == 200
    ask_with_bad_values(client, url, {}, parameters_read_by_the_code())
    # A segment below the page: Wagtail's routing, then the 404 page.
    for value in BAD_VALUES:
        _check(client.get(f"{url}{value}/"), f"GET {url}{value[:20]}/")


def test_a_bad_path_segment_of_a_page_is_answered_with_the_french_page_not_found(db, data, client):
    client.raise_request_exception = False
    for segment in ("%00", "%C3%28", "x" * 5000, "99999999999999999999"):
        response = client.get(f"/fiches/{segment}/")
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_the_check_fails_on_a_500_and_on_an_error_page_that_is_not_the_sites():
    from django.http import HttpResponse, HttpResponseServerError

    with pytest.raises(AssertionError):
        _check(HttpResponseServerError('<html lang="fr">'), "GET /")
    with pytest.raises(AssertionError):
        _check(HttpResponse("<h1>Bad Request (400)</h1>", status=400), "GET /")
    _check(HttpResponse('<html lang="fr"><h1>Requête invalide</h1>', status=400), "GET /")


@pytest.mark.parametrize("value", ["\\000abcdefghijklmnop", "%00", "x" * 5000, "99999999999999999999", ""])
def test_bad_cookies_never_give_a_500(db, data, client, value):
    """The session and CSRF cookies come from the client too (a quoted cookie may hold a NUL)."""
    client.raise_request_exception = False
    client.cookies.load(
        f'{settings.SESSION_COOKIE_NAME}="{value}"; {settings.CSRF_COOKIE_NAME}="{value}"; '
        f'{settings.LANGUAGE_COOKIE_NAME}="{value}"'
    )
    for url in ("/", "/recherche/?q=logement", data["pages"]["fiche"], "/selection/", "/connexion/"):
        _check(client.get(url), f"GET {url} with cookies {value[:20]}")
    _check(client.post("/connexion/", {"username": "agent", "password": "x"}), "POST /connexion/")
    _check(client.post(f"/selection/ajouter/{data['fiche'].pk}/"), "POST /selection/ajouter/")


def test_a_form_posted_without_its_csrf_token_gets_a_french_page(db, data):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_HOST="localhost")
    for url in (f"/signaler/{data['fiche'].pk}/", "/connexion/", f"/selection/ajouter/{data['fiche'].pk}/"):
        response = client.post(url, {"description": "x"})
        assert response.status_code == 403
        assert "Formulaire expiré" in response.content.decode()
        _check(response, f"POST {url} without a CSRF token")
