import csv
import json
from datetime import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fiches import datainclusion
from fiches.models import CoverageKind, FichePage, Public, Theme
from fiches.taxonomy import install_taxonomy
from territories.models import StructurePage
from tests import builders

pytestmark = pytest.mark.django_db
PRO_MARKER = "MARQUEUR-PRO-9c1e"
BASE = "http://localhost"


def test_opening_hours_are_written_and_read_in_osm_syntax():
    slots = (
        [(d, time(8, 30), time(12), True) for d in range(5)]
        + [(d, time(14), time(17), True) for d in (0, 1, 2, 3)]
        + [(4, time(14), time(16), False), (5, time(9), time(12), True)]
    )
    text = datainclusion.osm_opening_hours(slots)
    assert (
        text
        == 'Mo-Th 08:30-12:00,14:00-17:00; Fr 08:30-12:00; Sa 09:00-12:00, Fr 14:00-16:00 "sur rendez-vous"'
    )
    assert sorted(datainclusion.parse_osm_opening_hours(text)) == sorted(slots)
    assert datainclusion.osm_opening_hours([]) is None
    with pytest.raises(ValueError):
        datainclusion.parse_osm_opening_hours("tous les jours sauf fériés")


@pytest.fixture
def offer(reference_data):
    install_taxonomy()
    pages = builders.site()
    from territories.models import EPCI, Commune

    autun, creusot = Commune.objects.get(insee_code="71014"), Commune.objects.get(insee_code="71153")
    index = pages["structure_index"]
    ccas = builders.structure(
        index,
        autun,
        "CCAS d’Autun",
        phone="03 85 00 00 01",
        slots=[(0, (9, 0), (12, 0), True), (1, (14, 0), (17, 0), False)],
        pro_contacts=PRO_MARKER,
        address="1 place du Champ de Mars",
        postal_code="71400",
    )
    fs = builders.structure(
        index,
        creusot,
        "France services du Creusot",
        kind="france_services",
        email="fs@exemple.fr",
        location="SRID=4326;POINT(4.43 46.8)",
    )
    tas = builders.territory(pages["departement"], "Nord", epcis=[EPCI.objects.get(siren="200070530")])
    body = json.dumps(
        [
            {"type": "conditions", "value": "<ul><li>Habiter la commune</li></ul>"},
            {"type": "steps", "value": ["Appeler", "Venir"]},
            {"type": "cost", "value": {"is_free": False, "details": "2 € le repas"}},
        ]
    )
    fiches = [
        builders.fiche(
            pages["fiche_index"],
            "Aide alimentaire",
            places=[ccas, fs],
            body=body,
            pro_content=f"<p>{PRO_MARKER}</p>",
        ),
        builders.fiche(
            pages["fiche_index"],
            "Portage de repas",
            coverage=CoverageKind.EPCI,
            coverage_epcis=[EPCI.objects.get(siren="247100290")],
            places=[fs],
        ),
        builders.fiche(
            pages["fiche_index"],
            "Transport solidaire",
            coverage=CoverageKind.TERRITORIES,
            coverage_territories=[tas],
        ),
        builders.fiche(
            pages["fiche_index"], "Vestiaire", coverage=CoverageKind.COMMUNES, coverage_communes=[autun]
        ),
    ]
    for fiche in fiches:
        fiche.themes = [Theme.objects.get(code="equipement-et-alimentation--alimentation")]
        fiche.publics = [Public.objects.get(code="seniors")]
        fiche.save_revision().publish()
    return pages


def without_links(records):
    return sorted(
        ({k: v for k, v in r.items() if k != "lien_source"} for r in records), key=lambda r: r["id"]
    )


