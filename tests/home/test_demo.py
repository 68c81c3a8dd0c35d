from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Page, Revision

from fiches.models import FicheCoveredCommune, FichePage, Theme
from home.demo import DEMO_ACCOUNTS
from territories.models import StructureKind, StructurePage, TerritoirePage


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "users": get_user_model().objects.count(),
        "themes": Theme.objects.count(),
        "covered": FicheCoveredCommune.objects.count(),
    }


class DemoContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("install_reperes", verbosity=0, stdout=StringIO())
        cls.first_output = StringIO()
        call_command("load_demo", stdout=cls.first_output)
        cls.after_first = counts()
        call_command("load_demo", stdout=StringIO())
        cls.after_second = counts()

    def test_it_tells_each_step_as_it_starts_so_a_long_load_does_not_look_like_a_hang(self):
        lines = self.first_output.getvalue().splitlines()
        steps = [line for line in lines if line.endswith("…")]
        self.assertIn("France services et structures…", steps)
        self.assertIn("Fiches : 0/49…", steps)
        self.assertIn("Fiches : 40/49…", steps)
        # The steps come before the summary, as they happen.
        self.assertLess(
            lines.index("Fiches : 0/49…"), [i for i, x in enumerate(lines) if x.startswith("Créé")][0]
        )

    def test_running_twice_duplicates_nothing(self):
        self.assertEqual(self.after_first, self.after_second)

    def test_it_holds_the_50_france_services_and_the_structures_of_the_seeds(self):
        france_services = StructurePage.objects.filter(kind=StructureKind.FRANCE_SERVICES, is_demo=False)
        self.assertEqual(france_services.count(), 50)  # the ANCT's file; the demo adds the Van 71 bus
        self.assertEqual(StructurePage.objects.filter(kind=StructureKind.MDS).count(), 4)
        self.assertGreaterEqual(StructurePage.objects.filter(kind=StructureKind.CCAS).count(), 11)
        self.assertTrue(StructurePage.objects.filter(charter_signatory=True).exists())

    def test_permanences_and_the_van_71_stops_are_demo_places_under_their_holder_in_real_communes(self):
        held = StructurePage.objects.filter(kind__in=[StructureKind.PERMANENCE, StructureKind.MOBILE_STOP])
        self.assertGreaterEqual(held.filter(kind=StructureKind.PERMANENCE).count(), 4)
        self.assertGreaterEqual(held.filter(kind=StructureKind.MOBILE_STOP).count(), 5)
        for place in held:
            self.assertTrue(place.is_demo)
            self.assertIsInstance(place.holder, StructurePage)
            self.assertEqual(place.commune.departement_code, "71")
            self.assertTrue(place.hours_summary(), place.title)
        bus = StructurePage.objects.get(slug="van-71")
        self.assertTrue(bus.is_demo)
        self.assertEqual({p.kind for p in bus.held_places()}, {StructureKind.MOBILE_STOP})
        self.assertTrue(any("du mois" in when for p in held for when, _text in p.hours_summary()))
        # Fiches send people there (they take the permanences and stops of their zone by kind).
        self.assertTrue(any(set(f.place_structures()) & set(held) for f in FichePage.objects.all()))

    def test_at_least_40_demo_fiches_across_10_themes_with_owners_and_coverage(self):
        fiches = FichePage.objects.live()
        self.assertGreaterEqual(fiches.count(), 40)
        self.assertFalse(fiches.filter(is_demo=False).exists())
        self.assertGreaterEqual(Theme.objects.filter(fiches__isnull=False).distinct().count(), 10)
        self.assertFalse(fiches.filter(owners=None).exists())
        kinds = set(fiches.values_list("coverage_kind", flat=True))
        self.assertEqual(kinds, {"departement", "territories", "epci", "communes"})
        with_places = [f for f in fiches if f.place_structures()]
        self.assertGreaterEqual(len(with_places), 35)

    def test_the_charolais_brionnais_example_is_found_by_transport_disability_and_territory(self):
        fiche = FichePage.objects.get(slug="transport-adapte-handicap-charolais-brionnais")
        names = set(fiche.themes.values_list("name", flat=True))
        self.assertIn("Handicap", names)
        self.assertTrue(any("mobilité" in n.lower() for n in names))
        charolles = fiche.coverage_territories.get().specific.covered_communes().get(name="Charolles")
        self.assertTrue(fiche.covers(charolles))

    def test_territories_are_marked_illustrative(self):
        self.assertEqual(TerritoirePage.objects.count(), 5)
        self.assertFalse(TerritoirePage.objects.filter(is_illustrative=False).exists())
        page = TerritoirePage.objects.get(slug="montceau-autun-le-creusot")
        self.assertContains(self.client.get(page.url, HTTP_HOST="localhost"), "Découpage illustratif")

    def test_every_page_it_made_renders(self):
        for page in Page.objects.live().exclude(depth=1).specific():
            with self.subTest(page=page.url_path):
                response = self.client.get(page.url, HTTP_HOST="localhost")
                self.assertEqual(response.status_code, 200)

    def test_demo_fiches_say_they_are_demo(self):
        fiche = FichePage.objects.live().first()
        self.assertContains(self.client.get(fiche.url, HTTP_HOST="localhost"), "Fiche de démonstration")

    def test_the_full_export_validates_against_the_official_schemas(self):
        from fiches import datainclusion

        data = datainclusion.export_all("http://localhost")
        self.assertGreaterEqual(len(data["structures"]), 70)
        self.assertGreaterEqual(len(data["services"]), 49)
        self.assertEqual(datainclusion.validate(data["structures"], "structure"), [])
        self.assertEqual(datainclusion.validate(data["services"], "service"), [])
        ids = [s["id"] for s in data["services"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(datainclusion.export_all("http://localhost"), data)  # stable ids and content

    def test_quality_criteria_are_reported_for_the_demo_services(self):
        from fiches import datainclusion

        services = datainclusion.export_all("http://localhost")["services"]
        shares = datainclusion.quality(services)
        print("\nqualité data·inclusion (démo) :", {k: f"{v:.0%}" for k, v in shares.items()})
        self.assertEqual(
            set(shares),
            {"mise_a_jour_recente", "adresse", "contact", "description", "frais", "thematique", "public"},
        )
        with_address = sum(1 for s in services if s.get("adresse") and s.get("code_insee"))
        self.assertAlmostEqual(shares["adresse"], with_address / len(services))
        self.assertEqual(shares["thematique"], 1.0)  # every demo fiche has a national theme

    def test_one_account_per_role_can_log_in_with_the_listed_password(self):
        for username, password, _first, _last, role, _superuser in DEMO_ACCOUNTS:
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password=password))
                self.assertTrue(
                    get_user_model().objects.get(username=username).groups.filter(name=str(role)).exists()
                )
                self.client.logout()


