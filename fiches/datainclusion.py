"""data·inclusion v1 (schema 1.0.8): export, validation, quality, import.

- A **structure** is a StructurePage; the département itself is exported as one more structure
  (`departement-<code>`) for the fiches that no place carries.
- A **service** is a fiche at one of its places, or the fiche alone when it has none.
- Ids are stable: a page's primary key (fiche "pk" or "pk-place"), or, for records imported from
  this same source, the id they came with — so export → import → export gives the same ids.
- Professional-only content is never read here.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.utils.html import escape
from jsonschema import Draft202012Validator, FormatChecker
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

from .models import CoverageKind, FicheIndexPage, FichePage, FichePlace, Public, Theme

OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
APPOINTMENT_COMMENT = '"sur rendez-vous"'

RESEAUX = {
    StructureKind.MDS: "maisons-des-solidarites",
    StructureKind.CCAS: "ccas-cias",
    StructureKind.CIAS: "ccas-cias",
    StructureKind.FRANCE_SERVICES: "france-service",
    StructureKind.CAF: "caf",
    StructureKind.CPAM: "cpam",
    StructureKind.MSA: "mutualite-sociale-agricole",
    StructureKind.FRANCE_TRAVAIL: "france-travail",
    StructureKind.MISSION_LOCALE: "mission-locale",
}
KIND_FROM_RESEAU = {
    "maisons-des-solidarites": StructureKind.MDS,
    "ccas-cias": StructureKind.CCAS,
    "france-service": StructureKind.FRANCE_SERVICES,
    "caf": StructureKind.CAF,
    "cpam": StructureKind.CPAM,
    "mutualite-sociale-agricole": StructureKind.MSA,
    "france-travail": StructureKind.FRANCE_TRAVAIL,
    "mission-locale": StructureKind.MISSION_LOCALE,
}


def source_name():
    return (
        getattr(settings, "FICHES_DATAINCLUSION_SOURCE", None)
        or f"reperes-{settings.REPERES_DEPARTEMENT['code']}"
    )


def schemas():
    base = Path(settings.FICHES_DATA_INCLUSION_DIR)
    return {
        name: json.loads((base / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("structure", "service")
    }


# --- Opening hours in OpenStreetMap syntax -----------------------------------------------


def osm_opening_hours(slots):
    """[(weekday, opens, closes, walk_in)] → "Mo-Fr 08:30-12:00,14:00-17:00; Tu 14:00-17:00 "sur rendez-vous"".

    Walk-in and appointment slots are written as separate rules, the latter with a comment.
    """
    rules = []
    for walk_in in (True, False):
        by_day = {}
        for weekday, opens, closes, w in sorted(slots):
            if w == walk_in:
                by_day.setdefault(weekday, []).append(f"{opens:%H:%M}-{closes:%H:%M}")
        groups = []  # [first_day, last_day, ranges]
        for day in range(7):
            ranges = ",".join(by_day.get(day, []))
            if groups and ranges and groups[-1][2] == ranges and groups[-1][1] == day - 1:
                groups[-1][1] = day
            elif ranges:
                groups.append([day, day, ranges])
        for first, last, ranges in groups:
            days = OSM_DAYS[first] if first == last else f"{OSM_DAYS[first]}-{OSM_DAYS[last]}"
            rules.append(f"{days} {ranges}" + ("" if walk_in else f" {APPOINTMENT_COMMENT}"))
    return "; ".join(rules) or None


_RULE_RE = re.compile(r'^(?P<days>[A-Za-z,-]+)\s+(?P<ranges>[\d:,\-\s]+?)(?:\s+"(?P<comment>[^"]*)")?$')


def parse_osm_opening_hours(text):
    """The subset written by `osm_opening_hours`; raises ValueError on anything else."""
    slots = []
    for rule in [r.strip() for r in (text or "").split(";") if r.strip()]:
        match = _RULE_RE.match(rule)
        if not match:
            raise ValueError(rule)
        days = set()
        for part in match["days"].split(","):
            first, _sep, last = part.partition("-")
            a, b = OSM_DAYS.index(first), OSM_DAYS.index(last or first)
            days.update(range(a, b + 1))
        walk_in = match["comment"] is None or "rendez-vous" not in match["comment"]
        for span in match["ranges"].replace(" ", "").split(","):
            start, end = span.split("-")
            opens, closes = time.fromisoformat(start), time.fromisoformat(end)
            slots += [(d, opens, closes, walk_in) for d in sorted(days)]
    return slots


def _structure_slots(structure):
    return [
        (s.weekday, s.opens, s.closes, s.access == SlotAccess.WALK_IN) for s in structure.opening_slots.all()
    ]


# --- Export -----------------------------------------------------------------------------


def _own_id(page):
    return page.source_id if page.source == source_name() and page.source_id else str(page.pk)


def structure_id(structure):
    return _own_id(structure)


def departement_structure():
    code, name = settings.REPERES_DEPARTEMENT["code"], settings.REPERES_DEPARTEMENT["name"]
    return {
        "source": source_name(),
        "id": f"departement-{code}",
        "nom": f"Département : {name}"[:150],
        "date_maj": date.today().isoformat(),
        "reseaux_porteurs": ["departements"],
    }


def location_fields(structure):
    """Address, position, contact and hours: the same fields on structures and services."""
    commune = structure.commune
    return {
        "adresse": structure.address or None,
        "complement_adresse": structure.address_complement or None,
        "code_postal": structure.postal_code
        or (commune.postal_code_list[0] if commune.postal_codes else None),
        "code_insee": commune.insee_code,
        "commune": commune.name,
        "latitude": structure.latitude,
        "longitude": structure.longitude,
        "telephone": structure.phone or None,
        "courriel": structure.email or None,
        "horaires_accueil": osm_opening_hours(_structure_slots(structure)),
    }


def export_structure(structure, base_url):
    return {
        "source": source_name(),
        "id": structure_id(structure),
        "nom": structure.title[:150],
        "date_maj": structure.last_verified.isoformat(),
        "description": structure.description or None,
        **location_fields(structure),
        "site_web": structure.website or None,
        "lien_source": base_url + structure.url if structure.url else None,
        "reseaux_porteurs": [RESEAUX[structure.kind]] if structure.kind in RESEAUX else None,
        "accessibilite_lieu": None,
        "siret": None,
    }


def _plain(html):
    return BeautifulSoup(html or "", "html.parser").get_text(" ", strip=True)


def fiche_texts(fiche):
    """(description, conditions, fees, fee details) from the fiche's body blocks."""
    parts, conditions, frais, details = [fiche.summary], [], None, ""
    for block in fiche.body:
        if block.block_type == "conditions":
            conditions.append(_plain(block.value.source))
        elif block.block_type == "steps":
            parts.append("Démarches : " + " ; ".join(str(s) for s in block.value))
        elif block.block_type == "documents":
            parts.append("Pièces à fournir : " + " ; ".join(str(d) for d in block.value))
        elif block.block_type == "section":
            parts.append(_plain(block.value["text"].source))
        elif block.block_type == "cost":
            frais = "gratuit" if block.value.get("is_free") else "payant"
            details = block.value.get("details") or ""
    return "\n\n".join(p for p in parts if p)[:10000], " ".join(conditions) or None, frais, details or None


