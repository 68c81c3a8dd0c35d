"""Permanences and mobile stops (issue #24, item 2) are places like any other: under the
structure that holds them, pointed to by fiches, on maps, in nearest-place answers and on
handouts, each with its own days and hours ("2e mardi du mois")."""

import json
import re
from datetime import time

import pytest
from django.core.cache import cache

from fiches.models import CoverageKind
from territories.models import OpeningSlot, SlotAccess, StructureKind, StructurePage
from tests import builders, pdf

pytestmark = pytest.mark.django_db

EPINAC = ("71190", "Épinac", "71360", 46.99115, 4.51973)
MARCIGNY = ("71275", "Marcigny", "71110", 46.27586, 4.03920)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def held(holder, commune, title, kind, slots):
    page = StructurePage(title=title, kind=kind, commune=commune, address="Mairie", phone="03 85 00 00 99")
    page.opening_slots = [
        OpeningSlot(weekday=d, week_of_month=w, opens=time(*o), closes=time(*c), access=SlotAccess.WALK_IN)
        for d, w, o, c in slots
    ]
    holder.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def world(db):
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    epinac = builders.commune(EPINAC)
    charolles = builders.commune(builders.CHAROLLES)
    marcigny = builders.commune(MARCIGNY)
    index = pages["structure_index"]
    mds = builders.structure(index, autun, "MDS d’Autun", kind="mds", slots=[(0, (9, 0), (12, 0), True)])
    permanence = held(
        mds,
        epinac,
        "Permanence de la MDS d’Autun à Épinac",
        StructureKind.PERMANENCE,
        [(1, 2, (14, 0), (17, 0))],
    )
    bus = builders.structure(index, charolles, "Van 71", kind="france_services")
    stop = held(
        bus, marcigny, "Van 71 — arrêt de Marcigny", StructureKind.MOBILE_STOP, [(0, None, (9, 0), (12, 0))]
    )
    fiche = builders.fiche(
        pages["fiche_index"],
        "Aide alimentaire d’urgence",
        coverage=CoverageKind.DEPARTEMENT,
        places=[mds, permanence, stop],
    )
    return {**pages, "mds": mds, "permanence": permanence, "bus": bus, "stop": stop, "fiche": fiche}


def test_a_permanence_page_names_its_holder_and_its_days(world, client):
    html = client.get(world["permanence"].url).content.decode()

    assert "Permanence de" in html and "MDS d’Autun" in html
    assert "2e mardi du mois" in html
    holder = client.get(world["mds"].url).content.decode()
    assert "Permanences et arrêts" in holder and "Permanence de la MDS d’Autun à Épinac" in holder
    bus = client.get(world["bus"].url).content.decode()
    assert "Van 71 — arrêt de Marcigny" in bus and "Lundi : 09:00–12:00" in bus


def test_permanences_and_stops_are_on_the_directory_map_with_their_schedule(world, client):
    response = client.get(world["structure_index"].url)

    markers = {m["name"]: m for m in response.context["map_data"]["markers"]}
    assert markers["Permanence de la MDS d’Autun à Épinac"]["kind"] == "Permanence"
    assert markers["Permanence de la MDS d’Autun à Épinac"]["hours"] == ["2e mardi du mois : 14:00–17:00"]
    assert markers["Van 71 — arrêt de Marcigny"]["hours"] == ["lundi : 09:00–12:00"]
    # The map's data as the page gives it to the script.
    script = re.search(
        r'id="carte-donnees" type="application/json">(.*?)</script>', response.content.decode()
    )
    shown = json.loads(script.group(1))["markers"]
    assert "2e mardi du mois : 14:00–17:00" in [h for m in shown for h in m["hours"]]


def test_nearest_place_answers_list_the_permanence_with_its_schedule(world, client):
    html = client.get("/recherche/", {"q": "alimentaire", "commune": "Épinac"}).content.decode()
    places = html[html.index('class="places"') :]
    assert places.index("Permanence de la MDS d’Autun à Épinac") < places.index("MDS d’Autun</a>")
    assert "2e mardi du mois : 14:00–17:00" in places

    commune = client.get("/communes/71190/").content.decode()
    nearest = commune[commune.index("Lieux d’accueil les plus proches") :]
    assert nearest.index("Permanence de la MDS d’Autun à Épinac") < nearest.index("MDS d’Autun</a>")
    assert "2e mardi du mois : 14:00–17:00" in nearest


def test_the_handout_lists_the_nearest_permanence_and_stop_with_their_schedule(world, client):
    response = client.get(f"/imprimer/fiche/{world['fiche'].pk}.pdf", {"commune": "Épinac"})
    assert response.status_code == 200
    text = pdf.text(response.content)

    assert text.index("Permanence de la MDS d’Autun à Épinac") < text.index("Van 71")
    assert "2emardidumois:14:00–17:00" in pdf.compact(response.content)
    marcigny = pdf.text(
        client.get(f"/imprimer/fiche/{world['fiche'].pk}.pdf", {"commune": "Marcigny"}).content
    )
    assert "Van 71 — arrêt de Marcigny" in marcigny and "Mairie, Marcigny" in marcigny
    assert "Lundi : 09:00–12:00" in marcigny


def test_a_structure_s_handout_lists_its_stops_and_a_stop_s_names_its_holder(world, client):
    bus = pdf.text(client.get(f"/imprimer/structure/{world['bus'].pk}.pdf").content)
    assert "Permanences et arrêts" in bus
    assert "Van 71 — arrêt de Marcigny — Mairie, Marcigny — lundi : 09:00–12:00" in bus

    stop = pdf.text(client.get(f"/imprimer/structure/{world['stop'].pk}.pdf").content)
    assert "Tenue par : Van 71" in stop and "Lundi : 09:00–12:00" in stop
