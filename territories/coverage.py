"""Territorial coverage: the share of the population whose commune lies within a travel time
of a first-reception place (the département's indicator "accessible à moins de 30 minutes").

The travel-time model is deliberately simple and stated wherever the figure is shown:
time = straight-line distance from the commune's centre × a detour factor ÷ an average road
speed. Its parameters are settings (`TERRITORIES_COVERAGE`); a commune is covered when its
nearest place is within the limit. A real road network would change the figure by a few
points; the model's value is that anyone can recompute it.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from .geo import haversine_km

DEFAULTS = {
    "minutes": 30,
    "detour_factor": 1.3,
    "speed_kmh": 60,
    # What counts as a first-reception place: these kinds, and any charter signatory.
    "kinds": ["mds", "ccas", "cias", "france_services"],
    "charter_signatories": True,
}


def parameters():
    return {**DEFAULTS, **getattr(settings, "TERRITORIES_COVERAGE", {})}


@dataclass
class CommuneAccess:
    commune: object
    minutes: float | None  # None: no place at all
    nearest: object | None


@dataclass
class Coverage:
    minutes_limit: float
    detour_factor: float
    speed_kmh: float
    population: int = 0
    covered_population: int = 0
    communes: list = field(default_factory=list)  # [CommuneAccess]

    @property
    def share(self):
        return self.covered_population / self.population if self.population else 0.0

    @property
    def share_percent(self):
        return 100 * self.share

    @property
    def max_straight_km(self):
        return self.minutes_limit / 60 * self.speed_kmh / self.detour_factor

    @property
    def uncovered(self):
        """The "zones blanches": communes beyond the limit, the most populated first."""
        return sorted(
            (a for a in self.communes if a.minutes is None or a.minutes > self.minutes_limit),
            key=lambda a: -(a.commune.population_municipale or 0),
        )


def travel_minutes(km, detour_factor, speed_kmh):
    return km * detour_factor / speed_kmh * 60


def first_reception_places(structures, params=None):
    params = params or parameters()
    condition = Q(kind__in=params["kinds"])
    if params["charter_signatories"]:
        condition |= Q(charter_signatory=True)
    return structures.filter(condition).exclude(latitude=None)


def compute(communes, places, minutes=None, detour_factor=None, speed_kmh=None):
    """Coverage of `communes` (with population and centre) by `places` (objects with latitude,
    longitude). Places are put in cells of about the limit's size, so each commune is compared
    with the places of its own and neighbouring cells only."""
    params = parameters()
    c = Coverage(
        minutes_limit=minutes if minutes is not None else params["minutes"],
        detour_factor=detour_factor if detour_factor is not None else params["detour_factor"],
        speed_kmh=speed_kmh if speed_kmh is not None else params["speed_kmh"],
    )
    cell_deg = max(c.max_straight_km / 111.0, 0.01)
    cells = {}
    for place in places:
        key = (math.floor(place.latitude / cell_deg), math.floor(place.longitude / cell_deg))
        cells.setdefault(key, []).append(place)
    for commune in communes:
        population = commune.population_municipale or 0
        c.population += population
        if commune.latitude is None:
            c.communes.append(CommuneAccess(commune, None, None))
            continue
        # Longitude degrees are shorter than latitude degrees: look two cells wide.
        i, j = math.floor(commune.latitude / cell_deg), math.floor(commune.longitude / cell_deg)
        candidates = [
            p for di in (-1, 0, 1) for dj in (-2, -1, 0, 1, 2) for p in cells.get((i + di, j + dj), ())
        ]
        best, best_km = None, None
        for place in candidates:
            km = haversine_km(commune.latitude, commune.longitude, place.latitude, place.longitude)
            if best_km is None or km < best_km:
                best, best_km = place, km
        minutes_to = travel_minutes(best_km, c.detour_factor, c.speed_kmh) if best is not None else None
        c.communes.append(CommuneAccess(commune, minutes_to, best))
        if minutes_to is not None and minutes_to <= c.minutes_limit:
            c.covered_population += population
    return c