def test_mappings_of_a_small_offer(offer):
    data = datainclusion.export_all(BASE)
    assert datainclusion.validate(data["structures"], "structure") == []
    assert datainclusion.validate(data["services"], "service") == []
    services = {s["nom"] + "@" + s["structure_id"]: s for s in data["services"]}
    ccas = StructurePage.objects.get(title="CCAS d’Autun")
    aide = services[f"Aide alimentaire@{ccas.pk}"]
    assert aide["zone_eligibilite"] == ["71"]
    assert aide["thematiques"] == ["equipement-et-alimentation--alimentation"] and aide["publics"] == [
        "seniors"
    ]
    assert aide["horaires_accueil"] == 'Mo 09:00-12:00; Tu 14:00-17:00 "sur rendez-vous"'
    assert aide["frais"] == "payant" and aide["frais_precisions"] == "2 € le repas"
    assert aide["conditions_acces"] == "Habiter la commune"
    assert (aide["code_insee"], aide["telephone"]) == ("71014", "03 85 00 00 01")
    portage = next(s for s in data["services"] if s["nom"] == "Portage de repas")
    assert portage["zone_eligibilite"] == ["247100290"]
    transport = next(s for s in data["services"] if s["nom"] == "Transport solidaire")
    assert transport["structure_id"] == "departement-71" and len(transport["zone_eligibilite"]) == 55
    assert PRO_MARKER not in json.dumps(data, ensure_ascii=False)


def test_export_import_export_round_trip_in_an_empty_site(offer, tmp_path):
    first = datainclusion.export_all(BASE)
    for kind, records in first.items():
        (tmp_path / f"{kind}.json").write_text(json.dumps(records), encoding="utf-8")
    for page in [*FichePage.objects.all(), *StructurePage.objects.all()]:
        page.delete()

    call_command(
        "import_datainclusion",
        structures=str(tmp_path / "structures.json"),
        services=str(tmp_path / "services.json"),
        report=str(tmp_path / "r.csv"),
        stdout=StringIO(),
    )
    second = datainclusion.export_all(BASE)

    assert without_links(second["structures"]) == without_links(first["structures"])
    assert without_links(second["services"]) == without_links(first["services"])
    imported = FichePage.objects.live()
    assert imported.exists() and not imported.filter(needs_verification=False).exists()
    assert not imported.filter(owners__isnull=False).exists()  # owner-less, for moderators to assign


def test_importing_twice_updates_and_duplicates_nothing(offer, tmp_path):
    data = datainclusion.export_all(BASE)
    for page in [*FichePage.objects.all(), *StructurePage.objects.all()]:
        page.delete()
    first = datainclusion.import_structures(data["structures"])
    again = datainclusion.import_structures(data["structures"])
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    datainclusion.import_services(data["services"])
    assert datainclusion.import_services(data["services"]).created == 0
    assert FichePage.objects.count() == len({s["id"].split("@")[0] for s in data["services"]})


def run_import(tmp_path, structures=None, services=None):
    args = {"report": str(tmp_path / "rapport.csv"), "stdout": StringIO()}
    if structures is not None:
        (tmp_path / "s.json").write_text(
            structures if isinstance(structures, str) else json.dumps(structures), encoding="utf-8"
        )
        args["structures"] = str(tmp_path / "s.json")
    if services is not None:
        (tmp_path / "v.json").write_text(
            services if isinstance(services, str) else json.dumps(services), encoding="utf-8"
        )
        args["services"] = str(tmp_path / "v.json")
    call_command("import_datainclusion", **args)
    return (tmp_path / "rapport.csv").read_text(encoding="utf-8")


GOOD = {
    "source": "dora",
    "id": "s-1",
    "nom": "CCAS de Marcigny",
    "date_maj": "2026-10-01",
    "code_insee": "71275",
    "latitude": 46.27,
    "longitude": 4.04,
    "telephone": "03 85 25 00 00",
}


def test_bad_json_is_refused_whole_with_a_clear_message(offer, tmp_path):
    before = StructurePage.objects.count()
    with pytest.raises(CommandError, match="JSON invalide, ligne 1"):
        run_import(tmp_path, structures='[{"source": "dora", "id": ')
    assert StructurePage.objects.count() == before


