"""Small geography helpers: no GIS dependency, good enough at a département's scale."""

import math
import re
import unicodedata

EARTH_RADIUS_KM = 6371.0088

_POINT_RE = re.compile(r"^SRID=(\d+);POINT\s?\((-?[0-9.]+)\s(-?[0-9.]+)\)$")


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def parse_point(value):
    """Read wagtailgeowidget's "SRID=4326;POINT(lng lat)" into (lat, lng), or None."""
    if not value:
        return None
    match = _POINT_RE.match(value.strip())
    if not match:
        return None
    lng, lat = float(match.group(2)), float(match.group(3))
    return lat, lng


def format_point(lat, lng):
    return f"SRID=4326;POINT({lng} {lat})"


# "St Marcel", "Ste-Cécile": the abbreviations agents type, read as the words of the names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def normalize_name(value):
    """The one rule by which a commune's name is compared (stored as `search_name`, typed in
    the commune field, in its suggestions and in the need box): lower case, no accents,
    hyphens, apostrophes and full stops as spaces, "st"/"ste" read as "saint"/"sainte":
    "Saint-Étienne" ~ "saint etienne" ~ "ST ETIENNE" ~ "St.-Étienne"."""
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    value = re.sub(r"[-'’`.]", " ", value)
    return " ".join(_ABBREVIATIONS.get(word, word) for word in value.split())
