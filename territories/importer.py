"""Import communes and EPCI from the official files (COG, DGCL) shipped in TERRITORIES_DATA_DIR.

The importer owns the transaction and upserts on the official codes (INSEE, SIREN), so that
running it again updates rows instead of duplicating them. The management command only parses
options and reports.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .geo import format_point, normalize_name
from .models import (
    EPCI,
    Commune,
    CommuneAlias,
    OpeningSlot,
    SlotAccess,
    StructureKind,
    StructurePage,
)
from .opening_hours import OpeningHoursParseError, parse_day


@dataclass
class ImportReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def count(self, kind, created, n=1):
        target = self.created if created else self.updated
        if n:
            target[kind] = target.get(kind, 0) + n

    def count_unchanged(self, kind, n):
        if n:
            self.unchanged[kind] = self.unchanged.get(kind, 0) + n

    def lines(self):
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{kind} : {self.created.get(kind, 0)} créé(s), {self.updated.get(kind, 0)} mis à jour, "
            f"{self.unchanged.get(kind, 0)} inchangé(s)"
            for kind in kinds
        ]


def data_files(departement_code=None, data_dir=None):
    """The reference files for a département, by their conventional names."""
    code = departement_code or settings.REPERES_DEPARTEMENT["code"]
    base = Path(data_dir or settings.TERRITORIES_DATA_DIR)
    return {
        "communes": base / f"communes-{code}.csv",
        "epci": base / f"epci-{code}.csv",
        "members": base / f"epci-{code}-membres.csv",
        "aliases": base / f"communes-deleguees-associees-{code}.csv",
    }


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _int(value):
    value = (value or "").strip()
    return int(value) if value else None


def _float(value):
    value = (value or "").strip()
    return float(value) if value else None


def _departement_of(insee_code):
    # Corsica (2A/2B) and overseas (97x) codes; enough for the EPCI members we may meet.
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


def _upsert(model, key, rows, fields, report, label):
    """Create or update `rows` ({key value: field values}) in two bulk statements."""
    existing = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": list(rows)})}
    to_create, to_update = [], []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            obj = model(**{key: code}, **values)
            to_create.append(obj)
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        if hasattr(obj, "search_name"):
            obj.search_name = normalize_name(obj.name)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(
            to_update, [*fields, *(["search_name"] if hasattr(model, "search_name") else [])], batch_size=500
        )
    report.count(label, True, len(to_create))
    report.count(label, False, len(to_update))
    report.count_unchanged(label, len(rows) - len(to_create) - len(to_update))
    return {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": list(rows)})}


COMMUNE_FIELDS = [
    "name",
    "siren",
    "departement_code",
    "postal_codes",
    "population_municipale",
    "population_totale",
    "latitude",
    "longitude",
    "epci",
]


@transaction.atomic
def import_territories(files, report=None):
    """Import EPCI, communes of the département, EPCI members elsewhere, and old names.

    `files` maps "epci", "communes", "members" and optionally "aliases" to CSV paths.
    Rows are upserted on their official code in bulk; a second run updates, never duplicates.
    """
    report = report or ImportReport()
    epci_rows = {
        row["epci_siren"].strip(): {
            "name": row["nom"].strip(),
            "kind": row["type"].strip(),
            "financing": row.get("mode_financement", "").strip(),
            "seat_departement_code": row.get("departement_siege", "").strip(),
        }
        for row in _rows(files["epci"])
    }
    epcis = _upsert(
        EPCI, "siren", epci_rows, ["name", "kind", "financing", "seat_departement_code"], report, "EPCI"
    )

    commune_rows = {}
    for row in _rows(files["communes"]):
        code = row["code_insee"].strip()
        if not code:
            continue
        commune_rows[code] = {
            "name": row["nom"].strip(),
            "siren": row.get("siren_commune", "").strip(),
            "departement_code": _departement_of(code),
            "postal_codes": " ".join(p for p in row.get("codes_postaux", "").split("|") if p),
            "population_municipale": _int(row.get("population_municipale")),
            "population_totale": _int(row.get("population_totale")),
            "latitude": _float(row.get("latitude")),
            "longitude": _float(row.get("longitude")),
            "epci": epcis.get(row.get("epci_siren", "").strip()),
        }
    communes = _upsert(Commune, "insee_code", commune_rows, COMMUNE_FIELDS, report, "communes")

    # Members outside the département are kept only as EPCI members: what the DGCL file says,
    # with its populations, and no coordinates (they are not places we serve).
    member_rows = {}
    for row in _rows(files["members"]):
        code = row["commune_code_insee"].strip()
        if code in commune_rows:
            continue
        member_rows[code] = {
            "name": row["commune_nom"].strip(),
            "siren": row.get("commune_siren", "").strip(),
            "departement_code": _departement_of(code),
            "postal_codes": "",
            "population_municipale": _int(row.get("population_municipale_dgcl")),
            "population_totale": _int(row.get("population_totale_dgcl")),
            "latitude": None,
            "longitude": None,
            "epci": epcis.get(row["epci_siren"].strip()),
        }
    if member_rows:
        _upsert(
            Commune, "insee_code", member_rows, COMMUNE_FIELDS, report, "communes membres hors département"
        )

    aliases_path = files.get("aliases")
    if aliases_path and Path(aliases_path).exists():
        for row in _rows(aliases_path):
            parent = communes.get(row["commune_parente_code"].strip())
            if parent is None:
                continue
            _, created = CommuneAlias.objects.update_or_create(
                insee_code=row["code_insee"].strip(),
                name=row["nom"].strip(),
                defaults={"kind": row["type"].strip(), "commune": parent},
            )
            report.count("anciennes communes", created)
    return report


# --- France services (ANCT list) ----------------------------------------------------------

FRANCE_SERVICES_SOURCE = "ANCT — liste des France services (01/08/2024)"
FRANCE_SERVICES_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]


@dataclass
class FranceServicesReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unparsed: list = field(default_factory=list)  # (id_fs, name, day, text)


def _france_services_slots(row, report):
    slots = []
    for weekday, day in enumerate(FRANCE_SERVICES_DAYS):
        text = row.get(f"h_{day}", "")
        try:
            ranges = parse_day(text)
        except OpeningHoursParseError:
            report.unparsed.append((row["id_fs"], row["lib_fs"], day, text))
            continue
        slots += [(weekday, opens, closes) for opens, closes in ranges]
    return slots


def import_france_services(path, parent, verified_on, is_demo=False, overrides=None):
    """Create or update one StructurePage per France services site of the ANCT CSV.

    Keyed on (source, ANCT id). The ANCT file says whether appointments can be booked but
    not per time slot: every slot is recorded "sans rendez-vous" (France services receive
    without appointment) and the booking details go to the practical information.
    """

    report = FranceServicesReport()
    communes = {c.insee_code: c for c in Commune.objects.all()}
    for row in _rows(path):
        commune = communes.get(row["insee_com"].strip())
        if commune is None:
            report.unparsed.append((row["id_fs"], row["lib_fs"], "commune", row["insee_com"]))
            continue
        slots = _france_services_slots(row, report)
        info = []
        if row.get("prise_rdv", "").strip().lower() == "oui":
            info.append("Prise de rendez-vous possible.")
        if row.get("commentaire", "").strip():
            info.append(row["commentaire"].strip())
        lat, lng = _float(row.get("latitude")), _float(row.get("longitude"))
        values = {
            "title": row["lib_fs"].strip(),
            "kind": StructureKind.FRANCE_SERVICES,
            "address": row.get("adresse", "").strip(),
            "address_complement": row.get("complement_adresse", "").strip(),
            "postal_code": row.get("code_postal", "").strip(),
            "commune": commune,
            "location": format_point(lat, lng) if lat is not None and lng is not None else "",
            "phone": row.get("telephone", "").strip(),
            "email": row.get("mail", "").strip(),
            "practical_info": "\n".join(info),
            "last_verified": verified_on,
            "is_demo": is_demo,
            **(overrides or {}).get(row["id_fs"], {}),
        }
        wanted_slots = sorted(slots)
        with transaction.atomic():
            page = StructurePage.objects.filter(source=FRANCE_SERVICES_SOURCE, source_id=row["id_fs"]).first()
            if page is None:
                page = StructurePage(source=FRANCE_SERVICES_SOURCE, source_id=row["id_fs"], **values)
                page.opening_slots = _slots(wanted_slots)
                parent.add_child(instance=page)
                report.created += 1
            else:
                current_slots = sorted((s.weekday, s.opens, s.closes) for s in page.opening_slots.all())
                if current_slots == wanted_slots and all(
                    getattr(page, key) == value for key, value in values.items()
                ):
                    report.unchanged += 1
                    continue
                for key, value in values.items():
                    setattr(page, key, value)
                page.opening_slots = _slots(wanted_slots)
                report.updated += 1
            page.save_revision().publish()
    return report


def _slots(triples):
    return [OpeningSlot(weekday=d, opens=o, closes=c, access=SlotAccess.WALK_IN) for d, o, c in triples]
