"""Printing an HTML page from a real browser: no navigation, links written out, content kept."""

import pytest

from tests import builders, pdf
from tests.browser import CHROMIUM, run_chromium

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium (paquet Debian « chromium ») absent"),
]


def print_to_pdf(url, tmp_path):
    target = tmp_path / "page.pdf"
    run_chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={target}", url)
    return target.read_bytes()


def test_a_printed_fiche_page_has_no_navigation_and_expanded_links(live_server, tmp_path):
    pages = builders.site()
    fiche = builders.fiche(pages["fiche_index"], "Chèque énergie", summary="Aide au paiement des factures.")
    fiche.links = [builders.FicheLink(title="Site officiel", url="https://chequeenergie.gouv.fr")]
    fiche.save_revision().publish()

    content = print_to_pdf(live_server.url + fiche.url, tmp_path)

    text = pdf.text(content)
    assert "Chèque énergie" in text and "Aide au paiement des factures." in text
    assert "(https://chequeenergie.gouv.fr)" in text  # the link's address is written out
    for screen_only in ("Aller au contenu", "Ma sélection", "Ajouter à ma sélection", "Trier par distance"):
        assert screen_only not in text, screen_only
