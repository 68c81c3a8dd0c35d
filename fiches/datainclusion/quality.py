"""data·inclusion quality criteria and CSV rows."""

from datetime import date

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
