from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from fiches import handouts
from fiches.models import FicheLink
from tests import builders, pdf

pytestmark = pytest.mark.django_db
PRO_MARKER = "MARQUEUR-PRO-7f3a"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def world(db):
    pages = builders.site()
    cc = builders.epci("200070530", "CC du Grand Autunois Morvan", "CC")
    communes = {
        "autun": builders.commune(builders.AUTUN, epci_=cc),
        "le_creusot": builders.commune(builders.LE_CREUSOT),
        "macon": builders.commune(builders.MACON),
        "charolles": builders.commune(builders.CHAROLLES),
    }
    index = pages["structure_index"]
    places = {
        name: builders.structure(
            index,
            c,
            f"CCAS {c.name}",
            phone=f"03 85 00 00 0{i}",
            address=f"{i} place de la Mairie",
            slots=[(0, (9, 0), (12, 0), True), (1, (14, 0), (17, 0), False)],
        )
        for i, (name, c) in enumerate(communes.items())
    }
    return {**pages, **communes, "places": places}


def body(conditions=(), steps=(), documents=(), section=""):
    import json

    blocks = []
    if conditions:
        blocks.append(
            {"type": "conditions", "value": "<ul>" + "".join(f"<li>{c}</li>" for c in conditions) + "</ul>"}
        )
    if steps:
        blocks.append({"type": "steps", "value": list(steps)})
    if documents:
        blocks.append({"type": "documents", "value": list(documents)})
    if section:
        blocks.append({"type": "section", "value": {"heading": "À savoir", "text": f"<p>{section}</p>"}})
    blocks.append({"type": "cost", "value": {"is_free": True, "details": ""}})
    return json.dumps(blocks)


def usual_fiche(world, **values):
    values.setdefault("summary", "Une aide pour payer les factures d’énergie des ménages modestes.")
    values.setdefault(
        "body",
        body(
            ["Résider dans le département", "Ressources sous le plafond"],
            ["Prendre rendez-vous", "Constituer le dossier", "Déposer la demande"],
            ["Pièce d’identité", "Avis d’imposition"],
        ),
    )
    fiche = builders.fiche(
        world["fiche_index"],
        values.pop("title", "Aide aux factures d’énergie"),
        places=values.pop("places", list(world["places"].values())),
        last_verified=date(2026, 9, 1),
        pro_content=f"<p>{PRO_MARKER}</p>",
        **values,
    )
    fiche.links = [FicheLink(title="Site officiel", url="https://www.service-public.fr")]
    fiche.save_revision().publish()
    return fiche


