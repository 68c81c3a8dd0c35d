"""Builders for test data, in one obvious place. Coordinates are real commune centres from
data/communes-71.csv, never random."""

from datetime import time

from fiches.models import CoverageKind, FicheLink, FichePage, FichePlace  # noqa: F401 (re-exported)
from home.site_setup import ensure_site_tree
from territories.models import EPCI, Commune, OpeningSlot, SlotAccess, StructurePage, TerritoirePage

# (INSEE, name, postal code, latitude, longitude) — from data/communes-71.csv.
AUTUN = ("71014", "Autun", "71400", 46.94604, 4.31071)
LE_CREUSOT = ("71153", "Le Creusot", "71200", 46.80661, 4.42668)
MACON = ("71270", "Mâcon", "71000", 46.32103, 4.81849)
CHAROLLES = ("71106", "Charolles", "71120", 46.44709, 4.28011)


def epci(siren="247100290", name="CU Le Creusot Montceau-les-Mines", kind="CU"):
    return EPCI.objects.get_or_create(siren=siren, defaults={"name": name, "kind": kind})[0]


def commune(data=AUTUN, epci_=None, departement="71"):
    code, name, postal, lat, lng = data
    return Commune.objects.update_or_create(
        insee_code=code,
        defaults={
            "name": name,
            "postal_codes": postal,
            "latitude": lat,
            "longitude": lng,
            "departement_code": departement,
            "population_municipale": 1000,
            "epci": epci_,
        },
    )[0]


def site():
    return ensure_site_tree()


def structure(index, commune_, title="CCAS de test", kind="ccas", slots=(), **values):
    page = StructurePage(title=title, kind=kind, commune=commune_, **values)
    page.opening_slots = [
        OpeningSlot(
            weekday=d,
            opens=time(*o),
            closes=time(*c),
            access=SlotAccess.WALK_IN if walk_in else SlotAccess.APPOINTMENT,
        )
        for d, o, c, walk_in in slots
    ]
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def territory(departement_page, title="Territoire de test", epcis=(), communes=()):
    page = TerritoirePage(title=title)
    page.epcis = list(epcis)
    page.communes = list(communes)
    departement_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def fiche(index, title="Fiche de test", coverage=CoverageKind.DEPARTEMENT, places=(), **values):
    m2m = {
        k: values.pop(k)
        for k in ("coverage_territories", "coverage_epcis", "coverage_communes", "themes", "publics")
        if k in values
    }
    page = FichePage(
        title=title, summary=values.pop("summary", "Résumé de test."), coverage_kind=coverage, **values
    )
    for key, items in m2m.items():
        setattr(page, key, list(items))
    page.places = [FichePlace(structure=s) for s in places]
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
