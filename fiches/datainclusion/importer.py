"""data·inclusion import."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.html import escape
from wagtail.models import ReferenceIndex

from territories.bulk import reference_index_paused
from territories.models import (
    EPCI,
    Commune,
    OpeningSlot,
    SlotAccess,
    StructureIndexPage,
    StructureKind,
    StructurePage,
)

from ..models import CoverageKind, FicheIndexPage, FichePage, FichePlace, Public, Theme
from .schema import KIND_FROM_RESEAU, parse_osm_opening_hours, validate


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # (file, index, id, reason)


def load_records(path):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path} : fichier illisible ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path} : JSON invalide, ligne {exc.lineno} colonne {exc.colno} ({exc.msg})"
        ) from exc
    if not isinstance(data, list):
        raise ImportFileError(f"{path} : une liste d’objets est attendue.")
    return data


def _row_errors(record, kind):
    if not isinstance(record, dict):
        return ["la ligne n’est pas un objet JSON"]
    errors = [m for _i, m in validate([record], kind)]
    for axis, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = record.get(axis)
        if isinstance(value, int | float) and not low <= value <= high:
            errors.append(f"{axis} : coordonnée hors limites ({value})")
    return errors


def _commune_for(record):
    code = record.get("code_insee")
    commune = Commune.objects.filter(insee_code=code).first() if code else None
    if commune is None and record.get("commune"):
        commune = Commune.objects.of_departement().resolve(record["commune"])
    return commune


def _publish(page, parent):
    # Wagtail re-indexes references on every child-object save; here each page is indexed
    # once, after it is published.
    with reference_index_paused():
        if page.pk is None:
            parent.add_child(instance=page)
        page.save_revision().publish()
    ReferenceIndex.create_or_update_for_object(page)


def import_structures(records, progress=None, file_label="structures"):
    result = ImportResult()
    parent = StructureIndexPage.objects.first()
    if parent is None:
        raise ImportFileError("Aucun annuaire des structures : lancez d’abord setup_site.")
    with transaction.atomic():
        for index, record in enumerate(records):
            if progress:
                progress(index + 1, len(records))
            errors = _row_errors(record, "structure")
            if isinstance(record, dict) and record.get("id", "").startswith("departement-"):
                continue  # the département itself, not a place
            commune = _commune_for(record) if not errors else None
            if not errors and commune is None:
                errors.append("code_insee : commune inconnue du référentiel")
            slots = []
            if not errors and record.get("horaires_accueil"):
                try:
                    slots = parse_osm_opening_hours(record["horaires_accueil"])
                except ValueError:
                    slots = None  # kept as text below
            if errors:
                result.rejected.append(
                    (
                        file_label,
                        index,
                        (record or {}).get("id") if isinstance(record, dict) else None,
                        " ; ".join(errors),
                    )
                )
                continue
            page = StructurePage.objects.filter(source=record["source"], source_id=record["id"]).first()
            created = page is None
            page = page or StructurePage(
                source=record["source"], source_id=record["id"], needs_verification=True
            )
            kind = next(
                (KIND_FROM_RESEAU[r] for r in record.get("reseaux_porteurs") or [] if r in KIND_FROM_RESEAU),
                StructureKind.OTHER,
            )
            lat, lng = record.get("latitude"), record.get("longitude")
            page.title = record["nom"]
            page.kind = kind
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
            page.practical_info = record["horaires_accueil"] if slots is None else page.practical_info
            page.opening_slots = [
                OpeningSlot(
                    weekday=d, opens=o, closes=c, access=SlotAccess.WALK_IN if w else SlotAccess.APPOINTMENT
                )
                for d, o, c, w in (slots or [])
            ]
            _publish(page, parent)
            result.created += created
            result.updated += not created
    return result


def _coverage(codes):
    """(kind, epcis, communes) from zone_eligibilite codes, or raise ValueError."""
    departement = settings.REPERES_DEPARTEMENT["code"]
    if not codes or codes == [departement] or "france" in codes:
        return CoverageKind.DEPARTEMENT, [], []
    sirens = [c for c in codes if len(c) == 9]
    inseec = [c for c in codes if len(c) == 5]
    epcis = list(EPCI.objects.filter(siren__in=sirens))
    communes = list(Commune.objects.filter(insee_code__in=inseec))
    if len(epcis) != len(sirens) or len(communes) != len(inseec) or len(sirens) + len(inseec) != len(codes):
        raise ValueError("zone_eligibilite : code inconnu du référentiel")
    if sirens and not inseec:
        return CoverageKind.EPCI, epcis, []
    communes += list(Commune.objects.filter(epci__in=epcis))
    return CoverageKind.COMMUNES, [], communes


def import_services(records, progress=None, file_label="services"):
    result = ImportResult()
    parent = FicheIndexPage.objects.first()
    if parent is None:
        raise ImportFileError("Aucun index des fiches : lancez d’abord setup_site.")
    with transaction.atomic():
        for index, record in enumerate(records):
            if progress:
                progress(index + 1, len(records))
            errors = _row_errors(record, "service")
            structure = themes = publics = coverage = None
            if not errors:
                structure = StructurePage.objects.filter(
                    source=record["source"], source_id=record["structure_id"]
                ).first()
                if structure is None and not record["structure_id"].startswith("departement-"):
                    errors.append("structure_id : structure absente (importez d’abord les structures)")
                themes = list(Theme.objects.filter(code__in=record.get("thematiques") or []))
                if len(themes) != len(record.get("thematiques") or []):
                    errors.append("thematiques : thématique absente de la taxonomie")
                publics = list(Public.objects.filter(code__in=record.get("publics") or []))
                try:
                    coverage = _coverage(record.get("zone_eligibilite"))
                except ValueError as exc:
                    errors.append(str(exc))
            if errors:
                rid = record.get("id") if isinstance(record, dict) else None
                result.rejected.append((file_label, index, rid, " ; ".join(errors)))
                continue
            page = FichePage.objects.filter(source=record["source"], source_id=record["id"]).first()
            created = page is None
            page = page or FichePage(source=record["source"], source_id=record["id"], needs_verification=True)
            kind, epcis, communes = coverage
            page.title = record["nom"]
            page.summary = record["description"]
            blocks = []
            if record.get("conditions_acces"):
                blocks.append({"type": "conditions", "value": f"<p>{escape(record['conditions_acces'])}</p>"})
            if record.get("frais"):
                blocks.append(
                    {
                        "type": "cost",
                        "value": {
                            "is_free": record["frais"] == "gratuit",
                            "details": record.get("frais_precisions") or "",
                        },
                    }
                )
            page.body = json.dumps(blocks)
            page.last_verified = date.fromisoformat(record["date_maj"])
            page.coverage_kind = kind
            page.coverage_epcis = epcis
            page.coverage_communes = communes
            page.themes = themes
            page.publics = publics
            page.places = [FichePlace(structure=structure)] if structure is not None else []
            _publish(page, parent)
            result.created += created
            result.updated += not created
    return result
