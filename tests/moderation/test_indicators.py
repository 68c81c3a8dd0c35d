"""Indicators on a known data set, consultations counted without personal data, and the
territorial coverage on a hand-computed case and on the real communes with the demo places."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from fiches.models import Theme
from moderation.indicators import Indicators
from moderation.models import Consultation, ErrorReport, ReportStatus
from territories import coverage
from territories.models import Commune, StructurePage
from tests import builders

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def table(indicators, key):
    return next(t for t in indicators.tables() if t.key == key)


# --- Consultations ------------------------------------------------------------------------


def test_consultations_are_counted_per_page_and_day_without_cookies_and_robots_are_left_out(network):
    client = Client(HTTP_HOST="localhost", HTTP_USER_AGENT=BROWSER)
    url = network["fiche"].url
    for _ in range(3):
        response = client.get(url)
        # Counting sets no cookie: the only one is the CSRF token of the page's forms.
        assert set(response.cookies) <= {"csrftoken"}
    Client(HTTP_HOST="localhost", HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)").get(url)
    Client(HTTP_HOST="localhost", HTTP_USER_AGENT="curl/8.5.0").get(url)

    (row,) = Consultation.objects.filter(page=network["fiche"])
    assert (row.day, row.count) == (timezone.localdate(), 3)
    assert [f.name for f in Consultation._meta.get_fields()] == [
        "id",
        "page",
        "day",
        "count",
    ]  # nothing personal


def test_counting_a_view_costs_one_query(network, django_assert_num_queries):
    from moderation.consultations import record

    yesterday = timezone.localdate() - timedelta(days=1)
    for _ in range(2):  # the first view of a day creates its row, the next ones add to it
        with django_assert_num_queries(1):
            record(network["fiche"])
    record(network["fiche"], day=yesterday)
    counts = Consultation.objects.filter(page=network["fiche"]).order_by("day").values_list("day", "count")
    assert list(counts) == [(yesterday, 1), (timezone.localdate(), 2)]


# --- Indicators ---------------------------------------------------------------------------


@pytest.fixture
def known(network):
    """On 15 March 2026: 2 fiches (one themed), 2 structures (one signatory), 2 reports
    closed after 2 and 4 days, one open, 10 + 5 consultations in two months."""
    on = date(2026, 3, 15)
    health = Theme.objects.create(name="Santé", slug="sante")
    care = Theme.objects.create(name="Accès aux soins", slug="acces-soins", parent=health)
    fiche = network["fiche"].specific
    fiche.themes = [care]
    fiche.last_verified, fiche.review_interval = date(2026, 1, 1), 6
    revision = fiche.save_revision(user=network["owner"])
    revision.publish()
    type(revision).objects.filter(pk=revision.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2026, 3, 1))
    )
    other = builders.fiche(network["fiche_index"], "Transport solidaire", last_verified=date(2025, 1, 1))
    signatory = builders.structure(
        network["structure_index"],
        builders.commune(builders.MACON),
        "MDS de Mâcon",
        kind="mds",
        charter_signatory=True,
    )
    for days, status in ((2, ReportStatus.FIXED), (4, ReportStatus.REJECTED), (None, ReportStatus.NEW)):
        report = ErrorReport.objects.create(
            page=fiche,
            page_title=fiche.title,
            category="other",
            description="x",
            created_at=timezone.make_aware(timezone.datetime(2026, 2, 1)),
        )
        if days:
            report.status = status
            report.closed_at = report.created_at + timedelta(days=days)
            report.save()
    Consultation.objects.create(page=fiche, day=date(2026, 2, 10), count=10)
    Consultation.objects.create(page=other, day=date(2026, 3, 1), count=5)
    Consultation.objects.create(page=other, day=date(2024, 3, 1), count=99)  # outside the 12 months
    return {**network, "on": on, "fiche": fiche, "transport": other, "signatory": signatory}


def test_the_indicators_on_a_known_data_set(known):
    indicators = Indicators(known["on"])

    summary = {row[0]: row[1] for row in table(indicators, "synthese").rows}
    assert summary["Fiches publiées"] == 2
    assert summary["Structures référencées"] == 2
    assert summary["Structures signataires de la charte"] == 1
    assert summary["Consultations de pages"] == 15
    assert summary["Contributeurs actifs (une modification ou une action sur une page)"] == 1  # the owner

    assert ("Santé", 1) in table(indicators, "fiches-themes").rows
    assert ("Sans thème", 1) in table(indicators, "fiches-themes").rows
    kinds = {row[0]: row[1:] for row in table(indicators, "structures-types").rows}
    assert kinds["Maison départementale des solidarités"] == (1, 1) and kinds["CCAS"] == (1, 0)
    assert table(indicators, "consultations-mois").rows == [("02/2026", 10), ("03/2026", 5)]
    assert table(indicators, "fiches-consultees").rows == [
        ("Aide alimentaire", 10),
        ("Transport solidaire", 5),
    ]
    reports = {row[0]: row[1] for row in table(indicators, "signalements").rows}
    assert reports["Signalements clos"] == 2 and reports["Délai médian de clôture (jours)"] == "3.0"
    assert reports["Signalements ouverts"] == 1
    fiches_freshness = table(indicators, "fraicheur").rows[0]
    assert fiches_freshness == ("Fiches", 2, 1, 1, "50 %")
    assert indicators.flow == "du 16/03/2025 au 15/03/2026" and indicators.stock == "au 15/03/2026"


def test_the_indicators_page_is_for_moderators_with_every_table_as_csv(known):
    moderator = Client(HTTP_HOST="localhost")
    moderator.force_login(known["moderator"])
    html = moderator.get("/admin/reperes/indicateurs/").content.decode()
    assert "Couverture territoriale du premier accueil" in html and "vol d’oiseau" in html
    for t in Indicators().tables():
        response = moderator.get("/admin/reperes/indicateurs/", {"csv": t.key})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), t.key
        assert t.period in response.content.decode("utf-8-sig")
    assert moderator.get("/admin/reperes/indicateurs/", {"csv": "nope"}).status_code == 404

    owner = Client(HTTP_HOST="localhost")
    owner.force_login(known["owner"])
    assert owner.get("/admin/reperes/indicateurs/").status_code == 403


# --- Coverage -----------------------------------------------------------------------------


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
    # A stricter limit leaves Autun out too.
    assert coverage.compute([autun, creusot, macon], [place], minutes=20).covered_population == 1000


class DemoCoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("install_reperes", verbosity=0, stdout=StringIO())
        call_command("load_demo", stdout=StringIO())

    def test_coverage_of_the_real_communes_by_the_demo_first_reception_places(self):
        result = Indicators().coverage()
        self.assertEqual(len(result.communes), 563)
        self.assertEqual(result.population, 550_310)  # population municipale, data/communes-71.csv
        # The figures stated in the closing note; they move only if the demo places (65 MDS,
        # CCAS and France Services) or the model do. At 30 minutes every commune is covered.
        self.assertEqual(result.covered_population, 550_310)
        self.assertEqual(result.uncovered, [])

        places = list(coverage.first_reception_places(StructurePage.objects.live()))
        self.assertEqual(len(places), 65)
        strict = coverage.compute(Commune.objects.of_departement(), places, minutes=15)
        self.assertEqual(len(strict.uncovered), 22)
        self.assertAlmostEqual(strict.share_percent, 98.03, places=2)  # 539,472 of 550,310
        self.assertTrue(all(a.minutes is None or a.minutes > 15 for a in strict.uncovered))
        self.assertEqual(
            sum(a.commune.population_municipale for a in strict.uncovered),
            strict.population - strict.covered_population,
        )
