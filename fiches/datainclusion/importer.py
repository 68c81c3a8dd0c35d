"""data·inclusion import: structures and services, in one pass, batch by batch.

- Records are cleaned first (surrounding spaces, empty strings and empty lists are absent
  values), then checked against the schema and the rules its descriptions state
  (`schema.check`): a bad record is rejected with a French reason, the others import.
- A structure or service is the page with the same (source, id); for this site's own source an
  id is also a page's primary key (what the export writes for pages created here), and a
  structure with the same SIRET at the same address is the same place (near matches are listed
  as merge candidates, never merged silently).
- Services of one fiche at several places (`<fiche id>@<structure id>`, as the export writes
  them) are one fiche with several places.
- An unchanged record (same fingerprint, or the same content as the page already exports) makes
  no revision. A changed record publishes a new revision by the import's system user when
  nobody edited the page here since the last import; otherwise it becomes a draft submitted to
  the page's moderation workflow.
- A full import (`full=True`) marks "à vérifier" the pages of a source whose records are gone;
  nothing is ever deleted.
- Work is committed batch by batch: an interrupted import keeps its batches, and a rerun skips
  them as unchanged. New pages are written a batch at a time (`territories.bulk.NewPages`:
  published, with their revision by the import's user and their history), which is what lets a
  first import of a whole département's feed finish in minutes; changes to existing pages go
  through Wagtail's revisions and workflow one page at a time.
"""

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from wagtail.models import ReferenceIndex

from territories.bulk import NewPages, reference_index_paused
from territories.geo import normalize_name
from territories.models import (
    EPCI,
    Commune,
    OpeningSlot,
    SlotAccess,
    StructureIndexPage,
    StructureKind,
    StructurePage,
)
from territories.opening_hours import compiled

from .. import search_rows
from ..coverage import CoverageKind, commune_ids, epci_communes
from ..models import FicheCoveredCommune, FicheIndexPage, FichePage, FichePlace, Public, Theme
from ..result_cache import forget_results
from . import export
from .schema import KIND_FROM_RESEAU, check, clean, parse_osm_opening_hours, source_name

BATCH_SIZE = 200
SUMMARY_MAX = 600

STRUCTURE_KEYS = (
    "nom",
    "description",
    "date_maj",
    "adresse",
    "complement_adresse",
    "code_postal",
    "code_insee",
    "commune",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "horaires_accueil",
    "site_web",
    "reseaux_porteurs",
    "siret",
)
SERVICE_KEYS = (
    "nom",
    "description",
    "date_maj",
    "type",
    "thematiques",
    "publics",
    "publics_precisions",
    "zone_eligibilite",
    "conditions_acces",
    "frais",
    "frais_precisions",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "lien_mobilisation",
    "mobilisation_precisions",
    "telephone",
    "courriel",
    "horaires_accueil",
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""


@dataclass
class Rejection:
    file: str
    position: int  # 1-based position of the record in its file
    id: str
    field: str
    reason: str

    def __str__(self):
        where = f"{self.file}, enregistrement n° {self.position}"
        if self.id:
            where += f" (id « {self.id} »)"
        return f"{where} : {self.field} : {self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    submitted: int = 0  # changes of pages edited here, sent to moderation
    marked: int = 0  # pages whose record is gone from a full import: "à vérifier"
    rejected: list = field(default_factory=list)  # [Rejection]
    merge_candidates: list = field(default_factory=list)  # [str]

    def summary(self, label):
        return (
            f"{label} : {self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s), "
            f"{self.submitted} soumis à la modération, {self.marked} marqué(s) « à vérifier », "
            f"{len(self.rejected)} rejeté(s)."
        )


def load_records(path):
    """The list of records of a JSON file (UTF-8, with or without a byte-order mark)."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path} : fichier illisible ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path} : JSON invalide, ligne {exc.lineno} colonne {exc.colno} ({exc.msg})"
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]  # a page of the data·inclusion API saved as is
    if not isinstance(data, list):
        raise ImportFileError(f"{path} : une liste d’objets est attendue.")
    return data


def import_user():
    """The system account the import's revisions are made by (visible in the pages' history)."""
    username = getattr(settings, "FICHES_DATAINCLUSION_IMPORT_USER", "import-datainclusion")
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": "Import", "last_name": "data·inclusion", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def fingerprint(records):
    return hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _chunks(items, size):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _project(record, keys):
    """The fields an import reads, lists as sets: what "unchanged" compares."""
    out = {}
    for key in keys:
        value = record.get(key)
        out[key] = sorted(value) if isinstance(value, list) else value
    return out


def _edited_here(page, user):
    """Did anyone but the import touch the page since the import last wrote it?"""
    revision = page.latest_revision
    return (
        revision is None
        or revision.user_id != user.pk
        or page.has_unpublished_changes
        or page.workflow_in_progress
    )


def _write(page, batch, user, result, apply):
    """Publish or submit `page` with `apply(target)` applied; a new page joins `batch`, written
    with the others of its batch (`NewPages.write`)."""
    if page.pk is None:
        apply(page)
        batch.add(page)
        result.created += 1
        return page
    with reference_index_paused():
        if _edited_here(page, user):
            draft = page.get_latest_revision_as_object()
            apply(draft)
            draft.save_revision(user=user, log_action=True)
            workflow = page.get_workflow()
            if workflow is not None and not page.workflow_in_progress:
                workflow.start(page, user)
            result.submitted += 1
        else:
            apply(page)
            page.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
            result.updated += 1
    ReferenceIndex.create_or_update_for_object(page)
    return page


def _written(page, batch, user, result, apply, where):
    """`_write` in a savepoint; what the site's own validation refuses is a rejection, not a crash."""
    try:
        with transaction.atomic():
            _write(page, batch, user, result, apply)
        return True
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            result.rejected.append(Rejection(*where, FIELD_NAMES.get(name, name), " ; ".join(messages)))
        return False


