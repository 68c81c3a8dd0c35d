"""Needs without an answer (fiches/needs/): the anonymous weekly counter of searches that found
little, "Je n'ai pas trouvé", and the counts the report and the indicators read."""

from datetime import date

import pytest
from django.db import connection

from fiches.models import NeedReport, UnansweredSearch
from fiches.needs.models import need_words
from tests import builders


@pytest.fixture
def territory(world):
    return builders.territory(world["departement"], "Territoire du Creusot", epcis=[world["cu"]])


def test_need_words_fold_case_accents_stop_words_and_numbers_in_the_order_typed():
    assert need_words("Aide  ALIMENTAIRE") == "aide alimentaire"
    assert need_words("Plus de chauffage à la maison") == "plus chauffage maison"
    assert need_words("l'épicerie d’été") == "epicerie ete"
    assert need_words("C2S 06 12 34 56 78 né le 12/03/1980") == "c2s"
    assert need_words("aide aide") == "aide"
    assert need_words("de la") == ""


def test_a_search_is_counted_once_a_week_per_words_and_territory_with_nothing_personal(world, territory):
    creusot = world["le_creusot"]
    monday = date(2026, 11, 30)
    assert UnansweredSearch.objects.record("Dentiste", creusot, day=date(2026, 12, 2))
    assert UnansweredSearch.objects.record("dentiste", creusot, day=date(2026, 12, 6))
    assert UnansweredSearch.objects.record("DENTISTE", None, day=date(2026, 12, 3))
    assert UnansweredSearch.objects.record("dentiste", None, day=date(2026, 12, 4))
    assert UnansweredSearch.objects.record("dentiste", None, day=date(2026, 12, 7))  # next week
    assert not UnansweredSearch.objects.record("de la", None)

    rows = {
        (r["words"], r["epci"], r["territoire"], r["week"]): r["count"]
        for r in UnansweredSearch.objects.values("words", "epci", "territoire", "week", "count")
    }
    assert rows == {
        ("dentiste", world["cu"].pk, territory.pk, monday): 2,
        ("dentiste", None, None, monday): 2,
        ("dentiste", None, None, date(2026, 12, 7)): 1,
    }
    # Nothing else is stored: no address, no user, no session, no time.
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), UnansweredSearch._meta.db_table
        )
    }
    assert columns == {"id", "words", "epci_id", "territoire_id", "week", "count"}


def test_counts_by_words_territory_and_month_over_a_period(world, territory):
    creusot = world["le_creusot"]
    for day in (date(2026, 10, 5), date(2026, 10, 6), date(2026, 11, 2)):
        UnansweredSearch.objects.record("dentiste", creusot, day=day)
    UnansweredSearch.objects.record("couches bébé", None, day=date(2026, 11, 3))
    UnansweredSearch.objects.record("dentiste", creusot, day=date(2025, 1, 6))  # out of the period

    rows = list(UnansweredSearch.objects.counts(date(2026, 1, 1), date(2026, 12, 31)))
    assert rows == [
        {
            "words": "dentiste",
            "territoire": territory.pk,
            "territoire__title": "Territoire du Creusot",
            "month": date(2026, 10, 1),
            "total": 2,
        },
        {
            "words": "couches bebe",
            "territoire": None,
            "territoire__title": None,
            "month": date(2026, 11, 1),
            "total": 1,
        },
        {
            "words": "dentiste",
            "territoire": territory.pk,
            "territoire__title": "Territoire du Creusot",
            "month": date(2026, 11, 1),
            "total": 1,
        },
    ]
    by_territory = list(
        UnansweredSearch.objects.counts(date(2026, 1, 1), date(2026, 12, 31), by=["territoire"])
    )
    assert [(r["territoire__title"], r["total"]) for r in by_territory] == [
        ("Territoire du Creusot", 3),
        (None, 1),
    ]


def test_need_reports_are_counted_and_expire_after_the_retention(world, territory, settings):
    settings.FICHES_NEED_REPORT_MONTHS = 12
    NeedReport.create_for("Garde d'enfant la nuit", world["le_creusot"], day=date(2026, 12, 2))
    NeedReport.create_for("Garde d'enfant la nuit", None, day=date(2025, 11, 20))
    report = NeedReport.objects.get(week=date(2026, 11, 30))
    assert (report.words, report.epci, report.territoire) == (
        "Garde d'enfant la nuit",
        world["cu"],
        territory,
    )
    rows = list(NeedReport.objects.counts(by=["words"]))
    assert rows == [{"words": "Garde d'enfant la nuit", "total": 2}]
    assert list(NeedReport.objects.expired(on=date(2026, 12, 2)).values_list("week", flat=True)) == [
        date(2025, 11, 17)
    ]


