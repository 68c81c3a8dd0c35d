"""data·inclusion v1 (schema 1.0.8): the official schemas, validation, shared vocabulary.

Opening hours are written in OpenStreetMap syntax (the subset below).
"""

import json
import re
from datetime import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from territories.models import SlotAccess, StructureKind
from territories.opening_hours import OSM_DAYS, Slot, slots_expression, split_rules

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
    """[(weekday, opens, closes, walk_in)] → "Mo-Fr 08:30-12:00,14:00-17:00, Tu 14:00-17:00 "sur rendez-vous"",
    or None for none (territories.opening_hours.slots_expression)."""
    return slots_expression([Slot(*slot) for slot in slots]) or None


_RULE_RE = re.compile(r'^(?P<days>[A-Za-z,-]+)\s+(?P<ranges>[\d:,\-\s]+?)(?:\s+"(?P<comment>[^"]*)")?$')


def parse_osm_opening_hours(text):
    """The subset written by `osm_opening_hours`; raises ValueError on anything else."""
    slots = []
    for rule in split_rules(text or ""):
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


@lru_cache(maxsize=2)
def validator(kind):
    return Draft202012Validator(schemas()[kind], format_checker=FormatChecker())


def validate(records, kind):
    """[(index, "field : French reason")] for every problem (none for a valid export)."""
    return [
        (index, f"{f} : {reason}")
        for index, record in enumerate(records)
        for f, reason in check(record, kind)
    ]


def clean(value):
    """A record as the import reads it: strings stripped, empty strings and lists absent."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        items = [v for v in (clean(v) for v in value) if v is not None]
        return items or None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    return value


TYPE_NAMES = {
    "string": "une chaîne de caractères",
    "number": "un nombre",
    "integer": "un nombre entier",
    "array": "une liste",
    "object": "un objet",
    "null": "vide",
    "boolean": "vrai ou faux",
}
FORMAT_NAMES = {
    "date": "une date AAAA-MM-JJ",
    "email": "une adresse électronique",
    "uri": "une adresse web complète (https://…)",
}


def _shown(value):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def french(error):
    """A French sentence for one jsonschema error."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "anyOf" and error.context:
        # "this, or null": explain the failure of the non-null alternative
        relevant = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        if relevant:
            return french(best_match(relevant))
    if kind == "required":
        missing = [name for name in expected if name not in value]
        return f"champ obligatoire absent ({', '.join(missing)})"
    if kind == "type":
        names = [TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])]
        return f"doit être {' ou '.join(names)}, pas {_shown(value)}"
    if kind == "enum":
        return f"valeur inconnue {_shown(value)} (valeurs admises : {', '.join(map(str, expected[:8]))}…)"
    if kind == "const":
        return f"valeur inconnue {_shown(value)}"
    if kind == "maxLength":
        return f"trop long ({len(value)} caractères, {expected} au plus)"
    if kind == "minLength":
        return f"trop court ({len(value)} caractères, {expected} au moins)"
    if kind == "pattern":
        return f"format invalide : {_shown(value)}"
    if kind == "format":
        return f"doit être {FORMAT_NAMES.get(expected, expected)}, pas {_shown(value)}"
    if kind == "uniqueItems":
        return "la liste contient des doublons"
    if kind == "minItems":
        return "la liste est vide"
    if kind == "minimum":
        return f"doit valoir au moins {expected} (reçu : {_shown(value)})"
    return f"valeur invalide : {_shown(value)}"


URL_FIELDS = ("site_web", "lien_source", "accessibilite_lieu", "lien_mobilisation")


def check(record, kind):
    """[(field, French reason)]: the schema, then the rules its descriptions state."""
    if not isinstance(record, dict):
        return [("(enregistrement)", "l’enregistrement n’est pas un objet JSON")]
    problems = []
    for error in validator(kind).iter_errors(record):
        path = list(error.absolute_path)
        name = str(path[0]) if path else "(enregistrement)"
        problems.append((name, french(error)))
    bad = {name for name, _reason in problems}
    for axis, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = record.get(axis)
        if axis not in bad and isinstance(value, int | float) and not low <= value <= high:
            problems.append((axis, f"coordonnée hors limites ({value}, entre {low} et {high} attendu)"))
    for name in URL_FIELDS:
        if name not in bad and isinstance(record.get(name), str):
            try:
                URLValidator(schemes=["http", "https"])(record[name])
            except ValidationError:
                problems.append((name, f"doit être {FORMAT_NAMES['uri']}, pas {_shown(record[name])}"))
    if "courriel" not in bad and isinstance(record.get("courriel"), str):
        try:
            validate_email(record["courriel"])
        except ValidationError:
            problems.append(
                ("courriel", f"doit être {FORMAT_NAMES['email']}, pas {_shown(record['courriel'])}")
            )
    nom = record.get("nom")
    if kind == "structure" and "nom" not in bad and isinstance(nom, str) and nom.endswith("."):
        problems.append(("nom", "le nom d’une structure ne se termine pas par un point (règle du schéma)"))
    publics = record.get("publics")
    if kind == "service" and "publics" not in bad and isinstance(publics, list):
        if "tous-publics" in publics and len(publics) > 1:
            problems.append(
                (
                    "publics",
                    "« tous-publics » ne peut pas être combiné avec d’autres publics (règle du schéma)",
                )
            )
    return problems
