"""A service's own hours (data·inclusion's `horaires_accueil`, an OpenStreetMap expression) read
as French on its fiche page, never as the raw expression."""

import pytest

from tests import builders

pytestmark = pytest.mark.django_db


def test_a_service_s_osm_hours_read_as_french_on_its_fiche(client):
    pages = builders.site()
    fiche = builders.fiche(pages["fiche_index"], service_hours="Tu 14:00-17:00; PH off")

    html = client.get(fiche.url).content.decode()

    assert "mardi : 14:00–17:00 ; jours fériés : fermé" in html
    assert "Tu 14:00-17:00" not in html


def test_free_text_hours_of_a_service_are_shown_as_written(client):
    pages = builders.site()
    fiche = builders.fiche(pages["fiche_index"], service_hours="Le matin, sauf pendant les vacances")

    assert "Le matin, sauf pendant les vacances" in client.get(fiche.url).content.decode()
