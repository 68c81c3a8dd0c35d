"""data·inclusion v1 (schema 1.0.8): the official schemas, validation, shared vocabulary.

Opening hours are written in OpenStreetMap syntax (the subset below).
"""

import json
import re
from datetime import time
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker

from territories.models import SlotAccess, StructureKind

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


def structure_slots(structure):
    return [
        (s.weekday, s.opens, s.closes, s.access == SlotAccess.WALK_IN) for s in structure.opening_slots.all()
    ]


def validate(records, kind):
    """[(index, message)] for every schema error (zero for a valid export)."""
    validator = Draft202012Validator(schemas()[kind], format_checker=FormatChecker())
    errors = []
    for index, record in enumerate(records):
        for error in validator.iter_errors(record):
            where = ".".join(str(p) for p in error.absolute_path) or "(ligne)"
            errors.append((index, f"{where} : {error.message}"))
    return errors
