"""Which fiche covers which commune: the rule, stated once.

A fiche covers the whole département (`CoverageKind.DEPARTEMENT`), or the communes of the
territoires d'action sociale, of the EPCI or the communes chosen in its editor. An EPCI's
communes are those in the département (an EPCI may straddle two); a territory's are
`TerritoirePage.covered_communes()` (territories knows nothing of fiches: it states its own
composition, this module reads it).

The communes of a fiche that is not département-wide are written down once per save
(`FicheCoveredCommune`, `commune_ids`); every reading goes through this module:
- the querysets of fiches (`FicheQuerySet.covering`, `in_territory`, `local_first`): the Q
  objects below;
- the search rows (fiches.search_rows): `row_q` for a commune, and the territories each row
  falls in (`territories_by_commune`);
- the fiche page (`covers`), the data·inclusion import and export (`epci_communes`, the kinds).
"""

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from territories.models import Commune, TerritoirePage, departement_code


class CoverageKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Tout le département")
    TERRITORIES = "territories", _("Territoires d’action sociale")
    EPCI = "epci", _("EPCI")
    COMMUNES = "communes", _("Communes")


def epci_communes(epcis):
    """The communes of these EPCI that lie in the département."""
    return Commune.objects.of_departement().filter(epci__in=epcis)


def commune_ids(fiche):
    """The ids of the communes `fiche` covers, from its zone as saved (none for a
    département-wide fiche: it is matched by its kind, not commune by commune)."""
    kind = fiche.coverage_kind
    if kind == CoverageKind.DEPARTEMENT:
        return set()
    if kind == CoverageKind.TERRITORIES:
        ids = set()
        for territory in fiche.coverage_territories.all():
            ids |= set(territory.specific.covered_communes().values_list("pk", flat=True))
        return ids
    if kind == CoverageKind.EPCI:
        return set(epci_communes(fiche.coverage_epcis.all()).values_list("pk", flat=True))
    return {commune.pk for commune in fiche.coverage_communes.all()}  # also unsaved (imports)


def _covered(communes):
    """The ids of the fiches covering one of `communes` commune by commune (a subquery)."""
    covered = apps.get_model("fiches", "FicheCoveredCommune").objects
    return covered.filter(commune__in=communes).values("fiche_id")


# -- On fiches (FichePage querysets) ------------------------------------------------------

DEPARTEMENT_WIDE = Q(coverage_kind=CoverageKind.DEPARTEMENT)


def covering_q(commune):
    """Fiches whose area includes `commune` (département-wide ones always do): one `pk__in`
    subquery, the union of two indexed lookups, read through indexes rather than by scanning
    every fiche."""
    fiches = apps.get_model("fiches", "FichePage").objects
    wide = fiches.filter(DEPARTEMENT_WIDE).order_by().values("pk")  # no tree ordering
    return Q(pk__in=wide.union(_covered([commune])))


def in_communes_q(communes):
    """Fiches that apply somewhere in `communes` (a territory's, an EPCI's)."""
    return DEPARTEMENT_WIDE | Q(pk__in=_covered(communes))


def covers(fiche, commune):
    if fiche.coverage_kind == CoverageKind.DEPARTEMENT:
        return commune.departement_code == departement_code()
    return fiche.covered_communes.filter(commune=commune).exists()


# -- On search rows (fiches.search_rows.SearchRow) ---------------------------------------


def row_values(fiche_kind, communes, territories_of):
    """(departement_wide, commune ids, territory ids) of a search row: `communes` are the
    fiche's covered communes, `territories_of` is `territories_by_commune()`. A
    département-wide fiche lists no territory: it counts in every one (`row_q`)."""
    wide = fiche_kind == CoverageKind.DEPARTEMENT
    territories = set() if wide else {t for c in communes for t in territories_of.get(c, ())}
    return wide, sorted(communes), sorted(territories)


def row_q(commune_id=None, territory_id=None):
    """Search rows covering the commune, or applying somewhere in the territory."""
    if commune_id is not None:
        return Q(departement_wide=True) | Q(communes__contains=[commune_id])
    return Q(departement_wide=True) | Q(territories__contains=[territory_id])


def row_covers(row, commune_id=None, territory_id=None):
    """`row_q`, for a row in memory (the search of fiches.search on SQLite)."""
    if commune_id is not None:
        return row.departement_wide or commune_id in row.communes
    return row.departement_wide or territory_id in row.territories


def territories_by_commune():
    """{commune id: [ids of the visible territories covering it]}: what the search rows
    read of the territories."""
    found = {}
    for territory in TerritoirePage.objects.visible():
        for commune_id in territory.covered_communes().values_list("pk", flat=True):
            found.setdefault(commune_id, []).append(territory.pk)
    return found
