from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from territories.importer import FRANCE_SERVICES_SOURCE, import_france_services
from territories.models import Commune, OpeningSlot, StructureKind, StructurePage
from tests import builders

pytestmark = pytest.mark.django_db
FS_FILE = settings.TERRITORIES_DATA_DIR / "france-services-71.csv"


@pytest.fixture
def index(db):
    return builders.site()["structure_index"]


def test_the_50_france_services_are_imported_with_every_day_parsed(reference_data, index):
    report = import_france_services(FS_FILE, index, verified_on=date(2024, 8, 1))

    assert (report.created, report.unparsed) == (50, [])
    assert StructurePage.objects.live().filter(kind=StructureKind.FRANCE_SERVICES).count() == 50
    sennecey = StructurePage.objects.get(source=FRANCE_SERVICES_SOURCE, source_id="421")
    assert sennecey.commune.name == "Sennecey-le-Grand"
    assert sennecey.address == "32 Rue des Muriers"
    # Monday to Friday 08:30–12:00 and 14:00–17:00, nothing on Saturday.
    assert [(s.weekday, s.opens, s.closes) for s in sennecey.opening_slots.all()] == [
        (d, o, c) for d in range(5) for o, c in [(time(8, 30), time(12)), (time(14), time(17))]
    ]
    assert not sennecey.location_is_approximate
    assert (sennecey.latitude, sennecey.longitude) == (46.64458, 4.861923)  # from the ANCT file


def test_importing_again_changes_nothing(reference_data, index):
    import_france_services(FS_FILE, index, verified_on=date(2024, 8, 1))
    revisions = sum(p.revisions.count() for p in StructurePage.objects.all())
    report = import_france_services(FS_FILE, index, verified_on=date(2024, 8, 1))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 50)
    assert StructurePage.objects.count() == 50
    assert sum(p.revisions.count() for p in StructurePage.objects.all()) == revisions


def test_a_line_that_cannot_be_read_is_reported_not_guessed(reference_data, index, tmp_path):
    lines = FS_FILE.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "fs.csv"
    bad.write_text(
        "\n".join([lines[0], lines[1].replace("08:45 - 15:00", "le matin")]) + "\n", encoding="utf-8"
    )

    report = import_france_services(bad, index, verified_on=date(2024, 8, 1))

    assert report.created == 1
    assert report.unparsed == [
        ("419", "France services Pimms Médiation de Chauffailles", "mercredi", "le matin")
    ]
    page = StructurePage.objects.get()
    assert {s.weekday for s in page.opening_slots.all()} == {0, 1, 3, 4}


def test_structure_without_a_point_sits_at_its_commune_centre(index):
    autun = builders.commune(builders.AUTUN)
    page = builders.structure(index, autun)
    assert (page.latitude, page.longitude) == (autun.latitude, autun.longitude)
    assert page.location_is_approximate


def test_structure_page_shows_open_now_from_its_slots(index, client, monkeypatch):
    from django.utils import timezone

    page = builders.structure(index, builders.commune(builders.AUTUN), slots=[(0, (9, 0), (12, 0), True)])
    monday_10h = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    monkeypatch.setattr(timezone, "now", lambda: monday_10h)

    response = client.get(page.url)

    assert response.status_code == 200
    assert "Ouvert maintenant jusqu’à 12 h 00 (sans rendez-vous)" in response.content.decode()


def test_closure_dates_must_be_in_order(index):
    page = StructurePage(
        title="X",
        kind="ccas",
        commune=builders.commune(),
        closed_from=date(2026, 5, 2),
        closed_until=date(2026, 5, 1),
    )
    with pytest.raises(ValidationError):
        page.clean()


def test_professional_contacts_are_hidden_from_anonymous_visitors(index, client, django_user_model):
    from django.contrib.auth.models import Permission

    page = builders.structure(index, builders.commune(), pro_contacts="Ligne directe 03 00 00 00 00")
    assert "Ligne directe" not in client.get(page.url).content.decode()

    agent = django_user_model.objects.create_user("agent", password="x")
    agent.user_permissions.add(
        Permission.objects.get(codename="view_professional_content", content_type__app_label="territories")
    )
    client.force_login(agent)
    assert "Ligne directe" in client.get(page.url).content.decode()


def test_communes_outside_the_departement_are_not_served(reference_data):
    assert not Commune.objects.of_departement().filter(insee_code="01370").exists()


def test_nearest_places_match_a_full_sort_by_distance(db):
    from territories.geo import haversine_km

    pages = builders.site()
    communes = [
        builders.commune(c) for c in (builders.AUTUN, builders.LE_CREUSOT, builders.MACON, builders.CHAROLLES)
    ]
    for commune in communes:
        for n in range(2):
            builders.structure(pages["structure_index"], commune, f"Lieu {n} de {commune.name}")
    everything = list(StructurePage.objects.live())
    for origin in communes:
        expected = sorted(
            everything,
            key=lambda s: (haversine_km(origin.latitude, origin.longitude, s.latitude, s.longitude), s.title),
        )
        for limit in (1, 3, 8, 20):
            found = StructurePage.objects.live().nearest(origin.latitude, origin.longitude, limit)
            assert [s.pk for s, _km in found] == [s.pk for s in expected[:limit]], (origin.name, limit)


def test_a_structure_without_hours_shows_no_week_of_closed_days(index, client):
    page = builders.structure(index, builders.commune(builders.AUTUN))

    html = client.get(page.url).content.decode()

    assert "Horaires non renseignés" in html
    assert "Fermé" not in html
    assert "badge-closed" not in html


def test_imported_osm_hours_are_shown_in_french_and_followed_by_open_now(index, client, monkeypatch):
    from django.utils import timezone

    page = builders.structure(
        index, builders.commune(builders.AUTUN), opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    )
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    )

    html = client.get(page.url).content.decode()

    assert "Ouvert maintenant jusqu’à 12 h 00" in html
    assert "09:00–12:00 · 14:00–17:00" in html and "Jours fériés</strong> : fermé" in html
    assert "Mo-Fr" not in html and "Fermé</td>" not in html
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    holiday = datetime(2026, 11, 11, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert list(StructurePage.objects.open_at(monday)) == [page]
    assert list(StructurePage.objects.open_at(holiday)) == []
    assert list(StructurePage.objects.with_walk_in_hours()) == [page]


def test_a_slot_of_the_second_tuesday_opens_only_that_week(index):
    page = builders.structure(index, builders.commune(builders.AUTUN))
    OpeningSlot.objects.create(structure=page, weekday=1, week_of_month=2, opens=time(14), closes=time(17))
    paris = ZoneInfo("Europe/Paris")
    assert list(StructurePage.objects.open_at(datetime(2026, 12, 8, 15, 0, tzinfo=paris))) == [page]
    assert list(StructurePage.objects.open_at(datetime(2026, 12, 1, 15, 0, tzinfo=paris))) == []
    assert (
        StructurePage.objects.get(pk=page.pk).opening_status(datetime(2026, 12, 8, 15, tzinfo=paris)).is_open
    )


def test_hours_that_are_not_osm_are_refused_in_french(index):
    page = StructurePage(title="X", kind="ccas", commune=builders.commune(), opening_hours="lundi matin")
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "format OpenStreetMap" in str(error.value)