# Page fields → the record's field, for the reasons of a rejection.
FIELD_NAMES = {
    "title": "nom",
    "summary": "description",
    "mobilisation_link": "lien_mobilisation",
    "service_email": "courriel",
    "service_phone": "telephone",
    "service_hours": "horaires_accueil",
    "website": "site_web",
    "email": "courriel",
    "phone": "telephone",
    "address": "adresse",
    "postal_code": "code_postal",
    "siret": "siret",
}


# --- Communes, coverage -----------------------------------------------------------------


def place_commune(record):
    """(commune, None) or (None, (field, French reason)) for a structure's address."""
    departement = settings.REPERES_DEPARTEMENT["code"]
    communes = Commune.objects.of_departement()
    code = record.get("code_insee")
    if code:
        commune = Commune.objects.filter(insee_code=code).first()
        if commune is None:
            return None, ("code_insee", f"commune « {code} » inconnue du référentiel")
        if commune.departement_code != departement:
            return None, ("code_insee", f"la commune « {code} » n’est pas dans le département {departement}")
        return commune, None
    postal, name = record.get("code_postal"), record.get("commune")
    if not postal and not name:
        return None, ("code_insee", "ni code INSEE, ni code postal, ni commune : lieu impossible à placer")
    candidates = communes.filter(postal_codes__contains=postal) if postal else communes
    if name:
        named = list(candidates.filter(search_name=normalize_name(name)))
        if not named and not postal:
            found = communes.resolve(name)  # an old merged commune's name
            named = [found] if found else []
        candidates_list = named
    else:
        candidates_list = list(candidates)
    if len(candidates_list) == 1:
        return candidates_list[0], None
    where = " ".join(p for p in (postal, name) if p)
    if not candidates_list:
        return None, ("commune", f"aucune commune du département ne correspond à « {where} »")
    names = ", ".join(f"{c.name} ({c.insee_code})" for c in candidates_list[:10])
    return None, ("commune", f"« {where} » désigne plusieurs communes : {names} ; précisez code_insee")


