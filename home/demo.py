"""Load the demo content: site tree, illustrative territories, structures, fiches and one
account per role. Idempotent: what exists (matched on slug, ANCT id or username) is kept, so a
second run creates nothing and leaves editors' changes alone.
"""

import json
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.html import escape
from wagtail.models import ReferenceIndex

from fiches.models import (
    CoverageKind,
    FicheCarrier,
    FicheLink,
    FichePage,
    FichePlace,
    Public,
    Theme,
    UsefulLink,
)
from moderation.roles import Role, install_roles
from territories.bulk import reference_index_paused
from territories.importer import import_france_services
from territories.models import (
    EPCI,
    Commune,
    OpeningSlot,
    SlotAccess,
    StructureKind,
    StructurePage,
    TerritoirePage,
)

from . import demo_content as content
from .site_setup import ensure_site_tree

# Fixed and public on purpose: these accounts exist only in a demo database (see
# REPERES_ALLOW_DEMO). The README lists them.
DEMO_ACCOUNTS = [
    ("admin", "Repères-admin-2026", "Alice", "Administratrice", Role.ADMINISTRATORS, True),
    ("moderateur", "Repères-modo-2026", "Marc", "Modérateur", Role.MODERATORS, False),
    ("responsable", "Repères-fiche-2026", "Rania", "Responsable de fiche", Role.OWNERS, False),
    ("agent", "Repères-accueil-2026", "Anne", "Agente d’accueil", Role.PROFESSIONALS, False),
]

# Demo verification dates are fixed, not relative to today, so that runs are deterministic.
DEMO_VERIFIED_BASE = date(2026, 10, 15)


@dataclass
class DemoReport:
    created: dict = field(default_factory=dict)
    unparsed_hours: list = field(default_factory=list)
    accounts: list = field(default_factory=list)
    new_pages: list = field(default_factory=list)

    def count(self, kind, n=1):
        self.created[kind] = self.created.get(kind, 0) + n


class DemoNotAllowed(Exception):
    pass


def _silent(message):
    pass


def load_demo(progress=_silent):
    """`progress(message)` is told each step as it starts (the command prints it: a load of a
    minute and more must not look like a hang)."""
    if not getattr(settings, "REPERES_ALLOW_DEMO", False):
        raise DemoNotAllowed("Le contenu de démonstration est désactivé ici (REPERES_ALLOW_DEMO=False).")
    report = DemoReport()
    install_roles()
    pages = ensure_site_tree()
    # Wagtail re-indexes references on every child-object save (a fiche with 50 places: 50
    # times); during a bulk load we index each new page once, at the end.
    with transaction.atomic(), reference_index_paused():
        progress("Comptes et thèmes locaux…")
        users = _accounts(report)
        _local_themes(report)
        progress("Territoires d’action sociale…")
        territories = _territories(pages["departement"], report)
        progress("France services et structures…")
        structures = _structures(pages["structure_index"], report)
        _held_places(structures, report)
        _fiches(pages["fiche_index"], structures, territories, users, report, progress)
        _useful_links(report)
        progress(f"Index des références ({len(report.new_pages)} pages)…")
        for page in report.new_pages:
            ReferenceIndex.create_or_update_for_object(page)
    return report


def _accounts(report):
    User = get_user_model()
    users = {}
    for username, password, first, last, role, superuser in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@exemple.invalid",
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=str(role)))
        users[username] = user
        report.accounts.append((str(role), username, password))
        if created:
            report.count("comptes")
    return users


def _useful_links(report):
    for order, (title, url, description, category, theme_slugs) in enumerate(content.USEFUL_LINKS):
        link, created = UsefulLink.objects.get_or_create(
            url=url,
            defaults={"title": title, "description": description, "category": category, "sort_order": order},
        )
        if created:
            link.themes.set(Theme.objects.filter(slug__in=theme_slugs))
        report.count("liens utiles", created)


def _local_themes(report):
    for order, (slug, name, children) in enumerate(content.LOCAL_THEMES):
        category, created = Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": 1000 + order}
        )
        report.count("thèmes locaux", created)
        for child_order, (child_slug, child_name) in enumerate(children):
            _, created = Theme.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "parent": category, "sort_order": child_order},
            )
            report.count("thèmes locaux", created)


def _publish_new(parent, page, report):
    report.new_pages.append(page)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _territories(departement, report):
    result = {}
    for slug, title, sirens in content.TERRITORIES:
        page = TerritoirePage.objects.child_of(departement).filter(slug=slug).first()
        if page is None:
            page = TerritoirePage(
                slug=slug,
                title=title,
                is_illustrative=True,
                intro="<p>Territoire d’action sociale défini pour la démonstration à partir des "
                "intercommunalités.</p>",
            )
            page.epcis = list(EPCI.objects.filter(siren__in=sirens))
            _publish_new(departement, page, report)
            report.count("territoires")
        result[slug] = page
    return result