# --- Counted by the search, reported by agents, read by moderators ---------------------------


@pytest.fixture
def people(world, django_user_model):
    from moderation.roles import Role, install_roles

    groups = install_roles()
    users = {}
    for name, role in (
        ("agent", Role.PROFESSIONALS),
        ("responsable", Role.OWNERS),
        ("moderateur", Role.MODERATORS),
        ("admin", Role.ADMINISTRATORS),
    ):
        users[name] = django_user_model.objects.create_user(name, f"{name}@exemple.fr", "x")
        users[name].groups.add(groups[str(role)])
    return users


def _csv_lines(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_a_search_that_finds_little_is_counted_and_one_that_finds_enough_is_not(
    client, world, territory, settings, django_capture_on_commit_callbacks
):
    settings.FICHES_FEW_RESULTS = 1
    builders.fiche(world["fiche_index"], "Épicerie solidaire", summary="Aide alimentaire à petit prix.")
    builders.fiche(world["fiche_index"], "Colis alimentaires", summary="Aide alimentaire d’urgence.")
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/recherche/", {"q": "Dentiste", "insee": world["le_creusot"].insee_code})
        client.get("/recherche/", {"q": "dentiste", "commune": "Le Creusot"})
        client.get("/recherche/", {"q": "aide alimentaire"})  # two fiches: enough
        client.get("/recherche/", {"q": "dentiste", "page": "2"})  # another page of the same
        client.get("/recherche/", {"q": "dentiste", "commune": "", "public": "nope"})  # bad filter ignored
        client.get("/recherche/", {"commune": "Autun"})  # no words: a listing, not a need
    rows = set(UnansweredSearch.objects.values_list("words", "epci", "territoire", "count"))
    assert rows == {("dentiste", world["cu"].pk, territory.pk, 2), ("dentiste", None, None, 1)}


def test_the_not_found_link_is_offered_to_professionals_with_the_words_and_commune(client, world, people):
    url = "/recherche/?q=dentiste&insee=" + world["autun"].insee_code
    assert "Je n’ai pas trouvé" not in client.get(url).content.decode()
    html = _signed_in(client, people["agent"]).get(url).content.decode()
    assert "/recherche/pas-trouve/?q=dentiste&amp;commune=Autun" in html
    form = client.get("/recherche/pas-trouve/", {"q": "dentiste", "commune": "Autun"}).content.decode()
    assert "\ndentiste</textarea>" in form and 'value="Autun"' in form
    assert "Aucune donnée personnelle" in form and "ni rien sur la personne reçue" in form


def test_a_need_report_keeps_the_words_the_territory_and_the_week_only(
    client, world, territory, people, django_capture_on_commit_callbacks
):
    _signed_in(client, people["agent"])
    response = client.post(
        "/recherche/pas-trouve/",
        {"words": "  Dentiste   acceptant la C2S ", "commune": "le creusot", "q": "dentiste"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/recherche/?q=dentiste&insee={world['le_creusot'].insee_code}&signale=1"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(response["Location"])  # back to the search, counted once already
        client.get(response["Location"].replace("&signale=1", ""))
    assert list(UnansweredSearch.objects.values_list("words", "count")) == [("dentiste", 1)]
    report = NeedReport.objects.get()
    assert (report.words, report.epci, report.territoire) == (
        "Dentiste acceptant la C2S",
        world["cu"],
        territory,
    )
    assert report.week.weekday() == 0
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), NeedReport._meta.db_table
        )
    }
    assert columns == {"id", "words", "epci_id", "territoire_id", "week"}


@pytest.mark.parametrize(
    "words, commune, message",
    [
        ("", "", "Écrivez en quelques mots le besoin que vous n’avez pas trouvé."),
        ("x" * 301, "", "En quelques mots : 300 caractères au plus (vous en avez écrit 301)."),
        ("dentiste, rappeler au 06 12 34 56 78", "", "Retirez le numéro (téléphone, date de naissance…)"),
        ("dentiste pour jean.dupont@exemple.fr", "", "Retirez l’adresse électronique"),
        ("dentiste", "Atlantis", "Commune « Atlantis » introuvable dans le département"),
    ],
)
def test_a_need_report_with_bad_input_says_why_in_french_and_keeps_what_was_typed(
    client, world, people, words, commune, message
):
    _signed_in(client, people["agent"])
    response = client.post("/recherche/pas-trouve/", {"words": words, "commune": commune, "q": "dentiste"})
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert words[:50] in html
    assert not commune or f'value="{commune}"' in html
    assert not NeedReport.objects.exists()


