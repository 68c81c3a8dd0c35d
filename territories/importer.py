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

from .models import EPCI, Commune, CommuneAlias


@dataclass
class ImportReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, kind, created):
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def lines(self):
        kinds = sorted(set(self.created) | set(self.updated))
        return [
            f"{kind}: {self.created.get(kind, 0)} créé(s), {self.updated.get(kind, 0)} mis à jour"
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


@transaction.atomic
def import_territories(files, report=None):
    """Import EPCI, communes of the département, EPCI members elsewhere, and old names.

    `files` maps "epci", "communes", "members" and optionally "aliases" to CSV paths.
    """
    report = report or ImportReport()
    epcis = {}
    for row in _rows(files["epci"]):
        epci, created = EPCI.objects.update_or_create(
            siren=row["epci_siren"].strip(),
            defaults={
                "name": row["nom"].strip(),
                "kind": row["type"].strip(),
                "financing": row.get("mode_financement", "").strip(),
                "seat_departement_code": row.get("departement_siege", "").strip(),
            },
        )
        epcis[epci.siren] = epci
        report.count("EPCI", created)

    in_departement = set()
    for row in _rows(files["communes"]):
        code = row["code_insee"].strip()
        if not code:
            continue
        in_departement.add(code)
        epci_siren = row.get("epci_siren", "").strip()
        _, created = Commune.objects.update_or_create(
            insee_code=code,
            defaults={
                "name": row["nom"].strip(),
                "siren": row.get("siren_commune", "").strip(),
                "departement_code": _departement_of(code),
                "postal_codes": " ".join(p for p in row.get("codes_postaux", "").split("|") if p),
                "population_municipale": _int(row.get("population_municipale")),
                "population_totale": _int(row.get("population_totale")),
                "latitude": _float(row.get("latitude")),
                "longitude": _float(row.get("longitude")),
                "epci": epcis.get(epci_siren) or EPCI.objects.filter(siren=epci_siren).first(),
            },
        )
        report.count("communes", created)

    # Members outside the département are kept only as EPCI members: what the DGCL file says,
    # with its populations, and no coordinates (they are not places we serve).
    for row in _rows(files["members"]):
        code = row["commune_code_insee"].strip()
        if code in in_departement:
            continue
        _, created = Commune.objects.update_or_create(
            insee_code=code,
            defaults={
                "name": row["commune_nom"].strip(),
                "siren": row.get("commune_siren", "").strip(),
                "departement_code": _departement_of(code),
                "population_municipale": _int(row.get("population_municipale_dgcl")),
                "population_totale": _int(row.get("population_totale_dgcl")),
                "epci": epcis.get(row["epci_siren"].strip()),
            },
        )
        report.count("communes membres hors département", created)

    aliases_path = files.get("aliases")
    if aliases_path and Path(aliases_path).exists():
        communes = {c.insee_code: c for c in Commune.objects.all()}
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
