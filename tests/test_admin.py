"""The Wagtail admin opens in French on every screen an editor uses."""

from django.test import TestCase
from wagtail.test.utils import WagtailTestUtils

from fiches.models import FichePage
from territories.models import StructurePage
from tests import builders
from tests.html import find


class AdminScreensTests(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = builders.site()
        autun = builders.commune()
        cls.structure = builders.structure(
            cls.pages["structure_index"], autun, slots=[(0, (9, 0), (12, 0), True)]
        )
        cls.fiche = builders.fiche(cls.pages["fiche_index"], places=[cls.structure])

    def setUp(self):
        self.login()

    def get(self, url):
        response = self.client.get(url, HTTP_HOST="localhost", follow=True)
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_login_page_is_in_french(self):
        self.client.logout()
        response = self.client.get("/admin/login/", HTTP_HOST="localhost")
        self.assertContains(response, "Nom d’utilisateur")
        self.assertEqual(find(response, "/html/@lang"), ["fr"])

    def test_fiche_and_structure_editors_open(self):
        self.assertContains(self.get(f"/admin/pages/{self.fiche.pk}/edit/"), "Usage professionnel")
        self.assertContains(self.get(f"/admin/pages/{self.structure.pk}/edit/"), "Horaires d’ouverture")
        self.get(f"/admin/pages/add/fiches/fichepage/{self.pages['fiche_index'].pk}/")
        self.get(f"/admin/pages/add/territories/structurepage/{self.pages['structure_index'].pk}/")

    def test_taxonomy_and_reference_data_listings_open(self):
        for url in (
            "/admin/snippets/fiches/theme/",
            "/admin/snippets/fiches/public/",
            "/admin/snippets/territories/commune/",
            "/admin/snippets/territories/epci/",
            "/admin/settings/home/sitesettings/",
        ):
            self.get(url)

    def test_dashboard_opens(self):
        self.assertContains(self.get("/admin/"), "Tableau de bord")

    def test_pages_built_for_the_tests_are_live(self):
        self.assertTrue(FichePage.objects.live().filter(pk=self.fiche.pk).exists())
        self.assertTrue(StructurePage.objects.live().filter(pk=self.structure.pk).exists())
