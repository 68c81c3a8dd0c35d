"""data·inclusion export.

- A **structure** is a StructurePage; the département itself is exported as one more structure
  (`departement-<code>`) for the fiches that no place carries.
- A **service** is a fiche at one of its places, or the fiche alone when it has none.
- Ids are stable: a page's primary key (fiche "pk" or "pk-place"), or, for records imported from
  this same source, the id they came with — so export → import → export gives the same ids.
- Professional-only content is never read here.
"""

import logging
from datetime import date

from bs4 import BeautifulSoup
from django.conf import settings

from territories.models import StructurePage

from ..coverage import CoverageKind
from ..models import FichePage
from .schema import RESEAUX, source_name, validate

logger = logging.getLogger(__name__)


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
        "horaires_accueil": structure.hours_expression() or None,
    }


def export_structure(structure, base_url):
    return {
        "source": source_name(),
        "id": structure_id(structure),
        "nom": structure_name(structure.title),
        "date_maj": structure.last_verified.isoformat(),
        "description": structure.description if len(structure.description) >= 5 else None,
        **location_fields(structure),
        "site_web": structure.website or None,
        "lien_source": base_url + structure.url if structure.url else None,
        "reseaux_porteurs": structure.networks
        or ([RESEAUX[structure.kind]] if structure.kind in RESEAUX else None),
        "accessibilite_lieu": None,
        "siret": structure.siret or None,
    }


def structure_name(title):
    """The schema's rule: 3 to 150 characters, no final full stop."""
    return title[:150].rstrip(" .") or title


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
            paragraphs = BeautifulSoup(block.value["text"].source, "html.parser").find_all("p")
            parts.append(
                "\n\n".join(_plain(str(p)) for p in paragraphs) or _plain(block.value["text"].source)
            )
        elif block.block_type == "cost":
            frais = "gratuit" if block.value.get("is_free") else "payant"
            details = block.value.get("details") or ""
    return "\n\n".join(p for p in parts if p)[:10000], " ".join(conditions) or None, frais, details or None


def zone_eligibilite(fiche, as_imported=False):
    """The fiche's zone; `as_imported`: the zone its source wrote (a region, the whole country),
    while the fiche covers what that zone covered here."""
    computed = zone_eligibilite(fiche) if as_imported else None
    kept = fiche.source_zone if as_imported and isinstance(fiche.source_zone, dict) else {}
    if as_imported:
        return kept["zone"] if kept.get("zone") and kept.get("coverage") == computed else computed
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
    if "tous-publics" in publics and len(publics) > 1:
        publics.remove("tous-publics")  # the schema's rule: alone or not at all
    common = {
        "source": source_name(),
        "nom": fiche.title[:150],
        "description": description if len(description) >= 5 else f"{description} —"[:10000],
        "date_maj": fiche.last_verified.isoformat(),
        "thematiques": themes or None,
        "publics": publics or None,
        "zone_eligibilite": zone_eligibilite(fiche, as_imported=True),
        "conditions_acces": conditions,
        "frais": frais,
        "frais_precisions": frais_precisions,
        "lien_source": base_url + fiche.url if fiche.url else None,
        "type": fiche.service_type or None,
        "publics_precisions": fiche.publics_details or None,
        "modes_mobilisation": fiche.mobilisation_modes or None,
        "mobilisable_par": fiche.mobilisable_by or None,
        "lien_mobilisation": fiche.mobilisation_link or None,
        "mobilisation_precisions": fiche.mobilisation_details or None,
    }
    own = {
        "telephone": fiche.service_phone or None,
        "courriel": fiche.service_email or None,
        "horaires_accueil": fiche.service_hours or None,
    }
    places = fiche.place_structures()
    if not places:
        carriers = fiche.carrier_structures()  # the visible ones: those exported
        holder = structure_id(carriers[0]) if carriers else departement_structure()["id"]
        modes = fiche.reception_modes or None
        return [{**common, **own, "id": _own_id(fiche), "structure_id": holder, "modes_accueil": modes}]
    services = []
    for place in places:
        at_place = location_fields(place)
        services.append(
            {
                **common,
                # one fiche at several places: one service per place, "<fiche>@<place>"
                "id": _own_id(fiche) if len(places) == 1 else f"{_own_id(fiche)}@{structure_id(place)}",
                "structure_id": structure_id(place),
                "modes_accueil": fiche.reception_modes or ["en-presentiel"],
                **at_place,
                **{key: value or at_place[key] for key, value in own.items()},
            }
        )
    return services


def export_all(base_url):
    structures = [departement_structure()] + [
        export_structure(s, base_url)
        for s in StructurePage.objects.visible()
        .select_related("commune")
        .prefetch_related("opening_slots")
        .order_by("pk")
    ]
    services = []
    fiches = (
        FichePage.objects.visible().prefetch_related("themes", "publics", "coverage_epcis").order_by("pk")
    )
    for fiche in fiches:
        services += export_services(fiche, base_url)
    return {
        "structures": _valid_only(structures, "structure"),
        "services": _valid_only(services, "service"),
    }


def _valid_only(records, kind):
    """What the import would reject is never emitted (logged for the site's administrators)."""
    problems = {}
    for index, message in validate(records, kind):
        problems.setdefault(index, []).append(message)
    for index, messages in problems.items():
        logger.warning(
            "data·inclusion : %s « %s » non exporté : %s", kind, records[index]["id"], " ; ".join(messages)
        )
    return [r for i, r in enumerate(records) if i not in problems]
