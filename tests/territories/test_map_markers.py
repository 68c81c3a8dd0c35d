"""The map markers' data (territories/maps.py): what a marker says, every place's hours read in
one query, a new publication shown at once."""

import re
from datetime import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territories.maps import map_data
from territories.models import OpeningSlot, SlotAccess, StructurePage
from tests import builders

pytestmark = pytest.mark.django_db

MORNINGS = [(d, (9, 0), (12, 0), True) for d in range(5)]


@pytest.fixture
def places():
    cache.clear()
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    mds = builders.structure(pages["structure_index"], autun, "MDS d’Autun", kind="mds", slots=MORNINGS)
    ccas = builders.structure(pages["structure_index"], autun, "CCAS d’Autun", slots=MORNINGS)
    yield {"commune": autun, "mds": mds, "ccas": ccas}
    cache.clear()


def fresh(*structures):
    """The structures as a results page reads them: new instances, no hours loaded."""
    return [StructurePage.objects.get(pk=s.pk) for s in structures]


def slot_queries(context):
    return [q["sql"] for q in context.captured_queries if "openingslot" in q["sql"]]


def structures_read(sql):
    """The structures whose hours a prefetch query reads (its `IN (…)` list)."""
    return {int(pk) for pk in re.search(r"IN \(([^)]*)\)", sql).group(1).split(",")}


def test_a_marker_names_the_place_its_type_hours_link_and_distance(places, rf):
    data = map_data([(places["mds"], 2.34)], rf.get("/"), commune=places["commune"])

    (marker,) = data["markers"]
    assert marker["name"] == "MDS d’Autun"
    assert marker["kind"] == "Maison départementale des solidarités"
    assert marker["url"].endswith(places["mds"].url) and marker["distance_km"] == 2.3
    assert len(marker["hours"]) == 1 and "9" in marker["hours"][0] and "12" in marker["hours"][0]
    assert data["commune"]["name"] == "Autun"


def test_the_hours_of_every_place_are_read_in_one_query(places, rf):
    with CaptureQueriesContext(connection) as context:
        markers = map_data(fresh(places["mds"], places["ccas"]), rf.get("/"))["markers"]
    (query,) = slot_queries(context)
    assert structures_read(query) == {places["mds"].pk, places["ccas"].pk}
    assert [m["name"] for m in markers] == ["MDS d’Autun", "CCAS d’Autun"]


def test_a_new_publication_gives_a_new_marker(places, rf):
    before = map_data(fresh(places["mds"]), rf.get("/"))["markers"][0]

    mds = StructurePage.objects.get(pk=places["mds"].pk)
    mds.title = "Maison des solidarités d’Autun"
    mds.opening_slots = [
        OpeningSlot(weekday=d, opens=time(14), closes=time(17), access=SlotAccess.APPOINTMENT)
        for d in range(5)
    ]
    mds.save_revision().publish()

    after = map_data(fresh(places["mds"]), rf.get("/"))["markers"][0]
    assert after["name"] == "Maison des solidarités d’Autun"
    assert after["hours"] != before["hours"] and "14" in after["hours"][0]