def coverage(codes):
    """(kind, epcis, communes) for a zone_eligibilite; raises ValueError with a French reason."""
    departement = settings.REPERES_DEPARTEMENT["code"]
    whole = {"france", "99100", departement}
    region = getattr(settings, "REPERES_REGION_CODE", "")
    if region:
        whole.add(region)
    if not codes or whole.intersection(codes):
        return CoverageKind.DEPARTEMENT, [], []
    sirens = [c for c in codes if len(c) == 9 and c.isdigit()]
    insee = [c for c in codes if len(c) == 5]
    epcis = list(EPCI.objects.filter(siren__in=sirens, communes__departement_code=departement).distinct())
    communes = list(Commune.objects.of_departement().filter(insee_code__in=insee))
    if not epcis and not communes:
        raise ValueError(
            f"aucun code ({', '.join(codes[:10])}) ne désigne le département {departement}, "
            "une de ses communes ou un de ses EPCI"
        )
    if epcis and not communes:
        return CoverageKind.EPCI, epcis, []
    communes += list(epci_communes(epcis))
    return CoverageKind.COMMUNES, [], communes


@functools.lru_cache(maxsize=1024)
def _coverage_of(codes):
    """`coverage`, read once per zone during an import (feeds repeat the same zones)."""
    return coverage(list(codes))


# --- Structures -------------------------------------------------------------------------


def _address_key(record_or_page):
    """("3 rue des tilleuls", INSEE code): punctuation, case and accents ignored."""
    if isinstance(record_or_page, dict):
        address, insee = record_or_page.get("adresse"), record_or_page.get("code_insee")
    else:
        address, insee = record_or_page.address, record_or_page.commune.insee_code
    return re.sub(r"[^a-z0-9]+", " ", normalize_name(address)).strip(), insee or ""


def _find_structure(record, own):
    page = StructurePage.objects.filter(source=record["source"], source_id=record["id"]).first()
    if page is None and record["source"] == own and record["id"].isdigit():
        page = StructurePage.objects.exclude(source=own).filter(pk=int(record["id"])).first()
    return page


def _apply_structure(record, commune, slots):
    def apply(page):
        lat, lng = record.get("latitude"), record.get("longitude")
        networks = record.get("reseaux_porteurs") or []
        page.title = record["nom"]
        page.kind = next(
            (KIND_FROM_RESEAU[r] for r in networks if r in KIND_FROM_RESEAU), StructureKind.OTHER
        )
        page.networks = networks
        page.siret = record.get("siret") or ""
        page.commune = commune
        page.description = record.get("description") or ""
        page.address = record.get("adresse") or ""
        page.address_complement = record.get("complement_adresse") or ""
        page.postal_code = record.get("code_postal") or ""
        page.location = f"SRID=4326;POINT({lng} {lat})" if lat is not None and lng is not None else ""
        page.phone = record.get("telephone") or ""
        page.email = record.get("courriel") or ""
        page.website = record.get("site_web") or ""
        page.last_verified = date.fromisoformat(record["date_maj"])
        # Hours the slots cannot hold (public holidays, months, "2e mardi"…) are kept as the
        # expression they are; an unreadable text as practical information.
        page.opening_hours = ""
        if slots is None and compiled(record["horaires_accueil"]) is not None:
            page.opening_hours = record["horaires_accueil"]
        elif slots is None:
            page.practical_info = record["horaires_accueil"]
        page.opening_slots = [
            OpeningSlot(
                weekday=d, opens=o, closes=c, access=SlotAccess.WALK_IN if w else SlotAccess.APPOINTMENT
            )
            for d, o, c, w in (slots or [])
        ]

    return apply


