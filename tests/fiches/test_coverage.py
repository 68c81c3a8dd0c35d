import pytest

from fiches.models import CoverageKind, FichePage, add_months
from tests import builders

pytestmark = pytest.mark.django_db


def titles(qs):
    return sorted(qs.values_list("title", flat=True))


def test_a_departement_wide_fiche_covers_every_commune_of_the_departement(world):
    builders.fiche(world["fiche_index"], "Partout")
    for name in ("le_creusot", "autun", "macon"):
        assert titles(FichePage.objects.live().covering(world[name])) == ["Partout"]


def test_an_epci_fiche_covers_its_member_communes_only(world):
    fiche = builders.fiche(
        world["fiche_index"], "CU", coverage=CoverageKind.EPCI, coverage_epcis=[world["cu"]]
    )
    assert titles(FichePage.objects.covering(world["le_creusot"])) == ["CU"]
    assert titles(FichePage.objects.covering(world["autun"])) == []
    assert fiche.covers(world["le_creusot"]) and not fiche.covers(world["macon"])
    # Its member outside the département is not the département's to answer for.
    assert not fiche.covered_communes.filter(commune=world["outside"]).exists()


def test_the_refresh_command_recomputes_stored_coverage(world):
    from io import StringIO

    from django.core.management import call_command

    from fiches.models import FicheCoveredCommune

    fiche = builders.fiche(
        world["fiche_index"], "CU", coverage=CoverageKind.EPCI, coverage_epcis=[world["cu"]]
    )
    # As stored before EPCI coverage kept to the département's communes.
    FicheCoveredCommune.objects.create(fiche=fiche, commune=world["outside"])
    out = StringIO()
    call_command("refresh_coverage", stdout=out)
    assert list(fiche.covered_communes.values_list("commune__name", flat=True)) == ["Le Creusot"]
    assert "Communes couvertes recalculées pour 1 fiche." in out.getvalue()


def test_a_communes_fiche_covers_exactly_the_chosen_communes(world):
    builders.fiche(
        world["fiche_index"], "Mâcon seul", coverage=CoverageKind.COMMUNES, coverage_communes=[world["macon"]]
    )
    assert titles(FichePage.objects.covering(world["macon"])) == ["Mâcon seul"]
    assert titles(FichePage.objects.covering(world["autun"])) == []


def test_a_territory_fiche_covers_the_territory_epci_and_added_communes(world):
    tas = builders.territory(world["departement"], "Nord", epcis=[world["cc"]], communes=[world["macon"]])
    builders.fiche(world["fiche_index"], "TAS", coverage=CoverageKind.TERRITORIES, coverage_territories=[tas])
    assert titles(FichePage.objects.covering(world["autun"])) == ["TAS"]
    assert titles(FichePage.objects.covering(world["macon"])) == ["TAS"]
    assert titles(FichePage.objects.covering(world["le_creusot"])) == []


def test_a_territory_keeps_epci_members_outside_the_departement_out(world):
    tas = builders.territory(world["departement"], "CU", epcis=[world["cu"]])
    assert world["outside"] not in tas.covered_communes()


def test_a_territory_covers_a_commune_exactly_when_the_commune_is_among_its_communes(world):
    """TerritoirePage.covering (from a commune) finds what covered_communes (from a territory)
    says, the EPCI member of another département included."""
    from territories.models import Commune, TerritoirePage

    territories = [
        builders.territory(world["departement"], "CU", epcis=[world["cu"]]),
        builders.territory(world["departement"], "Nord", epcis=[world["cc"]], communes=[world["macon"]]),
        builders.territory(world["departement"], "Mâcon", communes=[world["macon"], world["le_creusot"]]),
    ]
    communes = list(Commune.objects.all())
    assert world["outside"] in communes and len(communes) >= 4
    for commune in communes:
        expected = sorted(t.title for t in territories if commune in t.covered_communes())
        assert [t.title for t in TerritoirePage.covering(commune)] == expected, commune.name
    assert [t.title for t in TerritoirePage.covering(world["le_creusot"])] == ["CU", "Mâcon"]
    assert list(TerritoirePage.covering(world["outside"])) == []


def test_changing_a_territory_updates_the_fiches_that_cover_it(world, django_capture_on_commit_callbacks):
    tas = builders.territory(world["departement"], "Nord", epcis=[world["cc"]])
    builders.fiche(world["fiche_index"], "TAS", coverage=CoverageKind.TERRITORIES, coverage_territories=[tas])
    assert titles(FichePage.objects.covering(world["le_creusot"])) == []

    tas.epcis = [world["cc"], world["cu"]]
    with django_capture_on_commit_callbacks(execute=True):
        tas.save_revision().publish()

    assert titles(FichePage.objects.covering(world["le_creusot"])) == ["TAS"]


def test_changing_the_departement_code_updates_the_fiches_of_its_territories(
    world, django_capture_on_commit_callbacks
):
    tas = builders.territory(world["departement"], "CU", epcis=[world["cu"]])
    builders.fiche(world["fiche_index"], "TAS", coverage=CoverageKind.TERRITORIES, coverage_territories=[tas])
    assert titles(FichePage.objects.covering(world["le_creusot"])) == ["TAS"]

    departement = world["departement"]
    departement.intro = "<p>Présentation.</p>"  # another change recomputes nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        departement.save_revision().publish()
    assert not [c for c in callbacks if "refresh_territories_of_departement" in c.__qualname__]

    departement.code = "21"  # the EPCI's communes of the 71 are no longer the territory's
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        departement.save_revision().publish()
    assert [c for c in callbacks if "refresh_territories_of_departement" in c.__qualname__]

    assert titles(FichePage.objects.covering(world["le_creusot"])) == []


def test_a_draft_does_not_change_what_the_live_fiche_covers(world):
    fiche = builders.fiche(
        world["fiche_index"], "CU", coverage=CoverageKind.EPCI, coverage_epcis=[world["cu"]]
    )
    fiche.coverage_epcis = [world["cc"]]
    fiche.save_revision()  # saved as a draft, not published

    assert titles(FichePage.objects.covering(world["le_creusot"])) == ["CU"]
    assert titles(FichePage.objects.covering(world["autun"])) == []


def test_places_are_sorted_by_distance_from_the_commune(world):
    index = world["structure_index"]
    near = builders.structure(index, world["le_creusot"], "CCAS du Creusot")
    far = builders.structure(index, world["macon"], "CCAS de Mâcon")
    mid = builders.structure(index, world["autun"], "CCAS d’Autun")
    fiche = builders.fiche(world["fiche_index"], "Lieux", places=[far, near, mid])

    ranked = fiche.nearest_places(world["le_creusot"])

    assert [s.title for s, _ in ranked] == ["CCAS du Creusot", "CCAS d’Autun", "CCAS de Mâcon"]
    assert ranked[0][1] == pytest.approx(0, abs=0.01)
    # Le Creusot – Autun centres as the crow flies: Δlat 15.5 km, Δlon 8.8 km → 17.8 km.
    assert ranked[1][1] == pytest.approx(17.8, abs=0.1)
    assert [s.title for s, _ in fiche.nearest_places(world["le_creusot"], limit=1)] == ["CCAS du Creusot"]


def test_review_date_adds_whole_months_clamped_to_the_month_end():
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)