def zone_eligibilite(fiche):
    kind = fiche.coverage_kind
    if kind == CoverageKind.DEPARTEMENT:
        return [settings.REPERES_DEPARTEMENT["code"]]
    if kind == CoverageKind.EPCI:
        return sorted(e.siren for e in fiche.coverage_epcis.all()) or None
    codes = sorted(fiche.covered_communes.values_list("commune__insee_code", flat=True))
    return codes or None


def export_services(fiche, base_url):
    description, conditions, frais, frais_precisions = fiche_texts(fiche)
    themes = sorted({t.code for t in fiche.themes.all() if t.code and "--" in t.code})
    publics = sorted({p.code for p in fiche.publics.all() if p.code})
    common = {
        "source": source_name(),
        "nom": fiche.title[:150],
        "description": description if len(description) >= 5 else f"{description} —"[:10000],
        "date_maj": fiche.last_verified.isoformat(),
        "thematiques": themes or None,
        "publics": publics or None,
        "zone_eligibilite": zone_eligibilite(fiche),
        "conditions_acces": conditions,
        "frais": frais,
        "frais_precisions": frais_precisions,
        "lien_source": base_url + fiche.url if fiche.url else None,
    }
    places = fiche.place_structures()
    if not places:
        carriers = [
            c.structure for c in fiche.carriers.select_related("structure").order_by("sort_order", "pk")
        ]
        holder = structure_id(carriers[0]) if carriers else departement_structure()["id"]
        return [{**common, "id": _own_id(fiche), "structure_id": holder, "modes_accueil": None}]
    imported_single = fiche.source == source_name() and fiche.source_id and len(places) == 1
    services = []
    for place in places:
        services.append(
            {
                **common,
                "id": fiche.source_id if imported_single else f"{fiche.pk}-{structure_id(place)}",
                "structure_id": structure_id(place),
                "modes_accueil": ["en-presentiel"],
                **location_fields(place),
            }
        )
    return services