def _structures(index, report):
    charter = {
        fs_id: {"charter_signatory": True, "charter_signed_on": content.CHARTER_2025}
        for fs_id in content.FRANCE_SERVICES_CHARTER_2025
    }
    fs = import_france_services(
        settings.TERRITORIES_DATA_DIR / f"france-services-{settings.REPERES_DEPARTEMENT['code']}.csv",
        index,
        verified_on=date(2024, 8, 1),
        overrides=charter,
    )
    report.count("France services", fs.created)
    report.unparsed_hours = fs.unparsed
    communes = Commune.objects.of_departement()
    by_slug = {}
    for slug, name, kind, commune_name, address, charter_date in content.STRUCTURES:
        page = StructurePage.objects.child_of(index).filter(slug=slug).first()
        if page is None:
            page = _demo_structure(
                communes,
                slug,
                name,
                kind,
                commune_name,
                address,
                charter_signatory=charter_date is not None,
                charter_signed_on=charter_date,
                pro_contacts="Ligne directe de l’accueil : à renseigner par la structure.",
            )
            _publish_new(index, page, report)
            report.count("structures")
        by_slug[slug] = page
    return by_slug


def _demo_structure(communes, slug, name, kind, commune_name, address, **values):
    """An unsaved demo place in a real commune of the département (an unknown name stops the load)."""
    commune = communes.resolve(commune_name)
    if commune is None:
        raise ValueError(f"Commune inconnue dans le contenu de démonstration : {commune_name}")
    return StructurePage(
        slug=slug,
        title=name,
        kind=kind,
        commune=commune,
        address=address,
        postal_code=commune.postal_code_list[0] if commune.postal_codes else "",
        last_verified=DEMO_VERIFIED_BASE,
        is_demo=True,
        **values,
    )


def _held_places(structures, report):
    """The permanences and bus stops of the demo, each under the structure that holds it."""
    communes = Commune.objects.of_departement()
    for holder_slug, slug, name, kind, commune_name, address, slots in content.HELD_PLACES:
        holder = structures[holder_slug]
        if StructurePage.objects.child_of(holder).filter(slug=slug).exists():
            continue
        page = _demo_structure(
            communes,
            slug,
            name,
            kind,
            commune_name,
            address,
            phone=holder.phone,
            charter_signatory=holder.charter_signatory,
            charter_signed_on=holder.charter_signed_on,
        )
        page.opening_slots = [
            OpeningSlot(
                weekday=weekday,
                week_of_month=week,
                opens=time.fromisoformat(opens),
                closes=time.fromisoformat(closes),
                access=SlotAccess.WALK_IN if walk_in else SlotAccess.APPOINTMENT,
            )
            for weekday, week, opens, closes, walk_in in slots
        ]
        _publish_new(holder, page, report)
        report.count("permanences et arrêts")


def _themes(codes):
    themes = []
    for code in codes:
        if code.startswith("local:"):
            themes.append(Theme.objects.get(slug=code.removeprefix("local:"), code=""))
        else:
            themes.append(Theme.objects.get(code=code))
    return themes


def _body(item):
    blocks = []
    if item.get("conditions"):
        items = "".join(f"<li>{escape(c)}</li>" for c in item["conditions"])
        blocks.append({"type": "conditions", "value": f"<ul>{items}</ul>"})
    if item.get("steps"):
        blocks.append({"type": "steps", "value": item["steps"]})
    if item.get("documents"):
        blocks.append({"type": "documents", "value": item["documents"]})
    if item.get("cost"):
        is_free, details = item["cost"]
        blocks.append({"type": "cost", "value": {"is_free": is_free, "details": details}})
    return json.dumps(blocks)


def _fiches(index, structures, territories, users, report, progress):
    communes = Commune.objects.of_departement()
    total = len(content.FICHES)
    for position, item in enumerate(content.FICHES):
        if position % 10 == 0:
            progress(f"Fiches : {position}/{total}…")
        if FichePage.objects.child_of(index).filter(slug=item["slug"]).exists():
            continue
        kind, *args = item["coverage"]
        fiche = FichePage(
            slug=item["slug"],
            title=item["title"],
            summary=item["summary"],
            body=_body(item),
            coverage_kind=kind,
            last_verified=DEMO_VERIFIED_BASE - timedelta(days=9 * position),
            pro_content=item.get("pro", ""),
            is_demo=True,
        )
        if kind == CoverageKind.TERRITORIES:
            fiche.coverage_territories = [territories[s] for s in args[0]]
        elif kind == CoverageKind.EPCI:
            fiche.coverage_epcis = list(EPCI.objects.filter(siren__in=args[0]))
        elif kind == CoverageKind.COMMUNES:
            fiche.coverage_communes = [communes.resolve(name) for name in args[0]]
        fiche.themes = _themes(item["themes"])
        fiche.publics = list(Public.objects.filter(code__in=item["publics"]))
        fiche.owners = [users[item["owner"]]]
        # A kind of structure: every such place in the fiche's zone (FichePage.place_kinds).
        fiche.place_kinds = [p for p in item["places"] if p in StructureKind.values]
        fiche.places = [FichePlace(structure=structures[p]) for p in item["places"] if p in structures]
        fiche.carriers = [FicheCarrier(structure=structures[s]) for s in item.get("carriers", [])]
        fiche.links = [FicheLink(title=t, url=u) for t, u in item.get("links", [])]
        fiche.keywords.set(item["keywords"])
        _publish_new(index, fiche, report)
        report.count("fiches")
