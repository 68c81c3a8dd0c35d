"""Indicators on a known data set (exact figures, on SQLite and PostgreSQL), the chosen period and
its bad input, consultations counted without personal data, the coverage model (first-reception
places only, its parameters, other speeds, monthly snapshots), the charts, and the report as a
PDF and as CSV files."""

import io
import uuid
import zipfile
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from fiches.models import NeedReport, Orientation, Theme, UnansweredSearch
from fiches.orientation.models import OrientationStatus
from moderation.indicators import Indicators
from moderation.models import Consultation, ErrorReport, ReportStatus
from moderation.period import Period, PeriodForm
from moderation.roles import Role, install_roles
from territories import coverage
from territories.models import Commune, CoverageSettings, CoverageSnapshot, StructurePage
from tests import builders, pdf
from tests.html import find, has

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
URL = "/admin/reperes/indicateurs/"
H1 = Period.between(date(2026, 1, 1), date(2026, 6, 30))


def aware(*args):
    return timezone.make_aware(datetime(*args))


def numeric_columns_add_up(table):
    """Every numeric column of the rows sums to the total row's cell."""
    assert table.total is not None, table.key
    for i in range(1, len(table.columns)):
        cells = [row[i] for row in table.rows]
        if all(isinstance(c, int) for c in cells) and isinstance(table.total[i], int):
            assert sum(cells) == table.total[i], (table.key, table.columns[i])


# --- Consultations ------------------------------------------------------------------------


def test_consultations_are_counted_per_page_and_day_without_cookies_and_robots_are_left_out(network):
    client = Client(HTTP_HOST="localhost", HTTP_USER_AGENT=BROWSER)
    url = network["fiche"].url
    client.get(url)  # typed address: begins a visit
    client.get(url, HTTP_REFERER="http://localhost/recherche/")  # from a page of the site
    client.get(url, HTTP_SEC_FETCH_SITE="same-origin")
    response = client.get(url, HTTP_SEC_FETCH_SITE="cross-site", HTTP_REFERER="http://localhost/")
    # Counting sets no cookie: the only one is the CSRF token of the page's forms.
    assert set(response.cookies) <= {"csrftoken"}
    Client(HTTP_HOST="localhost", HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)").get(url)
    Client(HTTP_HOST="localhost", HTTP_USER_AGENT="curl/8.5.0").get(url)

    (row,) = Consultation.objects.filter(page=network["fiche"])
    assert (row.day, row.count, row.visits) == (timezone.localdate(), 4, 2)
    assert [f.name for f in Consultation._meta.get_fields()] == ["id", "page", "day", "count", "visits"]


def test_counting_a_view_costs_one_query(network, django_assert_num_queries):
    from moderation.consultations import record

    yesterday = timezone.localdate() - timedelta(days=1)
    for visit in (True, False):  # the first view of a day creates its row, the next ones add to it
        with django_assert_num_queries(1):
            record(network["fiche"], visit=visit)
    record(network["fiche"], day=yesterday)
    rows = Consultation.objects.filter(page=network["fiche"]).order_by("day")
    assert list(rows.values_list("day", "count", "visits")) == [
        (yesterday, 1, 0),
        (timezone.localdate(), 2, 1),
    ]


# --- The period ---------------------------------------------------------------------------


TODAY = date(2026, 9, 15)


@pytest.mark.parametrize(
    "data, expected",
    [
        ({}, (date(2026, 1, 1), TODAY, "année 2026")),
        ({"annee": "2025"}, (date(2025, 1, 1), date(2025, 12, 31), "année 2025")),
        ({"annee": "2025", "semestre": "2"}, (date(2025, 7, 1), date(2025, 12, 31), "2e semestre 2025")),
        ({"annee": "2026", "semestre": "1"}, (date(2026, 1, 1), date(2026, 6, 30), "1er semestre 2026")),
        ({"annee": "2026", "semestre": "2"}, (date(2026, 7, 1), TODAY, "2e semestre 2026")),
        (
            {"du": "15/02/2026", "au": "2026-03-31"},
            (date(2026, 2, 15), date(2026, 3, 31), "du 15/02/2026 au 31/03/2026"),
        ),
        ({"du": "2026-09-01", "au": "2026-12-31"}, (date(2026, 9, 1), TODAY, "du 01/09/2026 au 15/09/2026")),
    ],
)
def test_a_period_is_a_year_a_half_year_or_two_dates(data, expected):
    form = PeriodForm(data, today=TODAY)
    assert form.is_valid(), form.errors
    period = form.period()
    assert (period.start, period.end, period.label) == expected