def export_all(base_url):
    structures = [departement_structure()] + [
        export_structure(s, base_url)
        for s in StructurePage.objects.live()
        .select_related("commune")
        .prefetch_related("opening_slots")
        .order_by("pk")
    ]
    services = []
    fiches = FichePage.objects.live().prefetch_related("themes", "publics", "coverage_epcis").order_by("pk")
    for fiche in fiches:
        services += export_services(fiche, base_url)
    return {"structures": structures, "services": services}


def validate(records, kind):
    """[(index, message)] for every schema error (zero for a valid export)."""
    validator = Draft202012Validator(schemas()[kind], format_checker=FormatChecker())
    errors = []
    for index, record in enumerate(records):
        for error in validator.iter_errors(record):
            where = ".".join(str(p) for p in error.absolute_path) or "(ligne)"
            errors.append((index, f"{where} : {error.message}"))
    return errors


QUALITY_CRITERIA = {
    "mise_a_jour_recente": lambda s, today: (today - date.fromisoformat(s["date_maj"])).days <= 365,
    "adresse": lambda s, today: bool(s.get("adresse") and s.get("code_insee")),
    "contact": lambda s, today: bool(s.get("telephone") or s.get("courriel")),
    "description": lambda s, today: len(s.get("description") or "") >= 50,
    "frais": lambda s, today: bool(s.get("frais")),
    "thematique": lambda s, today: bool(s.get("thematiques")),
    "public": lambda s, today: bool(s.get("publics")),
}


def quality(services, today=None):
    """{criterion: share of services meeting it, 0..1}."""
    today = today or date.today()
    if not services:
        return dict.fromkeys(QUALITY_CRITERIA, 0.0)
    return {
        name: sum(1 for s in services if rule(s, today)) / len(services)
        for name, rule in QUALITY_CRITERIA.items()
    }


CSV_LIST_SEPARATOR = "|"


def to_csv_rows(records):
    """Flat rows for CSV: lists joined with "|", absent values empty."""
    keys = sorted({k for r in records for k in r})
    rows = []
    for record in records:
        row = {}
        for key in keys:
            value = record.get(key)
            if isinstance(value, list):
                value = CSV_LIST_SEPARATOR.join(map(str, value))
            row[key] = "" if value is None else value
        rows.append(row)
    return keys, rows


# --- Import -----------------------------------------------------------------------------


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
