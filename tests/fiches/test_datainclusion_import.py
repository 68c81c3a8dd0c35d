"""data·inclusion import with files shaped like real feeds (schema v1 records, small files)."""

import csv
import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from wagtail.models import PageLogEntry, Revision, WorkflowState

from fiches import datainclusion
from fiches.models import CoverageKind, FichePage, Public
from fiches.taxonomy import install_taxonomy
from territories.models import StructurePage
from tests import builders

pytestmark = pytest.mark.django_db
BASE = "http://localhost"


@pytest.fixture
def site(reference_data):
    install_taxonomy()
    return builders.site()


def structure(**values):
    return {
        "source": "dora",
        "id": "dora--s1",
        "nom": "Centre social Les Tilleuls",
        "date_maj": "2026-09-01",
        "code_insee": "71014",
        "adresse": "3 rue des Tilleuls",
        "telephone": "03 85 00 00 10",
        **values,
    }


def service(**values):
    return {
        "source": "dora",
        "id": "dora--v1",
        "structure_id": "dora--s1",
        "nom": "Aide aux démarches en ligne",
        "description": "Un accompagnement pour les démarches administratives en ligne.",
        "date_maj": "2026-09-02",
        "thematiques": ["numerique--acceder-a-des-services-en-ligne"],
        "publics": ["tous-publics"],
        **values,
    }