@pytest.mark.parametrize(
    "data, message",
    [
        ({"du": "31/02/2026", "au": "2026-03-31"}, "Saisissez une date valide, par exemple 31/12/2026."),
        ({"du": "demain", "au": "2026-03-31"}, "Saisissez une date valide, par exemple 31/12/2026."),
        ({"du": "2026-04-01", "au": "2026-03-01"}, "La date de début doit précéder la date de fin."),
        ({"du": "2026-04-01"}, "Saisissez les deux dates, ou choisissez une année."),
        ({"du": "2026-10-01", "au": "2026-10-02"}, "La période ne peut pas commencer après aujourd’hui."),
        ({"du": "1900-01-01", "au": "1900-12-31"}, "Choisissez des dates à partir de 2000."),
        ({"annee": "1999"}, "Choisissez une année entre 2000 et 2026."),
        ({"annee": "99999999999999999999"}, "Choisissez une année entre 2000 et 2026."),
        ({"annee": "deux mille"}, "Saisissez un nombre entier."),
        ({"semestre": "1"}, "Choisissez l’année du semestre."),
        ({"annee": "2026", "semestre": "3"}, "Sélectionnez un choix valide."),
    ],
)
def test_a_bad_period_is_refused_with_a_french_message(data, message):
    form = PeriodForm(data, today=TODAY)
    assert not form.is_valid()
    assert any(message in e for errors in form.errors.values() for e in errors), form.errors