def test_one_good_and_bad_rows_import_the_good_one_and_report_each_reason(offer, tmp_path):
    rows = [
        GOOD,
        {**GOOD, "id": "s-2", "nom": 123},
        {**GOOD, "id": "s-3", "latitude": 123.0},
        {**GOOD, "id": "s-4", "date_maj": None},
        {"source": "dora", "id": "s-5", "nom": "Sans date"},
        {**GOOD, "id": "s-6", "code_insee": "99999"},
        "pas un objet",
    ]
    report = run_import(tmp_path, structures=rows)

    assert StructurePage.objects.filter(source="dora").count() == 1
    page = StructurePage.objects.get(source="dora", source_id="s-1")
    assert page.needs_verification and page.commune.name == "Marcigny"
    lines = report.splitlines()
    assert lines[0] == "fichier,position,id,champ,motif" and len(lines) == 7
    reasons = {(row[1], row[2], row[3]): row[4] for row in csv.reader(lines[1:])}
    assert reasons["2", "s-2", "nom"] == "doit être une chaîne de caractères, pas 123"
    assert reasons["3", "s-3", "latitude"].startswith("coordonnée hors limites (123.0")
    assert reasons["4", "s-4", "date_maj"] == "doit être une chaîne de caractères, pas null"
    assert reasons["5", "s-5", "(enregistrement)"] == "champ obligatoire absent (date_maj)"
    assert reasons["6", "s-6", "code_insee"] == "commune « 99999 » inconnue du référentiel"
    assert reasons["7", "", "(enregistrement)"] == "l’enregistrement n’est pas un objet JSON"


def test_services_with_unknown_enums_or_structures_are_rejected(offer, tmp_path):
    run_import(tmp_path, structures=[GOOD])
    base = {
        "source": "dora",
        "structure_id": "s-1",
        "nom": "Accès aux droits",
        "description": "Aide aux démarches.",
        "date_maj": "2026-10-01",
    }
    report = run_import(
        tmp_path,
        services=[
            {**base, "id": "v-1", "thematiques": ["sante--acces-aux-soins"], "zone_eligibilite": ["71275"]},
            {**base, "id": "v-2", "thematiques": ["cuisine--recettes"]},
            {**base, "id": "v-3", "structure_id": "inconnue"},
            {**base, "id": "v-4", "frais": "offert"},
        ],
    )
    assert list(FichePage.objects.filter(source="dora").values_list("source_id", flat=True)) == ["v-1"]
    fiche = FichePage.objects.get(source_id="v-1")
    assert fiche.coverage_kind == CoverageKind.COMMUNES and fiche.place_structures()[0].source_id == "s-1"
    assert report.count("\n") == 4
    reasons = {(row[2], row[3]): row[4] for row in csv.reader(report.splitlines()[1:])}
    assert reasons["v-2", "thematiques"].startswith('valeur inconnue "cuisine--recettes"')
    assert reasons["v-3", "structure_id"] == "structure « inconnue » absente du fichier et du site"
    assert reasons["v-4", "frais"].startswith('valeur inconnue "offert"')


def test_export_urls_serve_json_and_csv_without_professional_content(offer, client):
    services = client.get("/donnees/services.json")
    assert services.status_code == 200 and services["Content-Type"].startswith("application/json")
    assert {s["nom"] for s in services.json()} >= {"Aide alimentaire", "Vestiaire"}
    csv_text = client.get("/donnees/structures.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("accessibilite_lieu,adresse,")
    for url in (
        "/donnees/services.json",
        "/donnees/structures.json",
        "/donnees/services.csv",
        "/donnees/structures.csv",
    ):
        assert PRO_MARKER not in client.get(url).content.decode()
    assert client.get("/donnees/autre.json").status_code == 404
    assert "data·inclusion" in client.get("/donnees/").content.decode()


def test_export_command_writes_files_and_quality(offer, tmp_path, capsys):
    call_command("export_datainclusion", output_dir=str(tmp_path), quality=True)
    out = capsys.readouterr().out
    assert "services : 5 lignes, 0 erreur(s) de schéma" in out and "qualité adresse" in out
    assert json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))[0]["id"] == "departement-71"