def run(tmp_path, structures=None, services=None, *, full=False, raw=None):
    """The command as an IT person runs it; returns (output, {(position, id, field): reason})."""
    args = {"report": str(tmp_path / "rapport.csv"), "stdout": StringIO(), "full": full}
    for kind, records in (("structures", structures), ("services", services)):
        if records is not None:
            path = tmp_path / f"{kind}.json"
            data = json.dumps(records, ensure_ascii=False).encode("utf-8")
            path.write_bytes((raw or b"") + data)
            args[kind] = str(path)
    call_command("import_datainclusion", **args)
    with open(tmp_path / "rapport.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["fichier", "position", "id", "champ", "motif"]
    return args["stdout"].getvalue(), {(r[1], r[2], r[3]): r[4] for r in rows[1:]}


def test_a_feed_with_a_byte_order_mark_and_empty_strings_imports_structures_and_services_together(
    site, tmp_path
):
    structures = [
        # no code_insee: placed from its postal code and commune name
        structure(code_insee="", code_postal="71400", commune="Autun", courriel="", site_web=" "),
    ]
    services = [service(telephone="", lien_mobilisation="", zone_eligibilite=[])]
    out, rejected = run(tmp_path, structures, services, raw="\ufeff".encode())

    assert rejected == {}
    place = StructurePage.objects.get(source="dora", source_id="dora--s1")
    assert place.commune.insee_code == "71014" and place.email == "" and place.website == ""
    fiche = FichePage.objects.get(source="dora", source_id="dora--v1")
    assert fiche.live and fiche.place_structures() == [place]
    assert fiche.coverage_kind == CoverageKind.DEPARTEMENT
    assert "structures : 1 créé(s)" in out and "services : 1 créé(s)" in out


def test_a_structure_placed_only_by_an_ambiguous_postal_code_is_rejected_with_the_candidates(site, tmp_path):
    _out, rejected = run(
        tmp_path,
        [
            structure(code_insee=None, code_postal="71290", commune=None),
            structure(id="dora--s2", code_insee=None, code_postal="71290", commune="Cuisery"),
        ],
    )
    reason = rejected["1", "dora--s1", "commune"]
    assert reason.startswith("« 71290 » désigne plusieurs communes : ")
    assert "Cuisery (71158)" in reason and "Brienne (71061)" in reason
    assert StructurePage.objects.get(source_id="dora--s2").commune.insee_code == "71158"


@pytest.mark.parametrize(
    "zone",
    [
        ["21", "25", "39", "58", "70", "71", "89", "90"],  # the region, as its départements
        ["27"],  # the region's code (REPERES_REGION_CODE)
        ["france"],
        ["99100"],
    ],
)
def test_a_regional_or_national_zone_covers_the_departement_and_is_exported_unchanged(site, tmp_path, zone):
    _out, rejected = run(tmp_path, [structure()], [service(zone_eligibilite=zone)])

    assert rejected == {}
    fiche = FichePage.objects.get(source_id="dora--v1")
    assert fiche.coverage_kind == CoverageKind.DEPARTEMENT
    exported = next(s for s in datainclusion.export_all(BASE)["services"] if s["nom"] == fiche.title)
    assert exported["zone_eligibilite"] == zone


def test_a_zone_outside_the_departement_is_rejected_in_french(site, tmp_path):
    _out, rejected = run(tmp_path, [structure()], [service(zone_eligibilite=["21231", "242100410"])])
    assert rejected == {
        ("1", "dora--v1", "zone_eligibilite"): "aucun code (21231, 242100410) ne désigne le département 71, "
        "une de ses communes ou un de ses EPCI"
    }


def test_records_the_schema_forbids_are_rejected_with_position_id_field_and_reason_and_the_others_import(
    site, tmp_path
):
    services = [
        service(id="v-ok"),
        service(id="v-mix", publics=["tous-publics", "jeunes"]),
        service(id="v-type", type="permanence"),
        service(id="v-link", lien_mobilisation="pas une adresse"),
        service(id="v-mail", courriel="personne@"),
        service(id="v-short", nom="Ai"),
    ]
    out, rejected = run(tmp_path, [structure(), structure(id="s-dot", nom="Mairie.")], services)

    assert rejected[("2", "s-dot", "nom")] == (
        "le nom d’une structure ne se termine pas par un point (règle du schéma)"
    )
    assert rejected[("2", "v-mix", "publics")] == (
        "« tous-publics » ne peut pas être combiné avec d’autres publics (règle du schéma)"
    )
    assert rejected[("3", "v-type", "type")].startswith(
        'valeur inconnue "permanence" (valeurs admises : accompagnement'
    )
    assert rejected[("4", "v-link", "lien_mobilisation")] == (
        'doit être une adresse web complète (https://…), pas "pas une adresse"'
    )
    assert rejected[("5", "v-mail", "courriel")] == 'doit être une adresse électronique, pas "personne@"'
    assert rejected[("6", "v-short", "nom")] == "trop court (2 caractères, 3 au moins)"
    assert list(FichePage.objects.filter(source="dora").values_list("source_id", flat=True)) == ["v-ok"]
    assert "services.json, enregistrement n° 2 (id « v-mix ») : publics : « tous-publics »" in out


def test_the_export_never_emits_what_the_import_rejects(site):
    fiche = builders.fiche(site["fiche_index"], "Accueil de jour.")
    fiche.publics = list(Public.objects.filter(code__in=["tous-publics", "jeunes"]))
    fiche.save_revision().publish()
    data = datainclusion.export_all(BASE)
    exported = next(s for s in data["services"] if s["id"] == str(fiche.pk))
    assert exported["publics"] == ["jeunes"]
    assert datainclusion.validate(data["services"], "service") == []


def test_an_unchanged_record_makes_no_revision(site, tmp_path):
    run(tmp_path, [structure()], [service()])
    revisions = Revision.objects.count()
    out, _rejected = run(tmp_path, [structure()], [service()])
    assert Revision.objects.count() == revisions
    assert "structures : 0 créé(s), 0 mis à jour, 1 inchangé(s)" in out
    assert "services : 0 créé(s), 0 mis à jour, 1 inchangé(s)" in out


def test_a_changed_record_of_a_page_nobody_edited_here_is_published_by_the_import_user(site, tmp_path):
    run(tmp_path, [structure()], [service()])
    run(tmp_path, [structure()], [service(nom="Aide aux démarches numériques", date_maj="2026-10-01")])

    fiche = FichePage.objects.get(source_id="dora--v1")
    assert fiche.title == "Aide aux démarches numériques" and not fiche.has_unpublished_changes
    publications = PageLogEntry.objects.filter(page=fiche, action="wagtail.publish").order_by("timestamp")
    assert [e.user.username for e in publications] == ["import-datainclusion", "import-datainclusion"]


def test_a_changed_record_of_a_page_edited_here_becomes_a_draft_in_the_moderation_workflow(site, tmp_path):
    from moderation.workflow import WORKFLOW_NAME, install_workflow

    install_workflow(Group.objects.create(name="Modérateurs test"))
    run(tmp_path, [structure()], [service()])
    fiche = FichePage.objects.get(source_id="dora--v1")
    moderator = User.objects.create_user("moderatrice")
    fiche.summary = "Corrigé ici : sur rendez-vous le mardi."
    fiche.save_revision(user=moderator).publish(user=moderator, skip_permission_checks=True)

    run(tmp_path, [structure()], [service(description="Nouvelle description venue de la source.")])

    fiche = FichePage.objects.get(pk=fiche.pk)
    assert fiche.summary == "Corrigé ici : sur rendez-vous le mardi."  # never a silent overwrite
    assert fiche.has_unpublished_changes
    draft = fiche.get_latest_revision_as_object()
    assert draft.summary == "Nouvelle description venue de la source."
    state = WorkflowState.objects.get(object_id=str(fiche.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    assert state.workflow.name == WORKFLOW_NAME and state.requested_by.username == "import-datainclusion"


def test_a_record_missing_from_a_later_full_import_marks_its_page_to_verify_and_keeps_it(site, tmp_path):
    run(tmp_path, [structure()], [service(), service(id="dora--v2", nom="Permanence juridique")])
    FichePage.objects.update(needs_verification=False)

    out, _rejected = run(tmp_path, [structure()], [service()], full=True)

    gone = FichePage.objects.get(source_id="dora--v2")
    assert gone.live and gone.needs_verification
    assert not FichePage.objects.get(source_id="dora--v1").needs_verification
    assert "1 marqué(s) « à vérifier »" in out


def test_the_same_siret_at_the_same_address_is_one_structure_and_near_matches_are_listed(site, tmp_path):
    run(tmp_path, [structure(siret="12345678900011")])
    other_source = [
        structure(source="france-travail", id="ft--1", siret="12345678900011", adresse="3, rue des Tilleuls"),
        structure(source="france-travail", id="ft--2", siret="12345678900011", adresse="8 avenue de la Gare"),
    ]
    out, rejected = run(
        tmp_path,
        other_source,
        [service(source="france-travail", id="ft--v1", structure_id="ft--1")],
    )

    assert rejected == {}
    original = StructurePage.objects.get(source="dora")
    assert StructurePage.objects.filter(siret="12345678900011").count() == 2  # ft--2: elsewhere
    assert FichePage.objects.get(source_id="ft--v1").place_structures() == [original]
    assert (
        "Fusion possible — " in out and "même SIRET 12345678900011 que « Centre social Les Tilleuls »" in out
    )


def test_a_fiche_with_several_places_round_trips_as_one_fiche(site, tmp_path):
    autun = structure()
    creusot = structure(id="dora--s2", nom="Espace France services", code_insee="71153", adresse="1 place")
    run(tmp_path, [autun, creusot])
    places = list(StructurePage.objects.order_by("pk"))
    fiche = builders.fiche(site["fiche_index"], "Aide alimentaire", places=places)
    first = datainclusion.export_all(BASE)
    assert sorted(s["id"] for s in first["services"]) == [f"{fiche.pk}@{p.pk}" for p in places]

    pages, revisions = FichePage.objects.count(), Revision.objects.count()
    out, rejected = run(tmp_path, first["structures"], first["services"])  # into the same site
    assert rejected == {} and (FichePage.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert datainclusion.export_all(BASE) == first

    for page in [*FichePage.objects.all(), *StructurePage.objects.all()]:
        page.delete()
    run(tmp_path, first["structures"], first["services"])  # into an empty site
    assert FichePage.objects.count() == 1 and len(FichePage.objects.get().place_structures()) == 2
    second = datainclusion.export_all(BASE)
    for kind in ("structures", "services"):
        assert without_links(second[kind]) == without_links(first[kind])


def without_links(records):
    return sorted(
        ({k: v for k, v in r.items() if k != "lien_source"} for r in records), key=lambda r: r["id"]
    )


def test_no_field_is_lost_and_the_agent_sees_how_to_reach_the_service(site, tmp_path, client):
    full = service(
        type="accompagnement",
        modes_accueil=["en-presentiel", "a-distance"],
        modes_mobilisation=["telephoner", "utiliser-lien-mobilisation"],
        mobilisable_par=["professionnels"],
        lien_mobilisation="https://exemple.fr/demande",
        mobilisation_precisions="Orientation par un travailleur social.",
        publics_precisions="Personnes sans ordinateur.",
        telephone="03 85 99 99 99",
        courriel="numerique@exemple.fr",
        horaires_accueil="Tu 14:00-17:00",
        frais="payant",
        frais_precisions="2 € la séance",
        conditions_acces="Sur orientation.",
    )
    _out, rejected = run(tmp_path, [structure(reseaux_porteurs=["fcsf"], siret="12345678900011")], [full])
    assert rejected == {}

    exported = datainclusion.export_all(BASE)
    back = next(s for s in exported["services"] if s["nom"] == full["nom"])
    for key in (
        "type",
        "modes_mobilisation",
        "mobilisable_par",
        "lien_mobilisation",
        "mobilisation_precisions",
        "publics_precisions",
        "telephone",
        "courriel",
        "horaires_accueil",
        "frais",
        "frais_precisions",
        "conditions_acces",
    ):
        assert back[key] == full[key], key
    assert sorted(back["modes_accueil"]) == sorted(full["modes_accueil"])
    place = next(s for s in exported["structures"] if s["nom"] == "Centre social Les Tilleuls")
    assert (place["reseaux_porteurs"], place["siret"]) == (["fcsf"], "12345678900011")

    page = client.get(FichePage.objects.get(source_id="dora--v1").url).content.decode()
    for shown in (
        "Accès au service",
        "Modes d’accueil",  # labels as sentences, not the fields' lower-case names
        "Comment mobiliser le service",
        "Téléphoner",
        "Les professionnels",
        "https://exemple.fr/demande",
        "03 85 99 99 99",
        "mardi : 14:00–17:00",  # the service's own hours in French, not the raw expression
    ):
        assert shown in page, shown
    assert "Tu 14:00-17:00" not in page


def test_osm_hours_beyond_the_slots_are_kept_followed_and_exported_back(site, tmp_path, client):
    hours = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"  # data·inclusion's own example's form
    _out, rejected = run(tmp_path, [structure(horaires_accueil=hours)])
    assert rejected == {}

    place = StructurePage.objects.get(source_id="dora--s1")
    assert place.opening_hours == hours and place.practical_info == ""
    assert place.opening_status(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/Paris"))).is_open
    assert not place.opening_status(datetime(2026, 11, 11, 10, tzinfo=ZoneInfo("Europe/Paris"))).is_open
    exported = datainclusion.export_all(BASE)["structures"]
    assert next(s for s in exported if s["nom"] == place.title)["horaires_accueil"] == hours


def test_a_rerun_completes_an_import_that_stopped_after_some_batches(site, tmp_path):
    services = [service(id=f"v-{n}", nom=f"Service numéro {n}") for n in range(6)]
    results = datainclusion.run_import([structure()], services[:3], batch_size=2)  # what was committed
    assert results["services"].created == 3

    results = datainclusion.run_import([structure()], services, batch_size=2)
    assert (results["services"].unchanged, results["services"].created) == (3, 3)
    assert FichePage.objects.filter(source="dora").count() == 6


def test_an_unreadable_file_or_an_unplaceable_setup_gives_a_french_message(site, tmp_path):
    (tmp_path / "s.json").write_bytes(b"\xff\xfe\x00")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="fichier illisible"):
        call_command(
            "import_datainclusion", structures=str(tmp_path / "s.json"), report=str(tmp_path / "r.csv")
        )


def api_page(items, page, pages):
    """A page of the data·inclusion API as it answers (fastapi-pagination's shape)."""
    return {"items": items, "total": 3, "page": page, "size": 1000, "pages": pages}


def test_the_api_is_read_page_by_page_with_the_token_from_the_environment(
    site, tmp_path, httpserver, monkeypatch
):
    monkeypatch.setenv("DATA_INCLUSION_API_TOKEN", "jeton-secret")
    auth = {"Authorization": "Bearer jeton-secret"}

    def expect(kind, page, body):
        query = {"departement": "71", "page": str(page), "size": "1000"}
        httpserver.expect_request(f"/api/v1/{kind}", query_string=query, headers=auth).respond_with_json(body)

    expect("structures", 1, api_page([structure()], 1, 2))
    expect("structures", 2, api_page([structure(id="dora--s2", nom="Épicerie solidaire")], 2, 2))
    expect("services", 1, api_page([service(), service(id="dora--v2", structure_id="dora--s2")], 1, 1))
    out = StringIO()
    call_command(
        "import_datainclusion", api=httpserver.url_for("/"), report=str(tmp_path / "r.csv"), stdout=out
    )

    assert set(StructurePage.objects.filter(source="dora").values_list("source_id", flat=True)) == {
        "dora--s1",
        "dora--s2",
    }
    assert FichePage.objects.filter(source="dora").count() == 2
    assert "services : 2 créé(s)" in out.getvalue()


def test_an_api_refusing_the_token_gives_a_french_message(site, tmp_path, httpserver, monkeypatch):
    monkeypatch.delenv("DATA_INCLUSION_API_TOKEN", raising=False)
    httpserver.expect_request("/api/v1/structures").respond_with_json(
        {"detail": "Not authenticated"}, status=401
    )
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match="a répondu 401 \\(jeton absent ou refusé : DATA_INCLUSION_API_TOKEN\\)"
    ):
        call_command("import_datainclusion", api=httpserver.url_for("/"), report=str(tmp_path / "r.csv"))


def test_pages_written_in_bulk_are_whole_wagtail_pages_for_every_reader(site, tmp_path, admin_client, client):
    """A first import writes its new pages a batch at a time (territories.bulk.NewPages): the
    tree, revisions, history, search, public page and editor must be as Wagtail's own calls
    leave them, and Wagtail's own calls must work on them afterwards."""
    from wagtail.models import Page

    services = [service(id=f"v-{n}", nom=f"Atelier numérique n° {n}") for n in range(5)]
    services.append(service(id="v-same", nom="Atelier numérique n° 1"))  # a title already taken
    run(tmp_path, [structure(horaires_accueil="Mo-Fr 09:00-12:00")], services)

    assert all(not problems for problems in Page.find_problems())  # paths, depth, numchild
    importer = User.objects.get(username="import-datainclusion")
    fiches = FichePage.objects.filter(source="dora")
    assert fiches.count() == 6 and len({f.slug for f in fiches}) == 6
    for fiche in fiches:
        assert fiche.live and not fiche.has_unpublished_changes
        assert fiche.latest_revision_id == fiche.live_revision_id
        assert fiche.live_revision.user == importer
        assert fiche.live_revision.as_object().title == fiche.title
        actions = set(PageLogEntry.objects.filter(page=fiche).values_list("action", flat=True))
        assert actions == {"wagtail.create", "wagtail.publish"}
        assert fiche.covered_communes.count() == 0  # département-wide: matched by its kind
    place = StructurePage.objects.get(source="dora")
    assert (place.latitude, place.longitude) != (None, None) and place.opening_slots.count() == 5

    fiche = fiches.get(source_id="v-3")
    page = client.get(fiche.url)
    assert page.status_code == 200 and "Centre social Les Tilleuls" in page.content.decode()
    assert fiche.url in client.get("/recherche/", {"q": "atelier numérique"}).content.decode()
    for view in ("edit", "history"):
        assert admin_client.get(f"/admin/pages/{fiche.pk}/{view}/").status_code == 200

    # Wagtail's own calls on and beside them: an edit published, a page added by hand.
    fiche.title = "Atelier numérique du mardi"
    fiche.save_revision(user=importer).publish()
    added = builders.fiche(site["fiche_index"], "Permanence ajoutée à la main")
    assert added.path > max(f.path for f in fiches.exclude(pk=added.pk))
    assert all(not problems for problems in Page.find_problems())
