"""Wagtail's view restrictions (login, password, groups) hold everywhere: a restricted page is
reached at its own address only (and its handout, checked the same way); no search, listing,
facet count, commune page, map, API, export, sitemap, handout of another page or selection
shows it, to anyone, and no cached answer outlives a restriction. Each restricted page carries
a marker that the public pages never do."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageViewRestriction

from fiches.models import FichePage, Public, Theme
from moderation.roles import Role, install_roles
from tests import builders, pdf

pytestmark = pytest.mark.django_db

MARKER = "Quetzal"  # in every restricted page, in no other
FICHE_WORD = "Quetzalfiche"
PLACE_WORD = "Quetzallieu"
PASSWORD = "mot-de-passe-7"
RESTRICTIONS = [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD, PageViewRestriction.GROUPS]


@pytest.fixture
def network(db, django_user_model):
    groups = install_roles()
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    theme = Theme.objects.create(name="Thème témoin", slug="theme-temoin")
    public = Public.objects.create(name="Public témoin", slug="public-temoin")
    open_place = builders.structure(
        pages["structure_index"],
        autun,
        "France Services d’Autun",
        kind="france_services",
        slots=[(d, (0, 0), (23, 59), False) for d in range(7)],
    )
    hidden_place = builders.structure(
        pages["structure_index"],
        autun,
        f"{PLACE_WORD} d’Autun",
        kind="mds",
        description=f"Accueil {PLACE_WORD}.",
        slots=[(d, (0, 0), (23, 59), True) for d in range(7)],
    )
    territory = builders.territory(pages["departement"], "Territoire d’Autun", communes=[autun])
    hidden_territory = builders.territory(pages["departement"], f"Territoire {MARKER}", communes=[autun])
    open_fiche = builders.fiche(
        pages["fiche_index"],
        "Aide au transport",
        places=[open_place, hidden_place],
        themes=[theme],
        publics=[public],
    )
    open_fiche.carriers = [FichePage.carriers.rel.related_model(structure=hidden_place)]
    open_fiche.keywords.add("transport")
    open_fiche.save_revision().publish()
    hidden_fiche = builders.fiche(
        pages["fiche_index"],
        f"Aide {FICHE_WORD}",
        summary=f"Résumé {FICHE_WORD} secret.",
        places=[open_place],
        themes=[theme],
        publics=[public],
    )
    hidden_fiche.keywords.add("transport", f"{MARKER.lower()}motcle")
    hidden_fiche.save_revision().publish()
    agent = django_user_model.objects.create_user("agent", "agent@exemple.fr", "x")
    agent.groups.add(groups[str(Role.PROFESSIONALS)])
    moderator = django_user_model.objects.create_user("marc", "marc@exemple.fr", "x")
    moderator.groups.add(groups[str(Role.MODERATORS)])
    return {
        **pages,
        "autun": autun,
        "theme": theme,
        "public": public,
        "open_place": open_place,
        "hidden_place": hidden_place,
        "territory": territory,
        "hidden_territory": hidden_territory,
        "open_fiche": FichePage.objects.get(pk=open_fiche.pk),
        "hidden_fiche": FichePage.objects.get(pk=hidden_fiche.pk),
        "agent": agent,
        "moderator": moderator,
    }


def restrict(page, kind):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password=PASSWORD if kind == PageViewRestriction.PASSWORD else ""
    )
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.get(name=str(Role.MODERATORS))])
    return restriction


def restrict_all(network, kind):
    return [restrict(network[name], kind) for name in ("hidden_fiche", "hidden_place", "hidden_territory")]


def listing_urls(network):
    """Every public URL that lists or derives from pages, with the criteria that would find
    the restricted ones."""
    fiche = network["open_fiche"]
    return [
        "/",
        f"/recherche/?q={FICHE_WORD}",
        f"/recherche/?q={PLACE_WORD}",
        "/recherche/?q=aide",
        "/recherche/?q=aide&commune=Autun",
        "/recherche/?commune=Autun&ouvert=1",
        "/recherche/?q=aide&sans_rdv=1",
        "/recherche/?q=aide&type=mds",
        "/themes/theme-temoin/",
        "/themes/theme-temoin/?commune=Autun",
        "/publics/",
        "/publics/public-temoin/",
        "/mots-cles/",
        "/mots-cles/transport/",
        "/par-territoire/",
        "/par-territoire/territoire-dautun/",
        "/communes/71014/",
        "/fiches/",
        "/structures/",
        network["territory"].url,
        network["departement"].url,
        fiche.url,
        f"{fiche.url}?commune=Autun",
        network["open_place"].url,
        "/api/v1/fiches",
        "/api/v1/fiches?commune=71014",
        "/api/v1/fiches?theme=theme-temoin",
        f"/api/v1/fiches/{fiche.pk}?commune=71014",
        "/api/v1/structures",
        "/api/v1/structures?commune=71014",
        "/donnees/services.json",
        "/donnees/structures.json",
        "/donnees/services.csv",
        "/donnees/structures.csv",
        "/sitemap.xml",
        "/selection/",
    ]


def shown(client, url):
    """The answer's text, without the words the visitor typed (the search box, the title and
    the links of the facets give them back: that echo is no leak)."""
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    for word in (FICHE_WORD, PLACE_WORD):
        text = text.replace(f"q={word}", "").replace(f'value="{word}"', "").replace(f"« {word} »", "")
    return text


def with_selection(client, network):
    session = client.session
    session["selection"] = [network["open_fiche"].pk, network["hidden_fiche"].pk]
    session.save()
    return client


def pdfs_of_other_pages(client, network):
    """The handouts and selection a visitor may print that are not the restricted pages'."""
    with_selection(client, network)
    return {
        "handout": pdf.text(
            client.get(f"/imprimer/fiche/{network['open_fiche'].pk}.pdf?commune=Autun").content
        ),
        "selection": pdf.text(client.get("/selection/fiches.pdf?commune=Autun").content),
    }


