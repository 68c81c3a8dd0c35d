"""Territorial coverage: the share of the population whose commune lies within a travel time
of a first-reception place (the département's indicator "accessible à moins de 30 minutes").

The travel-time model is deliberately simple and stated wherever the figure is shown:
time = straight-line distance from the commune's centre × a detour factor ÷ an average road
speed. Its parameters are an administrator's setting (`CoverageSettings`, first values from
`TERRITORIES_COVERAGE`), and the share is shown at two other speeds beside it; a commune is
covered when its nearest first-reception place (`StructureQuerySet.first_reception`) is within
the limit. Each month a snapshot is kept (`CoverageSnapshot`). A real road network would change the figure by a few
points; the model's value is that anyone can recompute it.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings

from .geo import haversine_km

DEFAULTS = {
    "minutes": 30,
    "detour_factor": 1.3,
    "speed_kmh": 60,
    # The share is also shown at these two speeds, to say how much the figure owes to the model.
    "low_speed_kmh": 40,
    "high_speed_kmh": 80,
}


def installed_defaults():
    """The model's first parameters: `TERRITORIES_COVERAGE` over `DEFAULTS`. Afterwards an
    administrator changes them in the admin (`CoverageSettings`)."""
    return {**DEFAULTS, **getattr(settings, "TERRITORIES_COVERAGE", {})}


def default_minutes():
    return installed_defaults()["minutes"]


def default_speed():
    return installed_defaults()["speed_kmh"]


def default_detour():
    return installed_defaults()["detour_factor"]


def default_low_speed():
    return installed_defaults()["low_speed_kmh"]


def default_high_speed():
    return installed_defaults()["high_speed_kmh"]


def parameters():
    """The parameters in force: the administrator's setting."""
    from .models import CoverageSettings

    current = CoverageSettings.load()
    return {
        name: getattr(current, name)
        for name in ("minutes", "detour_factor", "speed_kmh", "low_speed_kmh", "high_speed_kmh")
    }


@dataclass
class CommuneAccess:
    commune: object
    minutes: float | None  # None: no place at all
    nearest: object | None
    covered: bool = False


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
            (a for a in self.communes if not a.covered),
            key=lambda a: -(a.commune.population_municipale or 0),
        )


def travel_minutes(km, detour_factor, speed_kmh):
    return km * detour_factor / speed_kmh * 60


def first_reception_places():
    """The published first-reception places with a position (`StructureQuerySet.first_reception`)."""
    from .models import StructurePage

    return list(StructurePage.objects.live().first_reception().exclude(latitude=None))


def departement_communes():
    from .models import Commune

    return list(Commune.objects.of_departement().order_by("name"))


@dataclass
class Measure:
    """The coverage at the parameters in force, and the share at the two comparison speeds."""

    coverage: Coverage
    low: Coverage
    high: Coverage
    coverage_places: list

    @property
    def places(self):
        return len(self.coverage_places)


def measure(params=None):
    params = params or parameters()
    places, all_communes = first_reception_places(), departement_communes()

    def at(speed):
        return compute(all_communes, places, params["minutes"], params["detour_factor"], speed)

    return Measure(at(params["speed_kmh"]), at(params["low_speed_kmh"]), at(params["high_speed_kmh"]), places)


def take_snapshot(on=None, replace=False):
    """This month's `CoverageSnapshot`, measured now if the month has none yet (or `replace`).
    Returns (snapshot, created)."""
    from django.utils import timezone

    from .models import CoverageSnapshot

    month = (on or timezone.localdate()).replace(day=1)
    existing = CoverageSnapshot.objects.filter(month=month).first()
    if existing is not None and not replace:
        return existing, False
    params = parameters()
    m = measure(params)
    values = {
        "taken_at": timezone.now(),
        "minutes": params["minutes"],
        "speed_kmh": params["speed_kmh"],
        "detour_factor": params["detour_factor"],
        "places": m.places,
        "population": m.coverage.population,
        "covered_population": m.coverage.covered_population,
        "uncovered_communes": len(m.coverage.uncovered),
        "low_speed_kmh": params["low_speed_kmh"],
        "low_covered_population": m.low.covered_population,
        "high_speed_kmh": params["high_speed_kmh"],
        "high_covered_population": m.high.covered_population,
    }
    snapshot, _created = CoverageSnapshot.objects.update_or_create(month=month, defaults=values)
    return snapshot, True


def compute(communes, places, minutes=None, detour_factor=None, speed_kmh=None):
    """Coverage of `communes` (with population and centre) by `places` (objects with latitude,
    longitude). Places are put in cells of about the limit's size, so each commune is compared
    with the places of its own and neighbouring cells only."""
    params = installed_defaults() if None in (minutes, detour_factor, speed_kmh) else {}
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
        covered = minutes_to is not None and minutes_to <= c.minutes_limit
        c.communes.append(CommuneAccess(commune, minutes_to, best, covered))
        if covered:
            c.covered_population += population
    return c
