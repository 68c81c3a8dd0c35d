"""Every page type is creatable under its allowed parents only."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from fiches.models import FicheIndexPage, FichePage
from home.models import HomePage, StandardPage
from territories.models import DepartementPage, StructureIndexPage, StructurePage, TerritoirePage
from tests import builders


class PageTreeRulesTests(WagtailPageTestCase):
    def test_allowed_parents(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(FichePage, {FicheIndexPage})
        self.assertAllowedParentPageTypes(StructurePage, {StructureIndexPage, StructurePage})
        self.assertAllowedParentPageTypes(TerritoirePage, {DepartementPage})

    def test_allowed_children(self):
        self.assertAllowedSubpageTypes(
            HomePage, {StandardPage, FicheIndexPage, StructureIndexPage, DepartementPage}
        )
        self.assertAllowedSubpageTypes(FicheIndexPage, {FichePage})
        self.assertAllowedSubpageTypes(StructureIndexPage, {StructurePage})
        self.assertAllowedSubpageTypes(DepartementPage, {TerritoirePage})
        self.assertAllowedSubpageTypes(FichePage, set())
        self.assertAllowedSubpageTypes(StructurePage, {StructurePage})  # its permanences and mobile stops

    def test_pages_cannot_be_created_in_the_wrong_place(self):
        self.assertCanNotCreateAt(HomePage, FichePage)
        self.assertCanNotCreateAt(StructureIndexPage, FichePage)
        self.assertCanNotCreateAt(FicheIndexPage, StructurePage)
        self.assertCanNotCreateAt(HomePage, TerritoirePage)
        self.assertCanCreateAt(FicheIndexPage, FichePage)
        self.assertCanCreateAt(StructureIndexPage, StructurePage)


class AdminCreationTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = builders.site()
        cls.commune = builders.commune()

    def setUp(self):
        self.login()

    def test_a_fiche_is_created_through_the_admin_form(self):
        from wagtail.test.utils.form_data import inline_formset

        self.assertCanCreate(
            self.pages["fiche_index"],
            FichePage,
            nested_form_data(
                {
                    "title": "Chèque énergie",
                    "slug": "cheque-energie",
                    "summary": "Aide au paiement des factures d’énergie.",
                    "body": streamfield(
                        [
                            (
                                "steps",
                                {
                                    "count": "1",
                                    "0": {"value": "Vérifier sa déclaration", "deleted": "", "order": "0"},
                                },
                            )
                        ]
                    ),
                    "coverage_kind": "departement",
                    "last_verified": "2026-11-01",
                    "review_interval": "6",
                    "pro_content": rich_text("<p>Astuce</p>"),
                    "carriers": inline_formset([]),
                    "places": inline_formset([]),
                    "links": inline_formset(
                        [{"title": "Site officiel", "url": "https://chequeenergie.gouv.fr"}]
                    ),
                    "attachments": inline_formset([]),
                    "comments": inline_formset([]),
                }
            ),
        )

    def test_a_structure_is_created_through_the_admin_form(self):
        from wagtail.test.utils.form_data import inline_formset

        self.assertCanCreate(
            self.pages["structure_index"],
            StructurePage,
            nested_form_data(
                {
                    "title": "CCAS d’Autun",
                    "slug": "ccas-autun",
                    "kind": "ccas",
                    "commune": self.commune.pk,
                    "location": "SRID=4326;POINT(4.3 46.95)",
                    "accessibility": "unknown",
                    "last_verified": "2026-11-01",
                    "review_interval": "12",
                    "opening_slots": inline_formset(
                        [{"weekday": "0", "opens": "09:00", "closes": "12:00", "access": "sans_rdv"}]
                    ),
                    "comments": inline_formset([]),
                }
            ),
        )
        page = StructurePage.objects.get(slug="ccas-autun")
        self.assertEqual((page.latitude, page.longitude), (46.95, 4.3))

    def test_a_permanence_is_created_under_the_structure_that_holds_it(self):
        from wagtail.test.utils.form_data import inline_formset

        holder = self.pages["structure_index"].add_child(
            instance=StructurePage(title="CCAS de Montceau", kind="ccas", commune=self.commune)
        )
        data = {
            "title": "Permanence du CCAS à la mairie",
            "slug": "permanence-mairie",
            "kind": "permanence",
            "commune": self.commune.pk,
            "accessibility": "unknown",
            "last_verified": "2026-11-01",
            "review_interval": "12",
            "opening_slots": inline_formset(
                [
                    {
                        "weekday": "1",
                        "week_of_month": "2",
                        "opens": "14:00",
                        "closes": "17:00",
                        "access": "sans_rdv",
                    }
                ]
            ),
            "comments": inline_formset([]),
        }
        self.assertCanCreate(holder, StructurePage, nested_form_data(data))
        page = StructurePage.objects.get(slug="permanence-mairie")
        self.assertEqual(page.holder.pk, holder.pk)
        self.assertEqual(page.hours_expression(), "Tu[2] 14:00-17:00")
        self.assertEqual(page.hours_summary(), [("2e mardi du mois", "14:00–17:00")])
        # A permanence is never created at the directory's top, nor a CCAS under a structure.
        url = f"/admin/pages/add/territories/structurepage/{self.pages['structure_index'].pk}/"
        response = self.client.post(url, nested_form_data({**data, "slug": "ailleurs"}))
        self.assertContains(response, "se crée sous la structure qui le tient")
        url = f"/admin/pages/add/territories/structurepage/{holder.pk}/"
        response = self.client.post(url, nested_form_data({**data, "kind": "ccas", "slug": "ailleurs"}))
        self.assertContains(response, "Sous une structure, choisissez")
        self.assertFalse(StructurePage.objects.filter(slug="ailleurs").exists())

    def test_every_index_page_renders(self):
        for page in self.pages.values():
            self.assertPageIsRenderable(page)
