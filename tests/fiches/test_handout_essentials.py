"""Every demo fiche's handout, for five communes, public and professional: every condition,
step and document is on the sheet unless the sheet is full, and the sheet is one A4 page.

The default suite renders a sample (the demo's longest fiches and one short one); the whole
set (49 fiches × 5 communes × 2 versions) runs with REPERES_ALL_HANDOUTS=1."""

import os
import re
from io import StringIO

from django.core.management import call_command
from django.test import RequestFactory, TestCase

from fiches import handouts
from fiches.models import FichePage
from territories.models import Commune
from tests import pdf

COMMUNES = ["Paray-le-Monial", "Autun", "Mâcon", "Montceau-les-Mines", "Saint-Gengoux-le-National"]
SAMPLE = 4
LIST_HEADINGS = {"Conditions", "Comment faire", "Pièces à fournir"}


def folded(text):
    """Text as pdftotext gives it back once line breaks, spaces and hyphens are folded away."""
    return re.sub(r"[\s\-‐\u00ad]", "", text)


def list_items(handout):
    return [item for s in handout.sections if s.heading in LIST_HEADINGS for item in s.items]


class DemoHandoutsKeepTheEssentials(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("install_reperes", verbosity=0, stdout=StringIO())
        call_command("load_demo", stdout=StringIO())

    def fiches(self):
        fiches = list(FichePage.objects.live().specific().order_by("pk"))
        self.assertGreaterEqual(len(fiches), 40)
        if os.environ.get("REPERES_ALL_HANDOUTS") == "1":
            return fiches
        by_length = sorted(fiches, key=lambda f: len(str(f.body.raw_data)) + len(f.pro_content or ""))
        return [by_length[0], *by_length[-SAMPLE + 1 :]]

    def test_every_condition_step_and_document_is_on_the_sheet_unless_it_is_full(self):
        request = RequestFactory().get("/", HTTP_HOST="localhost")
        request.user = None
        branding = handouts.Branding("Saône-et-Loire")
        communes = [Commune.objects.of_departement().resolve(name) for name in COMMUNES]
        self.assertTrue(all(communes), communes)
        checked = full = 0
        for fiche in self.fiches():
            for commune in communes:
                for include_pro in (False, True):
                    with self.subTest(fiche=fiche.title, commune=commune.name, pro=include_pro):
                        handout = handouts.fiche_handout(fiche, request, commune, include_pro)
                        document, level = handouts.fit(handout, branding)
                        content = document.write_pdf()
                        self.assertEqual(pdf.pages(content), 1)
                        self.assertIn("595.276 x 841.89 pts (A4)", pdf.info(content)["Page size"])
                        text = folded(pdf.text(content))
                        missing = [i for i in list_items(handout) if folded(i) not in text]
                        if level < handouts.FIRST_LIST_LEVEL:
                            self.assertEqual(missing, [])
                        if missing:
                            # Dropped only because the sheet was full: with every list whole,
                            # even the tightest level overflows one page.
                            whole = handouts.render_document(
                                handouts.handout_html(handout, branding, handouts.FIRST_LIST_LEVEL - 1)
                            )
                            self.assertGreater(len(whole.pages), 1)
                            full += 1
                        if include_pro and fiche.pro_content:
                            self.assertIn("Usagepro", text)
                        checked += 1
        self.assertGreater(checked, 0)
        print(f"{checked} sheets checked, {full} full")