def _import_structure(position, record, batch, user, result, file_label, own):
    """The structure page for `record` (created, updated, merged or unchanged), or None."""
    if record["id"].startswith("departement-") and record["source"] == own:
        return None  # the département itself, not a place
    commune, problem = place_commune(record)
    if problem:
        result.rejected.append(Rejection(file_label, position, record["id"], *problem))
        return None
    record = {**record, "code_insee": commune.insee_code, "commune": record.get("commune") or commune.name}
    slots = []
    if record.get("horaires_accueil"):
        try:
            slots = parse_osm_opening_hours(record["horaires_accueil"])
        except ValueError:
            slots = None
    digest = fingerprint(_project(record, STRUCTURE_KEYS))
    page = _find_structure(record, own)
    if page is None and record.get("siret"):
        same_siret = list(StructurePage.objects.filter(siret=record["siret"]).select_related("commune"))
        same_siret += [p for p in batch.pages if p.siret == record["siret"]]  # not written yet
        for other in same_siret:
            if _address_key(other) == _address_key(record):
                result.unchanged += 1  # the same place, kept by its own source
                return other
        for other in same_siret:
            result.merge_candidates.append(
                f"{file_label}, enregistrement n° {position} (id « {record['id']} ») : même SIRET "
                f"{record['siret']} que « {other.title} » ({other.source or 'saisie ici'} {other.source_id}) "
                "à une autre adresse : à fusionner ?"
            )
    if page is not None:
        if page.source_hash == digest:
            result.unchanged += 1
            return page
        current = clean(export.export_structure(page, ""))
        if _project(current, STRUCTURE_KEYS) == _project(record, STRUCTURE_KEYS):
            StructurePage.objects.filter(pk=page.pk).update(source_hash=digest)
            result.unchanged += 1
            return page
    else:
        page = StructurePage(
            source=record["source"], source_id=record["id"], needs_verification=True, source_hash=digest
        )
    apply = _apply_structure(record, commune, slots)
    if not _written(page, batch, user, result, apply, (file_label, position, record["id"])):
        return None
    if page.pk is None:
        page.derive_position()  # what StructurePage.save does, for the batch's bulk write
    else:
        StructurePage.objects.filter(pk=page.pk).update(source_hash=digest)
    return page


# --- Services ---------------------------------------------------------------------------


def fiche_key(record):
    """(source, fiche id): `<fiche>@<structure>` ids (a fiche at several places) share one."""
    base, sep, place = record["id"].rpartition("@")
    if sep and base and place == record["structure_id"]:
        return record["source"], base
    return record["source"], record["id"]


def _find_fiche(source, fiche_id, own, known=None):
    """The fiche of (source, id); `known`: those of the batch, read in one query."""
    if known is not None:
        page = known.get((source, fiche_id))
    else:
        page = FichePage.objects.filter(source=source, source_id=fiche_id).first()
    if page is None and source == own and fiche_id.isdigit():
        page = FichePage.objects.exclude(source=own).filter(pk=int(fiche_id)).first()
    return page


def _summary_and_sections(description):
    if len(description) <= SUMMARY_MAX:
        return description, []
    first, _sep, rest = description.partition("\n\n")
    if len(first) > SUMMARY_MAX:
        first, rest = description[: SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…", description
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in rest.split("\n\n") if p.strip())
    return first, [{"type": "section", "value": {"heading": "", "text": paragraphs}}]


def _own_value(records, places, key, place_value):
    """A service's own phone, e-mail or hours: none when each record only repeats its place's."""
    values = [r.get(key) for r in records]
    if (
        places
        and len(values) == len(places)
        and all(v == place_value(p) for v, p in zip(values, places, strict=False))
    ):
        return ""
    return values[0] or ""


def _apply_service(records, places, cover, themes, publics):
    record = records[0]
    kind, epcis, communes = cover

    def apply(page):
        summary, blocks = _summary_and_sections(record["description"])
        if record.get("conditions_acces"):
            blocks.append({"type": "conditions", "value": f"<p>{escape(record['conditions_acces'])}</p>"})
        if record.get("frais") or record.get("frais_precisions"):
            blocks.append(
                {
                    "type": "cost",
                    "value": {
                        "is_free": record.get("frais") == "gratuit",
                        "details": record.get("frais_precisions") or "",
                    },
                }
            )
        page.title = record["nom"]
        page.summary = summary
        page.body = json.dumps(blocks)
        page.last_verified = date.fromisoformat(record["date_maj"])
        page.coverage_kind = kind
        page.coverage_epcis = epcis
        page.coverage_communes = communes
        page.themes = themes
        page.publics = publics
        page.places = [FichePlace(structure=s) for s in places]
        page.service_type = record.get("type") or ""
        page.reception_modes = record.get("modes_accueil") or []
        page.mobilisation_modes = record.get("modes_mobilisation") or []
        page.mobilisable_by = record.get("mobilisable_par") or []
        page.mobilisation_link = record.get("lien_mobilisation") or ""
        page.mobilisation_details = record.get("mobilisation_precisions") or ""
        page.publics_details = record.get("publics_precisions") or ""
        page.service_phone = _own_value(records, places, "telephone", lambda p: p.phone or None)
        page.service_email = _own_value(records, places, "courriel", lambda p: p.email or None)
        page.service_hours = _own_value(
            records, places, "horaires_accueil", lambda p: p.hours_expression() or None
        )
        zone = record.get("zone_eligibilite") or []
        page.source_zone = {"zone": zone, "coverage": None}  # completed once the coverage is saved

    return apply