def test_the_need_report_form_is_for_signed_in_professionals(client, world):
    response = client.get("/recherche/pas-trouve/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert client.post("/recherche/pas-trouve/", {"words": "dentiste"}).status_code == 302
    assert not NeedReport.objects.exists()


def test_the_report_counts_by_words_territory_and_month_for_moderators_with_a_csv(
    client, world, territory, people
):
    creusot = world["le_creusot"]
    UnansweredSearch.objects.record("dentiste", creusot, day=date(2026, 10, 5))
    UnansweredSearch.objects.record("dentiste", creusot, day=date(2026, 10, 13))
    UnansweredSearch.objects.record("couches bébé", None, day=date(2026, 11, 3))
    NeedReport.create_for("Garde d'enfant la nuit", creusot, day=date(2026, 11, 4))

    for name in ("moderateur", "admin"):
        _signed_in(client, people[name])
        html = client.get("/admin/reperes/besoins-sans-reponse/").content.decode()
        assert "Besoins sans réponse" in html and "Territoire du Creusot" in html and "octobre 2026" in html
        lines = _csv_lines(client.get("/admin/reperes/besoins-sans-reponse/", {"export": "csv"}))
        assert lines[0] == "Mots,Territoire,Mois,Recherches"
        assert sorted(lines[1:]) == sorted(
            [
                "dentiste,Territoire du Creusot,octobre 2026,2",
                "couches bebe,Sans commune précisée,novembre 2026,1",
            ]
        )
    period = client.get(
        "/admin/reperes/besoins-sans-reponse/",
        {"export": "csv", "debut": "2026-11-01", "fin": "2026-11-30", "par": "territoire"},
    )
    assert _csv_lines(period) == [
        "Territoire,Recherches",
        "Sans commune précisée,1",
    ]
    reports = client.get("/admin/reperes/besoins-sans-reponse/", {"export": "csv", "source": "signalements"})
    assert _csv_lines(reports)[1:] == ["Garde d'enfant la nuit,Territoire du Creusot,novembre 2026,1"]
    bad = client.get("/admin/reperes/besoins-sans-reponse/", {"debut": "hier", "par": "nope"})
    assert bad.status_code == 200


@pytest.mark.parametrize("name", ["agent", "responsable"])
def test_the_report_and_its_csv_are_refused_to_agents_and_owners(client, world, people, name):
    UnansweredSearch.objects.record("dentiste", None)
    _signed_in(client, people[name])
    for params in ({}, {"export": "csv"}):
        response = client.get("/admin/reperes/besoins-sans-reponse/", params)
        assert response.status_code in (302, 403)
        assert b"dentiste" not in response.content
    assert "Besoins sans réponse" not in client.get("/admin/", follow=True).content.decode()


def test_purge_needs_erases_reports_and_counters_past_their_retention(world, settings):
    from io import StringIO

    from django.core.management import call_command

    from territories.models import add_months

    settings.FICHES_NEED_REPORT_MONTHS = 12
    settings.FICHES_UNANSWERED_SEARCH_MONTHS = 24
    today = date.today()
    NeedReport.create_for("ancien besoin", None, day=add_months(today, -24))
    NeedReport.create_for("besoin récent", None, day=today)
    UnansweredSearch.objects.record("ancienne recherche", None, day=add_months(today, -36))
    UnansweredSearch.objects.record("recherche de l’an dernier", None, day=add_months(today, -13))
    out = StringIO()
    call_command("purge_needs", stdout=out)
    assert list(NeedReport.objects.values_list("words", flat=True)) == ["besoin récent"]
    assert list(UnansweredSearch.objects.values_list("words", flat=True)) == ["recherche an dernier"]
    assert "1 message(s)" in out.getvalue() and "1 compteur(s)" in out.getvalue()


def test_the_privacy_page_says_what_is_kept_of_unanswered_searches_and_for_how_long(client, world, settings):
    settings.FICHES_NEED_REPORT_MONTHS = 12
    page = client.get("/donnees-personnelles/").content.decode()
    assert "<title>Données personnelles" in page
    assert "Besoins sans réponse" in page
    assert "les recherches qui trouvent au plus 2 fiches" in page and "effacés après 24 mois" in page
    assert "jamais le nom de qui l’écrit" in page and "effacés après 12 mois" in page
    assert "Les recherches ne sont pas enregistrées, sauf celles qui ne trouvent rien ou presque" in page
