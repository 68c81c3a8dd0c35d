import csv

import pytest
from django.core.management import call_command

from territories.importer import data_files, import_territories
from territories.models import EPCI, Commune, CommuneAlias

pytestmark = pytest.mark.django_db


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def small_files(tmp_path):
    epci = write_csv(
        tmp_path / "epci.csv",
        ["epci_siren", "nom", "type", "mode_financement", "departement_siege"],
        [["200070308", "CA Mâconnais Beaujolais Agglomération", "CA", "FPU", "71"]],
    )
    communes = write_csv(
        tmp_path / "communes.csv",
        [
            "code_insee",
            "nom",
            "siren_commune",
            "codes_postaux",
            "population_municipale",
            "population_totale",
            "epci_siren",
            "latitude",
            "longitude",
        ],
        [
            ["71270", "Mâcon", "217102706", "71000", "35177", "35885", "200070308", "46.32103", "4.81849"],
            [
                "71090",
                "La Chapelle-de-Guinchay",
                "217100908",
                "71570",
                "4182",
                "4260",
                "200070308",
                "46.20837",
                "4.74960",
            ],
        ],
    )
    members = write_csv(
        tmp_path / "members.csv",
        [
            "epci_siren",
            "commune_code_insee",
            "commune_siren",
            "commune_nom",
            "population_municipale_dgcl",
            "population_totale_dgcl",
        ],
        [
            ["200070308", "71270", "217102706", "Mâcon", "33000", "34000"],
            ["200070308", "01370", "210103704", "Saint-Laurent-sur-Saône", "1700", "1750"],
        ],
    )
    aliases = write_csv(
        tmp_path / "aliases.csv",
        ["code_insee", "nom", "type", "commune_parente_code", "commune_parente_nom"],
        [["71260", "Loché", "COMA", "71270", "Mâcon"]],
    )
    return {"epci": epci, "communes": communes, "members": members, "aliases": aliases}


def test_small_files_create_communes_epci_members_and_old_names(small_files):
    report = import_territories(small_files)

    assert report.created == {
        "EPCI": 1,
        "communes": 2,
        "communes membres hors département": 1,
        "anciennes communes": 1,
    }
    macon = Commune.objects.get(insee_code="71270")
    assert macon.epci.name == "CA Mâconnais Beaujolais Agglomération"
    assert macon.population_municipale == 35177  # INSEE figure, not the DGCL one
    assert (macon.latitude, macon.longitude) == (46.32103, 4.81849)
    outside = Commune.objects.get(insee_code="01370")
    assert outside.departement_code == "01" and outside.latitude is None
    assert list(
        Commune.objects.of_departement("71").order_by("insee_code").values_list("insee_code", flat=True)
    ) == ["71090", "71270"]
    assert CommuneAlias.objects.get(name="Loché").commune == macon


def test_importing_twice_updates_instead_of_duplicating(small_files):
    import_territories(small_files)
    report = import_territories(small_files)

    assert report.created == {}
    assert report.unchanged == {"EPCI": 1, "communes": 2, "communes membres hors département": 1}
    assert Commune.objects.count() == 3 and EPCI.objects.count() == 1


def test_a_changed_row_is_updated_in_place(small_files, tmp_path):
    import_territories(small_files)
    rows = list(csv.reader(open(small_files["communes"], encoding="utf-8")))
    rows[1][4] = "36000"
    write_csv(small_files["communes"], rows[0], rows[1:])
    report = import_territories(small_files)
    assert report.updated == {"communes": 1, "anciennes communes": 1}
    assert Commune.objects.get(insee_code="71270").population_municipale == 36000


def test_real_files_load_563_communes_20_epci_and_the_members_elsewhere():
    call_command("import_territories", verbosity=0)
    call_command("import_territories", verbosity=0)

    assert Commune.objects.of_departement("71").count() == 563
    assert Commune.objects.exclude(departement_code="71").count() == 52
    assert Commune.objects.values("insee_code").distinct().count() == Commune.objects.count()
    assert EPCI.objects.count() == 20
    assert CommuneAlias.objects.count() == 14
    assert not Commune.objects.of_departement("71").filter(epci=None).exists()
    assert not Commune.objects.of_departement("71").filter(latitude=None).exists()
    total = sum(Commune.objects.of_departement("71").values_list("population_municipale", flat=True))
    assert total == 550310  # data/README.md


def test_command_reports_missing_files_clearly(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_territories", data_dir=str(tmp_path), verbosity=0)


def test_file_names_follow_the_configured_departement(settings, tmp_path):
    settings.REPERES_DEPARTEMENT = {"code": "35", "name": "Ille-et-Vilaine"}
    files = data_files(data_dir=tmp_path)
    assert files["communes"].name == "communes-35.csv"
    assert files["members"].name == "epci-35-membres.csv"


def test_commune_resolution_by_code_name_accentless_name_and_old_name(reference_data):
    communes = Commune.objects.of_departement("71")
    assert communes.resolve("71014").name == "Autun"
    assert communes.resolve("71880").name == "Châtenoy-le-Royal"  # a postal code of one commune
    assert communes.resolve("71400") is None  # Autun's postal code and another commune's INSEE code
    assert communes.resolve("71000") is None  # Mâcon, Sancé, Varennes-lès-Mâcon: ambiguous
    assert communes.resolve("ecuisses").name == "Écuisses"
    assert communes.resolve("Le Creusot (71200)").name == "Le Creusot"
    assert communes.resolve("Saint-Jean-le-Priche").name == "Mâcon"
    assert communes.resolve("nulle part") is None
    assert communes.matching("71000").count() == 3