def facet_count(html, label):
    match = re.search(re.escape(label) + r' <span class="count">\((\d+)', html)
    return int(match.group(1)) if match else 0


# --- Nothing listed or derived shows a restricted page ----------------------------------------


def test_the_markers_are_found_everywhere_before_any_restriction(network):
    """The test below can fail: without restrictions, the same URLs show the markers."""
    client = Client(HTTP_HOST="localhost")
    with_selection(client, network)
    found = [url for url in listing_urls(network) if MARKER in shown(client, url)]
    assert len(found) >= 25, found
    assert all(MARKER in text for text in pdfs_of_other_pages(client, network).values())


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_restricted_fiche_structure_and_territory_appear_nowhere_to_an_anonymous_visitor(network, kind):
    restrict_all(network, kind)
    client = Client(HTTP_HOST="localhost")
    with_selection(client, network)
    for url in listing_urls(network):
        assert MARKER not in shown(client, url), url
    for name, text in pdfs_of_other_pages(client, network).items():
        assert MARKER not in text, name
        assert "Aide au transport" in text, name
    # Found by nothing, counted nowhere.
    search = shown(client, f"/recherche/?q={FICHE_WORD}")
    assert "Aucune fiche ne correspond" in search
    listing = shown(client, "/recherche/?q=aide")
    assert facet_count(listing, "Public témoin") == 1
    assert facet_count(listing, "Territoire d’Autun") == 1
    assert facet_count(listing, "Maison départementale des solidarités") == 0
    assert "/par-territoire/territoire-quetzal/" not in shown(client, "/par-territoire/")
    assert client.get("/par-territoire/territoire-quetzal/").status_code == 404
    # The API and the selection refuse them by their ids.
    assert client.get(f"/api/v1/fiches/{network['hidden_fiche'].pk}").status_code == 404
    assert client.get(f"/api/v1/structures/{network['hidden_place'].pk}").status_code == 404
    assert client.post(f"/selection/ajouter/{network['hidden_fiche'].pk}/").status_code == 404


