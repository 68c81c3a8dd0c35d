"""Data for the Leaflet maps of the public pages (structures, search results, communes).

The map is an enhancement: every page that shows one also lists the same places as text. The
tile server is a setting (`TERRITORIES_MAP_TILE_URL`, empty: no background tiles), Leaflet's own
files are served by the site (`static/territories/vendor/`).
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _


def _described(structure):
    """A marker without its link and distance: name, type, position, address and hours
    (public fields only)."""
    return {
        "name": structure.title,
        "kind": structure.kind_label,
        "lat": structure.latitude,
        "lng": structure.longitude,
        "approximate": structure.location_is_approximate,
        "address": structure.full_address(),
        "hours": [f"{days} : {text}" for days, text in structure.hours_summary()],
    }


def _descriptions(structures):
    """{pk: description} of these published structures, their opening hours read in one query."""
    prefetch_related_objects(structures, "opening_slots")
    return {s.pk: _described(s) for s in structures}


def leaflet_words():
    """Leaflet's own words, which are English: its zoom buttons' titles and the title of its
    credit. The public maps and the admin's location map (widgets.LocationMap) set them."""
    return {
        "zoomIn": _("Zoom avant"),
        "zoomOut": _("Zoom arrière"),
        "leafletTitle": _("Une bibliothèque JavaScript pour les cartes interactives"),
    }


def map_data(structures, request=None, commune=None):
    """The JSON given to the map script. `structures` is [structure] or [(structure, km)]."""
    placed, seen = [], set()
    for item in structures:
        structure, distance = item if isinstance(item, tuple) else (item, None)
        if structure.pk in seen or structure.latitude is None:
            continue
        seen.add(structure.pk)
        placed.append((structure, distance))
    described = _descriptions([s for s, _km in placed])
    markers = [
        {
            **described[s.pk],
            "url": s.get_url(request),
            "distance_km": round(km, 1) if km is not None else None,
        }
        for s, km in placed
    ]
    centre = None
    if commune is not None and commune.has_position:
        centre = {"name": commune.name, "lat": commune.latitude, "lng": commune.longitude}
    return {
        "markers": markers,
        "commune": centre,
        "tiles": getattr(settings, "TERRITORIES_MAP_TILE_URL", ""),
        "attribution": getattr(settings, "TERRITORIES_MAP_ATTRIBUTION", ""),
        "labels": {
            "commune": _("Commune choisie"),
            "open": _("Voir la fiche du lieu"),
            "approximate": _("position approximative (centre de la commune)"),
            "km": _("km"),
        },
        "words": leaflet_words(),
    }
