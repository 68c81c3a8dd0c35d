"""Seed the themes and publics from the data·inclusion v1 reference lists.

The national list gives thématiques as "category--thematique" codes with a label, but no label
for the categories themselves: those below are written from the category codes. Upserts are
keyed on the data·inclusion code, so administrators may rename, reorder or add local themes
(with no code) and a second run changes none of that.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Public, Theme

CATEGORY_LABELS = {
    "choisir-un-metier": "Choisir un métier",
    "creer-une-entreprise": "Créer une entreprise",
    "difficultes-administratives-ou-juridiques": "Difficultés administratives ou juridiques",
    "difficultes-financieres": "Difficultés financières",
    "equipement-et-alimentation": "Équipement et alimentation",
    "famille": "Famille",
    "lecture-ecriture-calcul": "Lecture, écriture, calcul",
    "logement-hebergement": "Logement et hébergement",
    "mobilite": "Mobilité",
    "numerique": "Numérique",
    "preparer-sa-candidature": "Préparer sa candidature",
    "remobilisation": "Remobilisation",
    "sante": "Santé",
    "se-former": "Se former",
    "souvrir-a-linternational": "S’ouvrir à l’international",
    "trouver-un-emploi": "Trouver un emploi",
}


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def install_taxonomy(data_dir=None):
    """Create the missing categories, thématiques and publics. Returns (themes, publics) created."""
    base = Path(data_dir or settings.FICHES_DATA_INCLUSION_DIR) / "extra"
    created_themes = created_publics = 0
    categories = {}
    items = _load(base / "thematiques.json")
    for order, code in enumerate(sorted({item["value"].split("--")[0] for item in items})):
        category, created = Theme.objects.get_or_create(
            code=code,
            defaults={
                "name": CATEGORY_LABELS.get(code, code.replace("-", " ").capitalize()),
                "slug": code,
                "sort_order": order * 10,
            },
        )
        categories[code] = category
        created_themes += created
    for order, item in enumerate(items):
        category_code, sub_code = item["value"].split("--", 1)
        _, created = Theme.objects.get_or_create(
            code=item["value"],
            defaults={
                "name": item["label"],
                "slug": sub_code[:120],
                "parent": categories[category_code],
                "description": item.get("description") or "",
                "sort_order": order,
            },
        )
        created_themes += created
    for order, item in enumerate(_load(base / "publics.json")):
        _, created = Public.objects.get_or_create(
            code=item["value"],
            defaults={
                "name": item["label"],
                "slug": item["value"],
                "description": item.get("description") or "",
                "sort_order": order * 10,
            },
        )
        created_publics += created
    return created_themes, created_publics