def test_facet_counts_change_when_a_fiche_is_restricted(network):
    client = Client(HTTP_HOST="localhost")
    before = shown(client, "/recherche/?q=aide")
    assert facet_count(before, "Public témoin") == 2
    assert facet_count(before, "Maison départementale des solidarités") == 1
    assert facet_count(before, "Un lieu sans rendez-vous") == 1
    restrict(network["hidden_fiche"], PageViewRestriction.LOGIN)
    restrict(network["hidden_place"], PageViewRestriction.LOGIN)
    after = shown(client, "/recherche/?q=aide")
    assert facet_count(after, "Public témoin") == 1
    assert facet_count(after, "Maison départementale des solidarités") == 0
    assert facet_count(after, "Un lieu sans rendez-vous") == 0
    assert "1 fiche<" in after


def test_a_restriction_on_a_section_hides_every_page_below_it(network):
    restrict(network["fiche_index"], PageViewRestriction.LOGIN)
    restrict(network["structure_index"], PageViewRestriction.PASSWORD)
    client = Client(HTTP_HOST="localhost")
    assert "Aucune fiche ne correspond" in shown(client, "/recherche/?q=aide")
    assert client.get("/api/v1/fiches").json()["count"] == 0
    assert client.get("/api/v1/structures").json()["count"] == 0
    assert client.get("/donnees/services.json").json() == []
    assert "Aide au transport" not in shown(client, "/sitemap.xml")
    assert "France Services" not in shown(client, "/communes/71014/")


# --- At its own address: Wagtail's check, for the page and its handout alike --------------------


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_restricted_page_and_its_handout_are_refused_to_an_anonymous_visitor(network, kind):
    restrict_all(network, kind)
    client = Client(HTTP_HOST="localhost")
    for page, handout in (
        (network["hidden_fiche"], f"/imprimer/fiche/{network['hidden_fiche'].pk}.pdf"),
        (network["hidden_place"], f"/imprimer/structure/{network['hidden_place'].pk}.pdf"),
    ):
        # The page, its handout and its report form (which names the page).
        for url in (page.url, handout, f"/signaler/{page.pk}/", f"/signaler/{page.pk}/merci/"):
            response = client.get(url)
            assert response["Content-Type"] != "application/pdf", url
            assert MARKER not in response.content.decode(), url
            if kind == PageViewRestriction.PASSWORD:
                assert response.status_code == 200 and 'name="password"' in response.content.decode()
            else:
                assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_password_opens_the_page_and_its_handout_and_nothing_else(network):
    restrict(network["hidden_fiche"], PageViewRestriction.PASSWORD)
    fiche = network["hidden_fiche"]
    handout = f"/imprimer/fiche/{fiche.pk}.pdf"
    client = Client(HTTP_HOST="localhost")
    form = client.get(handout).content.decode()
    action = re.search(r'<form action="([^"]+)"', form).group(1)
    response = client.post(action, {"password": PASSWORD, "return_url": handout})
    assert response.status_code == 302 and response["Location"] == handout
    assert FICHE_WORD in pdf.text(client.get(handout).content)
    assert FICHE_WORD in client.get(fiche.url).content.decode()
    # Derived data stays the same for everyone, the password given or not.
    assert FICHE_WORD not in shown(client, "/recherche/?q=aide")
    assert FICHE_WORD not in shown(client, "/api/v1/fiches")