def _import_fiche(group, structure_pages, batch, user, result, own, themes_by_code, publics_by_code, known):
    """One fiche from its records [(position, record, file_label)] (one per place)."""
    records = [r for _p, r, _f in group]
    first_position, first, file_label = group[0]
    places = []
    for position, record, label in group:
        sid = record["structure_id"]
        if sid.startswith("departement-"):
            continue
        structure = structure_pages.get((record["source"], sid))
        if structure is None:
            structure = _find_structure({"source": record["source"], "id": sid}, own)
        if structure is None:
            result.rejected.append(
                Rejection(
                    label,
                    position,
                    record["id"],
                    "structure_id",
                    f"structure « {sid} » absente du fichier et du site",
                )
            )
            return
        places.append(structure)
    try:
        cover = _coverage_of(tuple(first.get("zone_eligibilite") or ()))
    except ValueError as exc:
        result.rejected.append(
            Rejection(file_label, first_position, first["id"], "zone_eligibilite", str(exc))
        )
        return
    themes = [themes_by_code[c] for c in first.get("thematiques") or [] if c in themes_by_code]
    publics = [publics_by_code[c] for c in first.get("publics") or [] if c in publics_by_code]
    source, fiche_id = fiche_key(first)
    projected = sorted(
        [
            {**_project(r, SERVICE_KEYS), "_place": p.pk if p else None}
            for r, p in zip(records, places or [None], strict=False)
        ],
        key=lambda r: r["_place"] or 0,
    )
    digest = fingerprint(projected)
    page = _find_fiche(source, fiche_id, own, known)
    if page is not None:
        if page.source_hash == digest:
            result.unchanged += 1
            return
        current = [clean(s) for s in export.export_services(page, "")]
        current_places = page.place_structures() or [None]
        mine = sorted(
            [
                {**_project(s, SERVICE_KEYS), "_place": p.pk if p else None}
                for s, p in zip(current, current_places, strict=False)
            ],
            key=lambda r: r["_place"] or 0,
        )
        if mine == projected:
            FichePage.objects.filter(pk=page.pk).update(source_hash=digest)
            result.unchanged += 1
            return
    else:
        page = FichePage(source=source, source_id=fiche_id, needs_verification=True, source_hash=digest)
    apply = _apply_service(records, places, cover, themes, publics)
    if not _written(page, batch, user, result, apply, (file_label, first_position, first["id"])):
        return
    if page.pk is not None:  # a new page is completed once its batch is written (_complete_fiches)
        page.refresh_from_db(fields=["coverage_kind"])
        FichePage.objects.filter(pk=page.pk).update(source_hash=digest)
        kept = _kept_zone(page, first.get("zone_eligibilite") or [])
        FichePage.objects.filter(pk=page.pk).update(source_zone=kept)


def _kept_zone(page, zone):
    """The record's zone, kept for the export when it says more than what the fiche covers
    here (a region, the whole country)."""
    computed = export.zone_eligibilite(page)
    return {"zone": zone, "coverage": computed} if zone and sorted(zone) != sorted(computed or []) else {}


def _complete_fiches(pages):
    """What a fiche's save and publication derive, for the new fiches a batch wrote in bulk."""
    FicheCoveredCommune.objects.bulk_create(
        FicheCoveredCommune(fiche_id=page.pk, commune_id=commune_id)
        for page in pages
        for commune_id in commune_ids(page)
    )
    zoned = [page for page in pages if page.source_zone.get("zone")]
    for page in zoned:
        page.source_zone = _kept_zone(page, page.source_zone["zone"])
    FichePage.objects.bulk_update(zoned, ["source_zone"])
    _index_references(pages)
    if search_rows.enabled():
        search_rows.refresh([page.pk for page in pages])