def get_pdf(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_a_fiche_handout_is_one_a4_page_with_the_essentials(world, client):
    fiche = usual_fiche(world)
    content = get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf")

    assert pdf.pages(content) == 1
    assert "A4" in pdf.info(content)["Page size"]
    text = pdf.text(content)
    for expected in (
        "Aide aux factures d’énergie",
        "Conditions",
        "Pièces à fournir",
        "Comment faire",
        "Tél. 03 85 00 00 0",
        "Informations vérifiées le 01/09/2026",
        f"Imprimé le {timezone.localdate():%d/%m/%Y}",
        "Saône-et-Loire",
        "Fiche en ligne",
    ):
        assert expected in text, expected
    assert f"http://127.0.0.1:8000{fiche.url}" in pdf.compact(content)  # REPERES_PUBLIC_URL
    assert "suite en ligne" not in text


def test_the_qr_code_leads_to_the_online_fiche(world, rf):
    fiche = usual_fiche(world)
    request = rf.get("/", HTTP_HOST="localhost")
    handout = handouts.fiche_handout(fiche, request)
    html = handouts.handout_html(handout, handouts.Branding("Saône-et-Loire"))
    assert handouts.qr_data_uri(f"http://127.0.0.1:8000{fiche.url}") in html


def test_with_a_commune_the_handout_lists_the_three_nearest_places(world, client):
    fiche = usual_fiche(world)
    content = get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", commune="Le Creusot")
    text = pdf.text(content)

    assert "les plus proches de : Le Creusot" in text
    # Le Creusot (0 km), Autun (17.8 km), Charolles; Mâcon is the fourth, left out.
    assert text.index("CCAS Le Creusot") < text.index("CCAS Autun") < text.index("CCAS Charolles")
    assert "CCAS Mâcon" not in text
    assert "17,8 km" in text
    # Compact: at the sheet's real type size "rendez-vous" may break at its hyphen.
    compact = pdf.compact(content)
    assert "Lundi:09:00–12:00" in compact and "Mardi:14:00–17:00(surrendez-vous)" in compact


LONG_WORD = "Anticonstitutionnellement" * 6
LONG_URL = "https://www.service-public.fr/particuliers/vosdroits/" + "segment-" * 40


@pytest.mark.parametrize(
    "case",
    ["ten_times_the_text", "thirty_places", "long_words_and_urls", "everything_at_once"],
)
def test_extreme_fiches_still_fit_on_exactly_one_page_with_a_mark(world, client, case):
    index = world["structure_index"]
    many_places = [
        builders.structure(index, world["autun"], f"Lieu numéro {i}", phone=f"03 85 52 00 {i:02d}")
        for i in range(30)
    ]
    long_text = "Les droits sont étudiés au cas par cas selon la situation du foyer. " * 40
    values = {}
    if case in ("ten_times_the_text", "everything_at_once"):
        values["summary"] = long_text[:600] * 2
        values["body"] = body(
            [long_text[:300]] * 20,
            [long_text[:250]] * 25,
            ["Justificatif de ressources des trois derniers mois"] * 30,
            long_text,
        )
    if case in ("thirty_places", "everything_at_once"):
        values["places"] = many_places
    if case in ("long_words_and_urls", "everything_at_once"):
        values["title"] = "Aide " + LONG_WORD
        values["body"] = body([LONG_WORD + " " + LONG_URL] * 8, [LONG_URL] * 8, [LONG_WORD] * 8, LONG_URL * 3)
    fiche = usual_fiche(world, **values)

    content = get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", commune="Autun")

    assert pdf.pages(content) == 1
    text, compact = pdf.text(content), pdf.compact(content)
    assert fiche.title[:30].replace(" ", "") in compact
    assert "Tél. 03 85" in text
    assert "Informations vérifiées le 01/09/2026" in text
    assert "Fiche en ligne" in text and f"127.0.0.1:8000{fiche.url}" in compact
    if case != "thirty_places":
        assert "suite en ligne" in text  # clamped, and says so beside the QR code


def test_a_structure_handout_has_address_hours_and_accessibility(world, client):
    structure = world["places"]["autun"]
    structure.accessibility = "accessible"
    structure.save_revision().publish()
    text = pdf.text(get_pdf(client, f"/imprimer/structure/{structure.pk}.pdf"))

    assert "CCAS Autun" in text and "0 place de la Mairie" in text
    assert "Lundi : 09:00–12:00" in text and "(sur rendez-vous)" in text
    assert "Sans rendez-vous sauf mention contraire" in text
    assert "Accessible aux personnes à mobilité réduite" in text


def test_public_handouts_never_contain_professional_content(world, client, django_user_model):
    from django.contrib.auth.models import Permission

    fiche = usual_fiche(world)
    assert PRO_MARKER not in pdf.text(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", pro="1"))

    agent = django_user_model.objects.create_user("agent", password="x")
    agent.user_permissions.add(
        Permission.objects.get(codename="view_professional_content", content_type__app_label="fiches")
    )
    client.force_login(agent)
    assert PRO_MARKER not in pdf.text(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf"))
    text = pdf.text(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", pro="1"))
    assert PRO_MARKER in text and "Usage professionnel — ne pas remettre au public" in text
    client.logout()
    # The professional's PDF is cached, but never served to someone else.
    assert PRO_MARKER not in pdf.text(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", pro="1"))


def test_failures_give_a_pdf_without_the_missing_part(world, client, settings):
    fiche = usual_fiche(
        world,
        body=body(
            section='Voir <img src="https://example.invalid/tracker.png"> et <img src="/media/absente.png">'
        ),
    )
    assert pdf.pages(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", commune="Atlantis")) == 1
    assert pdf.pages(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", commune="\x00" * 3)) == 1
    assert client.get("/imprimer/fiche/999999.pdf").status_code == 404


def test_a_missing_logo_file_is_skipped(world, client):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from home.models import SiteSettings

    image = Image.objects.create(title="Logo", file=get_test_image_file())
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.logo = image
    site_settings.save()
    fiche = usual_fiche(world)
    assert pdf.pages(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf")) == 1
    image.file.storage.delete(image.file.name)
    cache.clear()
    assert pdf.pages(get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf")) == 1


def test_the_fetcher_never_leaves_the_site(settings, tmp_path):
    fetcher = handouts.LocalOnlyURLFetcher()
    for url in (
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/static/css/reperes.css",
        "file:///etc/passwd",
        handouts.INTERNAL_BASE_URL + "media/../../etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(handouts.INTERNAL_BASE_URL + "static/css/reperes.css").read().startswith(b"/*")


def test_pdfs_are_cached_and_invalidated_on_publish(world, client, monkeypatch):
    calls = []
    real = handouts.render_document
    monkeypatch.setattr(handouts, "render_document", lambda html: calls.append(1) or real(html))
    fiche = usual_fiche(world)
    url = f"/imprimer/fiche/{fiche.pk}.pdf"

    first = get_pdf(client, url)
    assert get_pdf(client, url) == first and len(calls) == 1
    get_pdf(client, url, commune="Autun")
    assert len(calls) == 2  # another commune, another sheet

    fiche.title = "Aide aux factures d’énergie et d’eau"
    fiche.save_revision().publish()
    assert "et d’eau" in pdf.text(get_pdf(client, url)) and len(calls) == 3


def test_a_structure_change_invalidates_fiche_handouts(world, client, django_capture_on_commit_callbacks):
    fiche = usual_fiche(world)
    url = f"/imprimer/fiche/{fiche.pk}.pdf?commune=Autun"  # the Autun place comes first
    get_pdf(client, url)
    place = world["places"]["autun"]
    place.phone = "03 85 99 99 99"
    with django_capture_on_commit_callbacks(execute=True):
        place.save_revision().publish()
    assert "03 85 99 99 99" in pdf.text(get_pdf(client, url))


def test_the_selection_is_built_reviewed_printed_and_cleared(world, client):
    first, second = usual_fiche(world), usual_fiche(world, title="Chèque énergie")

    for fiche in (first, second, first):
        assert client.post(f"/selection/ajouter/{fiche.pk}/").status_code == 302
    page = client.get("/selection/").content.decode()
    assert "Ma sélection" in page and "(2<" in page and "Chèque énergie" in page

    content = get_pdf(client, "/selection/fiches.pdf", commune="Autun")
    assert pdf.pages(content) == 2
    assert "Chèque énergie" in pdf.text(content)

    client.post(f"/selection/retirer/{first.pk}/")
    assert pdf.pages(get_pdf(client, "/selection/fiches.pdf")) == 1
    client.post("/selection/vider/")
    response = client.get("/selection/fiches.pdf", follow=True)
    assert "Votre sélection est vide" in response.content.decode()


def test_selection_changes_need_a_post(world, client):
    fiche = usual_fiche(world)
    assert client.get(f"/selection/ajouter/{fiche.pk}/").status_code == 405


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_selection_never_redirects_off_site(world, client, target):
    fiche = usual_fiche(world)
    response = client.post(f"/selection/ajouter/{fiche.pk}/", {"next": target})
    assert response.status_code == 302 and response["Location"] == fiche.url


def test_selection_goes_back_to_the_page_the_agent_came_from(world, client):
    fiche = usual_fiche(world)
    response = client.post(f"/selection/ajouter/{fiche.pk}/", {"next": "/recherche/?q=aide"})
    assert response["Location"] == "/recherche/?q=aide"


# --- The selection is bounded and cached ------------------------------------------------------


def select(client, *fiches):
    for fiche in fiches:
        client.post(f"/selection/ajouter/{fiche.pk}/")


def craft_selection(client, ids):
    """A selection put in the session otherwise than by the "Ajouter" button."""
    session = client.session
    session["selection"] = ids
    session.save()


def test_a_selection_holds_twenty_fiches_and_a_21st_is_refused_in_french(world, client):
    fiches = [builders.fiche(world["fiche_index"], f"Fiche n° {n}") for n in range(21)]
    select(client, *fiches[:20])

    response = client.post(f"/selection/ajouter/{fiches[20].pk}/", follow=True)

    html = response.content.decode()
    assert "« Fiche n° 20 » n’a pas été ajoutée : votre sélection compte déjà 20 fiches" in html
    assert client.session["selection"] == [f.pk for f in fiches[:20]]
    assert "Fiche n° 20" not in client.get("/selection/").content.decode().split("<main")[1]


def test_a_selection_of_the_maximum_prints_one_page_per_fiche(world, client, settings):
    settings.FICHES_SELECTION_MAX = 3
    fiches = [usual_fiche(world, title=f"Aide n° {n}") for n in range(3)]
    select(client, *fiches)

    content = get_pdf(client, "/selection/fiches.pdf")

    assert pdf.pages(content) == 3
    assert all(f"Aide n° {n}" in pdf.text(content) for n in range(3))


def test_an_over_long_selection_is_refused_with_a_french_message_not_rendered(
    world, client, settings, monkeypatch
):
    settings.FICHES_SELECTION_MAX = 3
    renders = []
    real = handouts.render_document
    monkeypatch.setattr(handouts, "render_document", lambda html: renders.append(1) or real(html))
    fiches = [builders.fiche(world["fiche_index"], f"Fiche n° {n}") for n in range(4)]
    craft_selection(client, [f.pk for f in fiches] + [10**20, "abc"])

    response = client.get("/selection/fiches.pdf", follow=True)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.redirect_chain == [("/selection/", 302)]
    assert "Votre sélection compte 4 fiches : un PDF en réunit au plus 3. Retirez-en 1" in (
        response.content.decode().replace("&nbsp;", " ")
    )
    assert renders == []


def test_a_selection_repeating_one_fiche_prints_it_once(world, client, settings):
    settings.FICHES_SELECTION_MAX = 3
    fiche = usual_fiche(world)
    craft_selection(client, [fiche.pk] * 500)

    assert pdf.pages(get_pdf(client, "/selection/fiches.pdf")) == 1


def test_the_selection_pdf_is_cached_per_revision_commune_and_audience(
    world, client, monkeypatch, django_user_model
):
    from django.contrib.auth.models import Permission

    renders = []
    real = handouts.render_document
    monkeypatch.setattr(handouts, "render_document", lambda html: renders.append(1) or real(html))
    first, second = usual_fiche(world), usual_fiche(world, title="Chèque énergie")
    select(client, first, second)

    content = get_pdf(client, "/selection/fiches.pdf")
    rendered = len(renders)
    assert get_pdf(client, "/selection/fiches.pdf") == content and len(renders) == rendered

    get_pdf(client, "/selection/fiches.pdf", commune="Autun")
    assert len(renders) > rendered  # another commune, other places: another PDF
    rendered = len(renders)

    second.title = "Chèque énergie 2027"
    second.save_revision().publish()
    assert "Chèque énergie 2027" in pdf.text(get_pdf(client, "/selection/fiches.pdf"))
    assert len(renders) > rendered

    # The professional's selection is cached apart and never served to anyone else.
    agent = django_user_model.objects.create_user("agent", password="x")
    agent.user_permissions.add(
        Permission.objects.get(codename="view_professional_content", content_type__app_label="fiches")
    )
    client.force_login(agent)
    select(client, first, second)
    assert PRO_MARKER in pdf.text(get_pdf(client, "/selection/fiches.pdf", pro="1"))
    client.logout()
    select(client, first, second)
    assert PRO_MARKER not in pdf.text(get_pdf(client, "/selection/fiches.pdf", pro="1"))


def test_the_type_size_of_each_level_reaches_the_sheet_in_the_french_locale(world, rf):
    fiche = usual_fiche(world)
    handout = handouts.fiche_handout(fiche, rf.get("/", HTTP_HOST="localhost"))
    branding = handouts.Branding("Saône-et-Loire")
    assert "font-size: 10.5pt" in handouts.handout_html(handout, branding, 0)
    # Each level is a real change of type size WeasyPrint reads ("10,5pt" it would ignore).
    sizes = [level.font_size for level in handouts.FIT_LEVELS]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_far_places_give_way_before_any_condition_step_or_document(world, client):
    conditions = [f"Condition numéro {i} à remplir par le demandeur au jour de la demande" for i in range(12)]
    steps = [f"Étape numéro {i} : se rendre au guichet avec le dossier complet et signé" for i in range(12)]
    documents = [f"Document numéro {i}, original et copie" for i in range(10)]
    fiche = usual_fiche(world, body=body(conditions, steps, documents))

    content = get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", commune="Le Creusot")

    assert pdf.pages(content) == 1
    compact = pdf.compact(content)
    for item in conditions + steps + documents:
        assert item.replace(" ", "") in compact, item
    assert "CCASLeCreusot" in compact  # the nearest place stays
    assert "CCASCharolles" not in compact  # the farthest gave way
    assert "suiteenligne" in compact


def test_the_professional_note_is_cut_between_sentences_never_inside_one(world, client):
    sentences = [f"Le partenaire numéro {i} répond sous huit jours ouvrés au plus." for i in range(60)]
    fiche = usual_fiche(
        world,
        body=body(
            ["Résider dans le département"], ["Prendre rendez-vous"], ["Pièce d’identité"], "Texte. " * 200
        ),
    )
    fiche.pro_content = "<p>" + " ".join(sentences) + "</p>"
    fiche.save_revision().publish()
    handout = handouts.fiche_handout(fiche, client.get("/").wsgi_request, include_pro=True)
    document, level = handouts.fit(handout, handouts.Branding("Saône-et-Loire"))
    compact = pdf.compact(document.write_pdf())

    assert level > 0
    shown = [s for s in sentences if s.replace(" ", "") in compact]
    assert 0 < len(shown) < len(sentences)
    # The sentences shown are the first ones, whole; nothing of the next one is on the sheet.
    assert shown == sentences[: len(shown)]
    assert f"numéro{len(shown)}" not in compact
    assert "Résiderdansledépartement" in compact and "Pièced’identité" in compact


def test_the_link_and_qr_code_use_the_public_address_not_the_request_host(world, client, settings):
    settings.REPERES_PUBLIC_URL = "https://reperes.exemple.fr/"
    fiche = usual_fiche(world)
    content = get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf")  # asked through "localhost"

    compact = pdf.compact(content)
    assert f"https://reperes.exemple.fr{fiche.url}" in compact
    assert f"https://reperes.exemple.fr/s/{fiche.pk}" in compact  # "signalez-la"
    assert "localhost" not in compact
    handout = handouts.fiche_handout(fiche, client.get("/").wsgi_request)
    html = handouts.handout_html(handout, handouts.Branding("Saône-et-Loire"))
    assert handouts.qr_data_uri(f"https://reperes.exemple.fr{fiche.url}") in html


def structure_types(content):
    """The types of the tagged PDF's structure elements, in the structure tree's order (the
    reading order), with each Figure's alternative text."""
    import io

    import pikepdf

    document = pikepdf.open(io.BytesIO(content))
    found = []

    def walk(node):
        if "/S" in node:
            kind = str(node.S)
            found.append(f"{kind}:{node.Alt}" if kind == "/Figure" and "/Alt" in node else kind)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid)

    walk(document.Root.StructTreeRoot)
    return document, found


def test_handouts_are_tagged_pdf_ua_with_language_title_and_reading_order(world, client):
    fiche = usual_fiche(world)
    content = get_pdf(client, f"/imprimer/fiche/{fiche.pk}.pdf", commune="Le Creusot")

    document, types = structure_types(content)
    root = document.Root
    assert str(root.Lang) == "fr"
    assert bool(root.MarkInfo.Marked) and bool(root.ViewerPreferences.DisplayDocTitle)
    assert str(document.docinfo.Title) == fiche.title
    with document.open_metadata() as meta:
        assert meta["pdfuaid:part"] == "1" and meta["dc:title"] == fiche.title
    # Reading order: title, summary, then each section's heading and its list or paragraph,
    # the places, and last the footer's QR code (with its text alternative).
    outline = [t for t in types if t in ("/H1", "/H2", "/L", "/Table") or t.startswith("/Figure")]
    assert outline == [
        "/Table",  # the header: département and kind of sheet
        "/H1",
        "/H2",  # Conditions
        "/L",
        "/H2",  # Comment faire
        "/L",
        "/H2",  # Pièces à fournir
        "/L",
        "/H2",  # Coût
        "/H2",  # Où s’adresser
        "/Table",
        "/Table",  # the footer
        "/Figure:Code QR vers la fiche en ligne",
    ]
    assert types.count("/LI") == 2 + 3 + 2  # every condition, step and document is a list item
    assert types.index("/H1") < types.index("/P") < types.index("/H2")  # the summary after the title


def test_a_selection_pdf_is_tagged_too(world, client):
    first, second = usual_fiche(world), usual_fiche(world, title="Aide au logement")
    select(client, first, second)
    content = get_pdf(client, "/selection/fiches.pdf")

    document, types = structure_types(content)
    assert str(document.Root.Lang) == "fr" and len(document.pages) == 2
    assert types.count("/H1") == 2