def test_the_page_says_what_is_wrong_with_the_dates_and_keeps_them(network):
    client = Client(HTTP_HOST="localhost")
    client.force_login(network["moderator"])
    response = client.get(URL, {"du": "31/02/2026", "au": "2026-06-30"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Saisissez une date valide, par exemple 31/12/2026." in html
    assert has(html, '//input[@value="31/02/2026"]')  # what was typed is kept
    assert client.get(URL, {"du": "31/02/2026", "au": "x", "format": "pdf"}).status_code == 400


# --- Indicators on a known data set ------------------------------------------------------------


def published_on(page, day):
    type(page).objects.filter(pk=page.pk).update(first_published_at=aware(day.year, day.month, day.day))


@pytest.fixture
def known(network, django_user_model):
    """The first half of 2026, with:
    - structures (besides the network's CCAS d'Autun, published 1 Jan 2025): 3 more CCAS (two
      signatories, one signed in March 2026), 2 MDS (one signatory), a France Services, a CAF
      signatory (first reception through the charter), a CPAM, and a CCAS published in
      September 2026 (after the period: not counted); in territories "Autunois" (Autun, Le
      Creusot) and "Mâconnais" (Mâcon), Charolles in none;
    - accounts: the owner (fiche), the other owner (CCAS d'Autun), the moderator, an agent;
    - consultations in January, March and July (outside), reports and orientations with known
      dates."""
    pages = network
    autun, creusot = builders.commune(builders.AUTUN), builders.commune(builders.LE_CREUSOT)
    macon, charolles = builders.commune(builders.MACON), builders.commune(builders.CHAROLLES)
    builders.territory(pages["departement"], "Autunois", communes=[autun, creusot])
    builders.territory(pages["departement"], "Mâconnais", communes=[macon])
    index = pages["structure_index"]
    s = {}
    for key, commune, title, kind, values in (
        (
            "ccas2",
            creusot,
            "CCAS du Creusot",
            "ccas",
            {"charter_signatory": True, "charter_signed_on": date(2025, 5, 1)},
        ),
        (
            "ccas3",
            macon,
            "CCAS de Mâcon",
            "ccas",
            {"charter_signatory": True, "charter_signed_on": date(2026, 3, 10)},
        ),
        ("ccas4", charolles, "CCAS de Charolles", "ccas", {}),
        ("mds1", autun, "MDS d’Autun", "mds", {"charter_signatory": True}),
        ("mds2", macon, "MDS de Mâcon", "mds", {}),
        ("fs", charolles, "France services de Charolles", "france_services", {}),
        (
            "caf",
            macon,
            "CAF de Mâcon",
            "caf",
            {"charter_signatory": True, "charter_signed_on": date(2026, 2, 1)},
        ),
        ("cpam", macon, "CPAM de Mâcon", "cpam", {}),
        ("late", creusot, "CCAS publié en septembre", "ccas", {"charter_signatory": True}),
        (
            "later_signed",
            autun,
            "France services d’Autun",
            "france_services",
            {"charter_signatory": True, "charter_signed_on": date(2026, 8, 1)},
        ),
    ):
        s[key] = builders.structure(index, commune, title, kind=kind, **values)
        published_on(s[key], date(2025, 6, 1))
    published_on(pages["structure"], date(2025, 1, 1))
    published_on(s["late"], date(2026, 9, 1))

    health = Theme.objects.create(name="Santé", slug="sante")
    care = Theme.objects.create(name="Accès aux soins", slug="acces-soins", parent=health)
    fiche = pages["fiche"].specific
    fiche.themes = [care]
    fiche.last_verified, fiche.review_interval = date(2026, 1, 1), 6
    revision = fiche.save_revision(user=pages["owner"])
    revision.publish()
    type(revision).objects.filter(pk=revision.pk).update(created_at=aware(2026, 3, 1))
    published_on(fiche, date(2025, 1, 1))
    other = builders.fiche(pages["fiche_index"], "Transport solidaire", last_verified=date(2025, 1, 1))
    published_on(other, date(2026, 2, 1))
    StructurePage.objects.update(last_verified=date(2026, 5, 1))  # all up to date on 30 June
    StructurePage.objects.filter(pk=s["cpam"].pk).update(last_verified=date(2025, 1, 1))

    django_user_model.objects.update(date_joined=aware(2025, 1, 1))
    agent = django_user_model.objects.create_user("agent", "agent@exemple.fr", "x")
    agent.groups.add(install_roles()[str(Role.PROFESSIONALS)])
    django_user_model.objects.filter(username="agent").update(date_joined=aware(2026, 1, 5))
    django_user_model.objects.create_user("gone", "gone@exemple.fr", "x", is_active=False)

    for created, closed, status in (
        ((2026, 1, 10), (2026, 1, 12), ReportStatus.FIXED),  # fixed in 2 days
        ((2026, 2, 1), (2026, 2, 7), ReportStatus.FIXED),  # 6 days
        ((2026, 2, 1), (2026, 2, 5), ReportStatus.REJECTED),  # closed, not fixed
        ((2026, 3, 1), None, ReportStatus.NEW),  # open at the end
        ((2025, 12, 20), (2026, 1, 20), ReportStatus.FIXED),  # received before, fixed in January: 31 days
        ((2026, 6, 20), (2026, 7, 2), ReportStatus.FIXED),  # fixed after: open on 30 June
    ):
        ErrorReport.objects.create(
            page=fiche,
            page_title=fiche.title,
            category="other",
            description="x",
            created_at=aware(*created),
            status=status,
            closed_at=aware(*closed) if closed else None,
        )
    for page, day, count, visits in (
        (fiche, date(2026, 1, 10), 10, 4),
        (fiche, date(2026, 1, 11), 2, 1),
        (other, date(2026, 3, 1), 5, 5),
        (other, date(2026, 7, 1), 99, 9),  # after the period
        (s["ccas2"], date(2026, 3, 1), 7, 3),  # a structure's page: a page, not a fiche
    ):
        Consultation.objects.create(page=page, day=day, count=count, visits=visits)

    for created, answered, status in (
        ((2026, 1, 5), (2026, 1, 6), OrientationStatus.TAKEN_IN),
        ((2026, 1, 20), (2026, 1, 24), OrientationStatus.REFUSED),
        ((2026, 4, 2), (2026, 4, 4), OrientationStatus.TAKEN_IN),
        ((2026, 5, 2), None, OrientationStatus.SENT),
        ((2026, 8, 2), None, OrientationStatus.SENT),  # after the period
    ):
        Orientation.objects.create(
            sender=agent,
            fiche=fiche,
            fiche_title=fiche.title,
            structure=pages["structure"],
            structure_title=pages["structure"].title,
            recipient_email="accueil@exemple.fr",
            person_name="A",
            person_contact="B",
            need="C",
            consent_at=aware(*created),
            submission=uuid.uuid4(),
            created_at=aware(*created),
            status=status,
            answered_at=aware(*answered) if answered else None,
        )
    for query, commune, day, times in (
        ("aide au chauffage", autun, date(2026, 1, 14), 3),
        ("garde d'enfants nuit", macon, date(2026, 3, 4), 2),
        ("logement urgence", None, date(2026, 6, 10), 1),
        ("aide au chauffage", autun, date(2026, 7, 8), 4),  # after the period
    ):
        for _ in range(times):
            UnansweredSearch.objects.record(query, commune, day)
    NeedReport.create_for("Garde d’enfant la nuit", macon, date(2026, 3, 5))
    NeedReport.create_for("Chauffage", charolles, date(2026, 2, 3))  # Charolles: no territory
    CoverageSnapshot.objects.create(
        month=date(2026, 5, 1),
        minutes=30,
        speed_kmh=60,
        detour_factor=1.3,
        places=10,
        population=1000,
        covered_population=900,
        uncovered_communes=1,
        low_speed_kmh=40,
        low_covered_population=800,
        high_speed_kmh=80,
        high_covered_population=950,
    )
    return {**pages, **s, "fiche": fiche, "transport": other, "agent": agent}


def test_structures_engaged_by_type_add_up_to_their_total_with_wagtails_default_ordering(known):
    indicators = Indicators(H1)
    by_kind = indicators.table("structures-types")
    # (structures, first-reception places, charter signatories at 30 June)
    assert by_kind.rows == [
        ("Maison départementale des solidarités", 2, 2, 1),
        ("CCAS", 4, 4, 2),  # the one published in September is not counted
        ("France Services", 2, 2, 0),  # d'Autun signed in August: not yet a signatory
        ("CAF", 1, 1, 1),  # first reception through the charter
        ("CPAM", 1, 0, 0),
    ]
    assert by_kind.total == ("Total", 10, 9, 4)
    numeric_columns_add_up(by_kind)

    by_territory = indicators.table("structures-territoires")
    rows = {r[0]: r[1:] for r in by_territory.rows}
    assert rows["Autunois"] == (4, 4, 2)  # CCAS d'Autun, CCAS du Creusot, MDS d'Autun, FS d'Autun
    assert rows["Mâconnais"] == (4, 3, 2)  # CCAS, MDS, CAF, CPAM de Mâcon
    assert rows["Hors territoire d’action sociale"] == (2, 2, 0)  # Charolles
    assert by_territory.total == ("Total", 10, 9, 4)
    numeric_columns_add_up(by_territory)

    signatories = indicators.table("signataires")
    assert [r[0] for r in signatories.rows] == [
        "CAF de Mâcon",
        "CCAS de Mâcon",
        "CCAS du Creusot",
        "MDS d’Autun",
    ]
    assert signatories.rows[3][3] == "date non saisie" and signatories.total[1] == 4

    summary = {r[0]: r[1] for r in indicators.table("synthese").rows}
    assert summary["Structures référencées"] == 10
    assert summary["Lieux de premier accueil engagés"] == 9
    assert summary["dont hors dispositif du Département (hors MDS)"] == 7
    assert summary["Structures signataires de la charte"] == 4
    assert summary["Nouvelles signatures de la charte"] == 2  # CAF in February, CCAS de Mâcon in March
    assert summary["Fiches publiées"] == 2


def test_accounts_contributors_and_freshness_on_the_known_data_set(known):
    indicators = Indicators(H1)
    accounts = indicators.table("comptes")
    assert accounts.columns[1:] == [
        "Administrateurs",
        "Modérateurs",
        "Responsables de fiche",
        "Professionnels",
        "Total",
    ]
    assert accounts.rows == [
        ("CCAS d’Autun", 0, 0, 1, 0, 1),  # paul, its owner
        ("Sans structure rattachée", 0, 1, 1, 1, 3),  # the moderator, rania (a fiche), the agent
    ]
    assert accounts.total == ("Total", 0, 1, 2, 1, 4)  # the inactive account is not counted
    numeric_columns_add_up(accounts)

    contributors = indicators.table("contributeurs")
    assert dict(contributors.rows)["Responsables de fiche"] == 1 and contributors.total == ("Total", 1)

    freshness = indicators.table("fraicheur")
    # On 30 June: the fiche verified on 1 January (every 6 months) is due on 1 July;
    # Transport solidaire, verified in January 2025, is due.
    assert freshness.rows == [
        ("Fiches", 2, 1, 1, "50 %"),
        ("Structures", 10, 9, 1, "90 %"),  # the CPAM verified in January 2025
    ]
    assert freshness.total == ("Total", 12, 10, 2, "83 %")


def test_flows_over_the_period_consultations_reports_and_orientations(known):
    indicators = Indicators(H1)
    consultations = indicators.table("consultations-mois")
    assert consultations.rows == [
        ("01/2026", 12, 5),
        ("02/2026", 0, 0),
        ("03/2026", 12, 8),
        ("04/2026", 0, 0),
        ("05/2026", 0, 0),
        ("06/2026", 0, 0),
    ]
    assert consultations.total == ("Total", 24, 13)
    numeric_columns_add_up(consultations)
    by_day = indicators.table("consultations-jours")
    assert by_day.rows == [("10/01/2026", 10, 4), ("11/01/2026", 2, 1), ("01/03/2026", 12, 8)]
    numeric_columns_add_up(by_day)
    assert indicators.table("fiches-consultees").rows == [
        ("Aide alimentaire", 12),
        ("Transport solidaire", 5),
    ]

    reports = indicators.table("signalements")
    assert reports.rows[:3] == [
        ("01/2026", 1, 2, 2, "16,5"),  # fixed in 2 and 31 days
        ("02/2026", 2, 2, 1, "6,0"),
        ("03/2026", 1, 0, 0, "—"),
    ]
    assert reports.total == ("Total", 5, 4, 3, "6,0")  # median of 2, 6 and 31 days
    numeric_columns_add_up(reports)
    assert "Signalements encore ouverts au 30/06/2026 : 2." in reports.note

    by_month = indicators.table("orientations-mois")
    assert [r[:2] for r in by_month.rows] == [
        ("01/2026", 2),
        ("02/2026", 0),
        ("03/2026", 0),
        ("04/2026", 1),
        ("05/2026", 1),
        ("06/2026", 0),
    ]
    # 4 sent, 3 answered, 2 taken in, median delay of 1, 4 and 2 days
    assert by_month.total == ("Total", 4, 3, "75 %", 2, "50 %", "2,0")
    numeric_columns_add_up(by_month)
    by_place = indicators.table("orientations-lieux")
    assert by_place.rows == [("CCAS d’Autun", 4, 3, "75 %", 2, "50 %", "2,0")]
    numeric_columns_add_up(by_place)

    summary = {r[0]: r[1] for r in indicators.table("synthese").rows}
    assert summary["Pages consultées"] == 24 and summary["Visites (sessions)"] == 13
    assert summary["Signalements d’erreur reçus"] == 5 and summary["Orientations envoyées"] == 4
    assert summary["Contributeurs actifs (une modification ou une action sur une page)"] == 1
    # A period ended in the past reads the coverage of its last month's snapshot.
    assert summary["Population à moins de 30 minutes d’un lieu de premier accueil"] == "90,0 %"
    assert indicators.flow == "du 01/01/2026 au 30/06/2026" and indicators.stock == "au 30/06/2026"


def test_needs_without_an_answer_by_month_territory_and_words(known):
    indicators = Indicators(H1)
    by_month = indicators.table("besoins-mois")
    assert by_month.columns == ["Mois", "Recherches sans réponse", "« Je n’ai pas trouvé »", "Total"]
    assert by_month.rows == [
        ("01/2026", 3, 0, 3),
        ("02/2026", 0, 1, 1),
        ("03/2026", 2, 1, 3),
        ("04/2026", 0, 0, 0),
        ("05/2026", 0, 0, 0),
        ("06/2026", 1, 0, 1),
    ]
    assert by_month.total == ("Total", 6, 2, 8)
    numeric_columns_add_up(by_month)
    by_territory = indicators.table("besoins-territoires")
    assert by_territory.rows == [
        ("Autunois", 3, 0, 3),
        ("Mâconnais", 2, 1, 3),
        ("Sans territoire (pas de commune choisie)", 1, 1, 2),
    ]
    assert by_territory.total == ("Total", 6, 2, 8)
    words = indicators.table("besoins-mots").rows
    assert words[:2] == [("aide chauffage", 3, 0, 3), ("garde enfants nuit", 2, 0, 2)]
    assert {w[0] for w in words[2:]} == {"Chauffage", "Garde d’enfant la nuit", "logement urgence"}
    summary = {r[0]: r[1] for r in indicators.table("synthese").rows}
    assert summary["Recherches sans réponse"] == 6
    assert summary["Besoins signalés « Je n’ai pas trouvé »"] == 2


def test_every_table_with_a_total_adds_up(known):
    for table in Indicators(H1).tables():
        if table.total is not None and table.key != "signataires":
            numeric_columns_add_up(table)


# --- Coverage ---------------------------------------------------------------------------------


class Point:
    def __init__(self, lat, lng):
        self.latitude, self.longitude = lat, lng


def test_coverage_on_a_small_hand_computed_case(db):
    # Autun – Le Creusot: 17.8 km straight line → ×1.3 ÷ 60 km/h = 23.1 min (covered);
    # Autun – Mâcon: 80.3 km → 104 min (not covered). Populations 1,000 each (builders).
    autun, creusot, macon = (
        builders.commune(c) for c in (builders.AUTUN, builders.LE_CREUSOT, builders.MACON)
    )
    place = Point(creusot.latitude, creusot.longitude)

    result = coverage.compute([autun, creusot, macon], [place], minutes=30, detour_factor=1.3, speed_kmh=60)

    assert result.population == 3000 and result.covered_population == 2000
    assert round(result.share_percent, 1) == 66.7
    minutes = {a.commune.name: a.minutes for a in result.communes}
    assert minutes["Le Creusot"] == 0
    assert 23.0 < minutes["Autun"] < 23.3
    assert [a.commune.name for a in result.uncovered] == ["Mâcon"]
    # A stricter limit, or a lower speed, leaves Autun out too.
    assert (
        coverage.compute(
            [autun, creusot, macon], [place], minutes=20, detour_factor=1.3, speed_kmh=60
        ).covered_population
        == 1000
    )
    assert (
        coverage.compute(
            [autun, creusot, macon], [place], minutes=30, detour_factor=1.3, speed_kmh=40
        ).covered_population
        == 1000
    )


def test_only_first_reception_places_count_for_coverage(known):
    kinds = set(StructurePage.objects.live().first_reception().values_list("title", flat=True))
    assert "CPAM de Mâcon" not in kinds  # neither a first-reception kind nor a signatory
    assert {"CAF de Mâcon", "MDS de Mâcon", "France services de Charolles", "CCAS de Charolles"} <= kinds


def test_permanences_and_mobile_stops_are_first_reception_places(network):
    held_by = network["structure"]  # places held by the CCAS d'Autun
    permanence = builders.structure(
        held_by, builders.commune(builders.CHAROLLES), "Permanence du CCAS à Charolles", kind="permanence"
    )
    stop = builders.structure(
        held_by, builders.commune(builders.MACON), "Arrêt du bus à Mâcon", kind="arret_mobile"
    )
    other = builders.structure(
        network["structure_index"], builders.commune(builders.MACON), "CPAM", kind="cpam"
    )
    places = {p.title for p in coverage.first_reception_places()}
    assert places == {"CCAS d’Autun", permanence.title, stop.title} and other.title not in places


def test_the_models_parameters_are_an_administrators_setting_with_installed_defaults(network, settings):
    settings.TERRITORIES_COVERAGE = {"speed_kmh": 50}
    call_command("install_reperes", verbosity=0, stdout=StringIO())
    assert coverage.parameters() == {
        "minutes": 30,
        "detour_factor": 1.3,
        "speed_kmh": 50,
        "low_speed_kmh": 40,
        "high_speed_kmh": 80,
    }
    admin = Client(HTTP_HOST="localhost")
    groups = install_roles()
    network["other"].groups.set([groups[str(Role.ADMINISTRATORS)]])
    admin.force_login(network["other"])
    edit = f"/admin/settings/territories/coveragesettings/{CoverageSettings.load().pk}/"
    form = {
        "minutes": "45",
        "detour_factor": "1.4",
        "low_speed_kmh": "30",
        "speed_kmh": "50",
        "high_speed_kmh": "70",
    }
    assert admin.post(edit, form).status_code == 302
    assert coverage.parameters()["minutes"] == 45 and coverage.parameters()["detour_factor"] == 1.4
    refused = admin.post(edit, {**form, "low_speed_kmh": "90"})
    assert "La vitesse basse doit être inférieure à la vitesse retenue" in refused.content.decode()

    moderator = Client(HTTP_HOST="localhost")
    moderator.force_login(network["moderator"])
    assert moderator.get(edit).status_code in (302, 403)  # Wagtail sends refused users away
    html = moderator.get(URL).content.decode()
    assert "× 1,4" in html or "× 1.4" in html
    assert "Les paramètres sont modifiés par un administrateur." in html
    assert "Modifier les paramètres du modèle" in admin.get(URL).content.decode()


def test_a_monthly_snapshot_is_kept_once_per_month_by_the_daily_jobs(network):
    builders.commune(builders.AUTUN)
    out = StringIO()
    call_command("snapshot_coverage", stdout=out)
    call_command("snapshot_coverage", stdout=out)
    (snapshot,) = CoverageSnapshot.objects.all()
    assert snapshot.month == timezone.localdate().replace(day=1)
    assert "déjà enregistrée" in out.getvalue()
    assert (snapshot.places, snapshot.population, snapshot.covered_population) == (1, 1000, 1000)
    builders.structure(
        network["structure_index"], builders.commune(builders.MACON), "MDS de Mâcon", kind="mds"
    )
    call_command("snapshot_coverage", stdout=out)  # kept: the month's measure is not retaken
    assert CoverageSnapshot.objects.get().places == 1
    call_command("snapshot_coverage", "--remplacer", stdout=out)
    assert CoverageSnapshot.objects.get().places == 2
    from home.jobs import daily_jobs

    assert "snapshot_coverage" in [name for name, _command, _args in daily_jobs()]
    table = Indicators().table("couverture-mois")
    assert table.rows[-1][:4] == (f"{snapshot.month:%m/%Y}", "100,0", 2, 0)


class DemoCoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("install_reperes", verbosity=0, stdout=StringIO())
        call_command("load_demo", stdout=StringIO())

    def test_coverage_of_the_real_communes_by_the_demo_first_reception_places(self):
        measure = coverage.measure()
        result = measure.coverage
        self.assertEqual(len(result.communes), 563)
        self.assertEqual(result.population, 550_310)  # population municipale, data/communes-71.csv
        # The demo's first-reception places (MDS, CCAS, France Services, the MDS permanences and
        # the bus stops: 76; the CAF, CPAM and two others are not) cover every commune at 30
        # minutes, at 60 km/h and even at 40 km/h.
        self.assertEqual(measure.places, 76)
        self.assertEqual(result.covered_population, 550_310)
        self.assertEqual(result.uncovered, [])
        self.assertEqual((measure.low.speed_kmh, measure.high.speed_kmh), (40, 80))
        self.assertEqual(measure.low.covered_population, 550_310)
        self.assertEqual(measure.high.covered_population, 550_310)

        strict = coverage.compute(
            Commune.objects.of_departement(), coverage.first_reception_places(), 15, 1.3, 60
        )
        self.assertEqual(len(strict.uncovered), 14)
        self.assertAlmostEqual(strict.share_percent, 98.62, places=2)  # 542,709 of 550,310
        self.assertEqual(
            sum(a.commune.population_municipale for a in strict.uncovered),
            strict.population - strict.covered_population,
        )

    def test_the_demo_structures_by_type_count_every_structure(self):
        table = Indicators().table("structures-types")
        self.assertEqual(table.total[1:], (80, 76, 19))
        self.assertEqual(sum(r[1] for r in table.rows), 80)
        self.assertIn(("Permanence", 4, 4, 4), table.rows)  # held by signatory MDS
        self.assertIn(("Arrêt d’un service itinérant", 6, 6, 0), table.rows)


# --- The page, the report, the CSV files, who may see them ------------------------------------


def test_the_indicators_page_is_for_moderators_with_every_table_as_csv(known):
    moderator = Client(HTTP_HOST="localhost")
    moderator.force_login(known["moderator"])
    period = {"annee": "2026", "semestre": "1"}
    html = moderator.get(URL, period).content.decode()
    assert "Couverture territoriale du premier accueil" in html and "vol d’oiseau" in html
    assert "Période : 1er semestre 2026" in html
    assert len(find(html, '//svg[@class="chart"]')) == 6
    for t in Indicators(H1).tables():
        response = moderator.get(URL, {**period, "csv": t.key})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), t.key
        assert t.period in response.content.decode("utf-8-sig")
    csv = moderator.get(URL, {**period, "csv": "structures-types"}).content.decode("utf-8-sig")
    assert "CCAS;4;4;2\r\n" in csv and "Total;10;9;4\r\n" in csv
    assert moderator.get(URL, {"csv": "nope"}).status_code == 404

    for user in (known["owner"], known["agent"]):
        other = Client(HTTP_HOST="localhost")
        other.force_login(user)
        for query in ({}, {"format": "pdf"}, {"format": "zip"}, {"csv": "synthese"}):
            assert other.get(URL, query).status_code in (302, 403), (user, query)
    assert Client(HTTP_HOST="localhost").get(URL, {"format": "pdf"}).status_code == 302  # to the login


def test_the_report_is_a_short_a4_pdf_with_the_figures_and_the_charts(known):
    moderator = Client(HTTP_HOST="localhost")
    moderator.force_login(known["moderator"])
    response = moderator.get(URL, {"annee": "2026", "semestre": "1", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="indicateurs-2026-01-01_2026-06-30.pdf"' in response["Content-Disposition"]
    body = response.content
    info = pdf.info(body)
    assert info["Page size"].endswith("(A4)")
    assert 2 <= pdf.pages(body) <= 8
    text = pdf.text(body)
    assert "1er semestre 2026" in text and "du 01/01/2026 au 30/06/2026" in text
    assert "Structures engagées par type" in text and "CCAS 4 4 2" in text and "Total 10 9 4" in text
    assert "Consultations par mois" in text and "03/2026 12 8" in text
    assert "Orientations par mois" in text and "Total 4 3 75 % 2 50 % 2,0" in text
    assert "Consultations par jour" not in text  # a CSV-only table
    # The charts are drawn: the axis' top values are in the text.
    assert "Pages consultées" in text


def test_the_csv_archive_holds_every_table(known):
    moderator = Client(HTTP_HOST="localhost")
    moderator.force_login(known["moderator"])
    response = moderator.get(URL, {"du": "2026-01-01", "au": "2026-06-30", "format": "zip"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {f"{t.key}.csv" for t in Indicators(H1).tables()} == names
    by_month = archive.read("consultations-mois.csv").decode("utf-8-sig").splitlines()
    assert by_month[0] == "Consultations par mois;du 01/01/2026 au 30/06/2026"
    assert by_month[1] == "Mois;Pages consultées;Visites (sessions)"
    assert by_month[2] == "01/2026;12;5" and by_month[-1] == "Total;24;13"