def _index_references(pages):
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)


# --- The whole import -------------------------------------------------------------------


def _checked(records, kind, file_label, result):
    """[(position, cleaned record)] of the valid records; the others go to `result.rejected`."""
    good = []
    for position, raw in enumerate(records, 1):
        record = clean(raw) if isinstance(raw, dict) else raw
        problems = check(record, kind)
        if problems:
            rid = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else ""
            result.rejected += [Rejection(file_label, position, rid, f, reason) for f, reason in problems]
        else:
            good.append((position, record))
    return good


def _progress(total, label, enabled):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=" enr.", disable=None, leave=True)


def run_import(
    structures=(),
    services=(),
    *,
    structures_label="structures",
    services_label="services",
    full=False,
    progress=False,
    batch_size=BATCH_SIZE,
):
    """Import both kinds in one pass (structures first, so that services find them).

    Returns {"structures": ImportResult, "services": ImportResult}."""
    structure_parent = StructureIndexPage.objects.first()
    fiche_parent = FicheIndexPage.objects.first()
    if structure_parent is None or fiche_parent is None:
        raise ImportFileError(
            "Aucun annuaire des structures ou index des fiches : lancez d’abord setup_site."
        )
    own = source_name()
    user = import_user()
    results = {"structures": ImportResult(), "services": ImportResult()}
    _coverage_of.cache_clear()  # the communes and EPCI may have changed since the last import

    good = _checked(structures, "structure", structures_label, results["structures"])
    structure_pages = {}
    batch = NewPages(structure_parent, user)
    bar = _progress(len(good), "structures", progress)
    for chunk in _chunks(good, batch_size):
        with transaction.atomic(), reference_index_paused():
            for position, record in chunk:
                key = (record["source"], record["id"])
                if key in structure_pages:
                    results["structures"].rejected.append(
                        Rejection(structures_label, position, record["id"], "id", "identifiant en double")
                    )
                    continue
                page = _import_structure(
                    position, record, batch, user, results["structures"], structures_label, own
                )
                if page is not None:
                    structure_pages[key] = page
            _index_references(batch.write())
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    if full:
        results["structures"].marked = _mark_missing(
            StructurePage,
            {(r["source"], r["id"]) for _p, r in good if not r["id"].startswith("departement-")},
        )

    groups = {}
    for position, record in _checked(services, "service", services_label, results["services"]):
        groups.setdefault(fiche_key(record), []).append((position, record, services_label))
    themes_by_code = {t.code: t for t in Theme.objects.exclude(code="")}
    publics_by_code = {p.code: p for p in Public.objects.exclude(code="")}
    batch = NewPages(fiche_parent, user)
    bar = _progress(len(groups), "services", progress)
    for chunk in _chunks(list(groups.values()), batch_size):
        with transaction.atomic(), reference_index_paused():
            known = {
                (page.source, page.source_id): page
                for page in FichePage.objects.filter(source_id__in={fiche_key(g[0][1])[1] for g in chunk})
            }
            for group in chunk:
                _import_fiche(
                    group,
                    structure_pages,
                    batch,
                    user,
                    results["services"],
                    own,
                    themes_by_code,
                    publics_by_code,
                    known,
                )
            _complete_fiches(batch.write())
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    forget_results()  # bulk writes send no signal
    if full:
        results["services"].marked = _mark_missing(FichePage, set(groups))
    return results


def _mark_missing(model, seen):
    """Pages of the sources in `seen` whose record is gone: "à vérifier" (never deleted)."""
    marked = 0
    for source in {s for s, _i in seen}:
        ids = {i for s, i in seen if s == source}
        gone = model.objects.filter(source=source, needs_verification=False).exclude(source_id__in=ids)
        marked += gone.update(needs_verification=True)
    return marked


def import_structures(records, progress=None, file_label="structures", full=False):
    return run_import(structures=records, structures_label=file_label, full=full)["structures"]


def import_services(records, progress=None, file_label="services", full=False):
    return run_import(services=records, services_label=file_label, full=full)["services"]
