"""Data for the Leaflet maps of the public pages (structures, search results, communes).

The map is an enhancement: every page that shows one also lists the same places as text. The
tile server is a setting (`TERRITORIES_MAP_TILE_URL`, empty: no background tiles), Leaflet's own
files are served by the site (`static/territories/vendor/`).
"""

from django.conf import settings
from django.utils.translation import gettext as _


def structure_marker(structure, request=None, distance_km=None):
    """One marker: name, type, hours and a link (public fields only)."""
    return {
        "name": structure.title,
        "kind": structure.get_kind_display(),
        "url": structure.get_url(request),
        "lat": structure.latitude,
        "lng": structure.longitude,
        "approximate": structure.location_is_approximate,
        "address": structure.full_address(),
        "hours": [f"{days} : {text}" for days, text in structure.hours_summary()],
        "distance_km": round(distance_km, 1) if distance_km is not None else None,
    }


def map_data(structures, request=None, commune=None):
    """The JSON given to the map script. `structures` is [structure] or [(structure, km)]."""
    markers, seen = [], set()
    for item in structures:
        structure, distance = item if isinstance(item, tuple) else (item, None)
        if structure.pk in seen or structure.latitude is None:
            continue
        seen.add(structure.pk)
        markers.append(structure_marker(structure, request, distance))
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
    }