def test_demo_is_refused_where_it_is_not_allowed(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.REPERES_ALLOW_DEMO = False
    with pytest.raises(CommandError, match="REPERES_ALLOW_DEMO"):
        call_command("load_demo")


class DemoNavigationTests(TestCase):
    """Fiche-action 1-2: the same fiche is reached by theme, by public, by keyword and by
    territory. Every published demo fiche is checked on the four listings."""

    @classmethod
    def setUpTestData(cls):
        call_command("install_reperes", verbosity=0, stdout=StringIO())
        call_command("load_demo", stdout=StringIO())

    def listed(self, url):
        found, page = set(), 1
        while True:
            response = self.client.get(url, {"page": page}, HTTP_HOST="localhost")
            self.assertEqual(response.status_code, 200, url)
            page_obj = response.context["page_obj"]
            found |= {r.fiche.pk for r in page_obj.results}
            if not page_obj.has_next():
                return found
            page += 1

    def test_every_published_fiche_is_reachable_by_theme_public_keyword_and_territory(self):
        fiches = list(FichePage.objects.live().prefetch_related("themes", "publics", "keywords"))
        by_theme, by_public, by_keyword, by_territory = set(), set(), set(), set()
        for theme in Theme.objects.filter(fiches__isnull=False).distinct():
            by_theme |= self.listed(f"/themes/{theme.slug}/")
        for public in {p for f in fiches for p in f.publics.all()}:
            by_public |= self.listed(f"/publics/{public.slug}/")
        for keyword in {k for f in fiches for k in f.keywords.all()}:
            by_keyword |= self.listed(f"/mots-cles/{keyword.slug}/")
        for territory in TerritoirePage.objects.live():
            by_territory |= self.listed(f"/par-territoire/{territory.slug}/")
        every = {f.pk for f in fiches}
        self.assertEqual(by_theme, every)
        self.assertEqual(by_public, every)
        self.assertEqual(by_keyword, every)
        # The demo territories hold all the communes, so every fiche applies in one of them.
        self.assertEqual(by_territory, every)

    def test_the_useful_links_of_the_demo_are_listed(self):
        response = self.client.get("/liens-utiles/", HTTP_HOST="localhost")
        for address in ("service-public.fr", "caf.fr", "msa.fr", "ameli.fr", "france-travail.fr"):
            self.assertContains(response, address)