def test_a_signed_in_professional_reads_a_login_restricted_page_at_its_address_only(network):
    restrict_all(network, PageViewRestriction.LOGIN)
    agent = Client(HTTP_HOST="localhost")
    agent.force_login(network["agent"])
    fiche, place = network["hidden_fiche"], network["hidden_place"]
    assert FICHE_WORD in agent.get(fiche.url).content.decode()
    assert PLACE_WORD in agent.get(place.url).content.decode()
    assert FICHE_WORD in pdf.text(agent.get(f"/imprimer/fiche/{fiche.pk}.pdf?pro=1").content)
    assert PLACE_WORD in pdf.text(agent.get(f"/imprimer/structure/{place.pk}.pdf").content)
    assert FICHE_WORD in agent.get(f"/signaler/{fiche.pk}/").content.decode()
    # Lists, counts, maps, exports and other handouts are the same for every audience.
    with_selection(agent, network)
    for url in listing_urls(network):
        assert MARKER not in shown(agent, url), url
    assert all(MARKER not in text for text in pdfs_of_other_pages(agent, network).values())


def test_a_group_restriction_admits_its_group_only(network):
    restrict(network["hidden_fiche"], PageViewRestriction.GROUPS)
    agent, moderator = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    agent.force_login(network["agent"])
    moderator.force_login(network["moderator"])
    url = f"/imprimer/fiche/{network['hidden_fiche'].pk}.pdf"
    assert agent.get(network["hidden_fiche"].url).status_code == 302
    assert agent.get(url).status_code == 302
    assert moderator.get(network["hidden_fiche"].url).status_code == 200
    assert FICHE_WORD in pdf.text(moderator.get(url).content)


# --- Caches --------------------------------------------------------------------------------------


def test_no_cached_answer_shows_an_anonymous_visitor_what_a_professional_was_shown(network):
    restrict_all(network, PageViewRestriction.LOGIN)
    fiche = network["hidden_fiche"]
    agent = Client(HTTP_HOST="localhost")
    agent.force_login(network["agent"])
    urls = [fiche.url, f"/imprimer/fiche/{fiche.pk}.pdf", f"/imprimer/fiche/{fiche.pk}.pdf?commune=Autun"]
    for url in urls:
        assert agent.get(url).status_code == 200
    pdfs_of_other_pages(agent, network)
    for url in listing_urls(network):
        shown(agent, url)
    anonymous = Client(HTTP_HOST="localhost")
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and MARKER not in response.content.decode(), url
    for url in listing_urls(network):
        assert MARKER not in shown(anonymous, url), url
    assert all(MARKER not in text for text in pdfs_of_other_pages(anonymous, network).values())


def test_a_professional_is_not_refused_what_an_anonymous_visitor_was_refused(network):
    restrict_all(network, PageViewRestriction.LOGIN)
    fiche = network["hidden_fiche"]
    handout = f"/imprimer/fiche/{fiche.pk}.pdf"
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get(fiche.url).status_code == 302
    assert anonymous.get(handout).status_code == 302
    agent = Client(HTTP_HOST="localhost")
    agent.force_login(network["agent"])
    assert FICHE_WORD in agent.get(fiche.url).content.decode()
    assert FICHE_WORD in pdf.text(agent.get(handout).content)


def test_a_restriction_added_later_hides_at_once_what_the_caches_kept_and_lifting_it_shows_it_again(
    network,
):
    client = Client(HTTP_HOST="localhost")
    with_selection(client, network)
    urls = [
        f"/recherche/?q={FICHE_WORD}",
        "/recherche/?q=aide&commune=Autun",
        "/themes/theme-temoin/?commune=Autun",
        "/communes/71014/",
        f"{network['open_fiche'].url}?commune=Autun",
        "/structures/",
        "/api/v1/fiches",
    ]
    for url in urls:  # each kept in the caches (results, places, fragments, markers)
        assert MARKER in shown(client, url), url
    assert all(MARKER in text for text in pdfs_of_other_pages(client, network).values())
    restrictions = restrict_all(network, PageViewRestriction.LOGIN)
    for url in urls:
        assert MARKER not in shown(client, url), url
    assert all(MARKER not in text for text in pdfs_of_other_pages(client, network).values())
    for restriction in restrictions:
        restriction.delete()
    for url in urls:
        assert MARKER in shown(client, url), url
    assert all(MARKER in text for text in pdfs_of_other_pages(client, network).values())
