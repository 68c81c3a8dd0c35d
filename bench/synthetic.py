"""A synthetic but realistic data set for the benchmarks: N fiches and 2,000 structures on the
real communes and EPCI of the configured département, with the installed taxonomy.

Creating 100,000 Wagtail pages one by one takes hours, so the set is written with bulk inserts:
page rows with their tree paths computed here, the fiche and structure rows, their relations,
the derived covered communes, then Wagtail's search index in batches. Nothing is random in
the usual sense: one seeded generator, so two builds are identical. Every fiche and structure
is marked as demo content; none of it is meant for a real site.
"""

import json
import random
import uuid
from datetime import date, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from fiches import search_rows
from fiches.models import (
    CoverageKind,
    FicheCoveredCommune,
    FicheIndexPage,
    FicheKeyword,
    FichePage,
    FichePlace,
    Public,
    Theme,
)
from territories.bulk import reference_index_paused
from territories.models import (
    EPCI,
    Commune,
    DepartementPage,
    OpeningSlot,
    SlotAccess,
    StructureIndexPage,
    StructureKind,
    StructurePage,
    TerritoirePage,
)

SEED = 71
BATCH = 1000
STRUCTURES = 2000
TERRITORIES = 5  # territoires d'action sociale, each a group of EPCI

ACTIONS = [
    "Aide",
    "Accompagnement",
    "Permanence",
    "Dispositif",
    "Atelier",
    "Point d’accueil",
    "Soutien",
    "Service",
    "Allocation",
    "Information",
]
TOPICS = [
    ("au logement", "logement locatif, loyer, bail et maintien dans le logement"),
    ("alimentaire", "colis, épicerie sociale et bons alimentaires"),
    ("à la mobilité", "transport, permis de conduire et location de véhicule"),
    ("aux familles", "parentalité, garde d’enfants et médiation familiale"),
    ("à domicile", "aide à domicile, portage de repas et téléassistance"),
    ("à l’emploi", "recherche d’emploi, CV et entretiens"),
    ("numérique", "démarches en ligne, matériel et ateliers informatiques"),
    ("énergie", "factures d’électricité, de gaz et d’eau, impayés"),
    ("santé", "accès aux soins, complémentaire santé et bilan de santé"),
    ("budget", "gestion du budget, surendettement et microcrédit"),
    ("aux jeunes", "insertion des 16-25 ans, logement et formation"),
    ("aux aidants", "répit, information et soutien des proches aidants"),
    ("juridique", "accès au droit, permanences d’avocats et de conciliateurs"),
    ("hébergement d’urgence", "mise à l’abri, 115 et accueil de jour"),
]
KEYWORDS = [
    "loyer",
    "caution",
    "expulsion",
    "colis",
    "épicerie sociale",
    "permis de conduire",
    "transport à la demande",
    "garde d’enfants",
    "médiation",
    "portage de repas",
    "téléassistance",
    "CV",
    "entretien",
    "ordinateur",
    "démarches en ligne",
    "facture",
    "impayé",
    "complémentaire santé",
    "bilan de santé",
    "surendettement",
    "microcrédit",
    "16-25 ans",
    "répit",
    "avocat",
    "conciliateur",
    "115",
    "accueil de jour",
    "RSA",
    "prime d’activité",
    "APA",
    "handicap",
    "retraite",
    "chèque énergie",
    "FSL",
    "aide sociale",
]
KINDS = [
    (StructureKind.CCAS, 30),
    (StructureKind.ASSOCIATION, 25),
    (StructureKind.FRANCE_SERVICES, 8),
    (StructureKind.MDS, 5),
    (StructureKind.CENTRE_SOCIAL, 8),
    (StructureKind.MISSION_LOCALE, 4),
    (StructureKind.FRANCE_TRAVAIL, 4),
    (StructureKind.CAF, 3),
    (StructureKind.CPAM, 3),
    (StructureKind.MSA, 2),
    (StructureKind.CIAS, 4),
    (StructureKind.OTHER, 4),
]


def existing_size():
    return FichePage.objects.filter(source="bench").count()


def build(size, out=print):
    """Bring the data set to `size` synthetic fiches (structures first). Idempotent."""
    rng = random.Random(SEED)
    communes = list(Commune.objects.of_departement().exclude(latitude=None).order_by("insee_code"))
    if not communes:
        raise SystemExit("Aucune commune : lancez `manage.py install_reperes` sur cette base.")
    add_territories(out)
    with reference_index_paused():
        structures = _structures(rng, communes, out)
        have = existing_size()
        if have < size:
            _fiches(rng, communes, structures, have, size, out)
    if connection.vendor == "postgresql":
        out(f"table de recherche : {search_rows.rebuild()} fiches")  # bulk inserts send no signal
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after bulk inserts, as autovacuum would


def add_territories(out=print):
    """A few territories (five, as in the demo content), each a run of EPCI in the order of
    their SIREN, published one by one: the territory facet counts over them. Idempotent."""
    departement = DepartementPage.objects.first()
    if departement is None or TerritoirePage.objects.filter(slug__startswith="banc-").exists():
        return
    epcis = list(EPCI.objects.order_by("siren"))
    per_territory = -(-len(epcis) // TERRITORIES)
    for n in range(TERRITORIES):
        page = TerritoirePage(
            slug=f"banc-territoire-{n + 1}",
            title=f"Territoire d’essai n° {n + 1} (démo)",
            is_illustrative=True,
        )
        page.epcis = epcis[n * per_territory : (n + 1) * per_territory]
        departement.add_child(instance=page)
        page.save_revision().publish()
    out(f"territoires : {TERRITORIES} créés")


def _new_pages(model, parent, start, count, values):
    """Page rows for `count` children of `parent` (tree paths computed here), then the
    `model` rows that extend them. Returns the new primary keys, in order."""
    locale = Locale.get_default()
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    pages = []
    for i in range(count):
        title, slug, extra = values(start + i)
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=Page._get_path(parent.path, parent.depth + 1, parent.numchild + i + 1),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale=locale,
                translation_key=uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{model.__name__}:{start + i}"),
            )
        )
        pages[-1]._extra = extra
    created = []
    for batch_start in range(0, len(pages), BATCH):
        batch = Page.objects.bulk_create(pages[batch_start : batch_start + BATCH])
        rows = [model(page_ptr_id=p.pk, **p._extra) for p in batch]
        fields = [f for f in model._meta.local_concrete_fields]
        model._base_manager._insert(rows, fields=fields)
        created.extend(p.pk for p in batch)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    parent.numchild += count
    return created


def _structures(rng, communes, out):
    index = StructureIndexPage.objects.first()
    have = StructurePage.objects.filter(source="bench").count()
    if have >= STRUCTURES:
        return list(
            StructurePage.objects.filter(source="bench").values_list("pk", "commune__epci_id", "commune_id")
        )
    kinds = [k for k, w in KINDS for _ in range(w)]
    weights = [c.population_municipale or 1 for c in communes]
    chosen = rng.choices(communes, weights=weights, k=STRUCTURES)

    def values(i):
        commune = chosen[i]
        kind = kinds[i % len(kinds)]
        title = f"{StructureKind(kind).label} de {commune.name} n° {i + 1}"
        lat = commune.latitude + (rng.random() - 0.5) * 0.01
        lng = commune.longitude + (rng.random() - 0.5) * 0.01
        return (
            title,
            f"bench-structure-{i + 1}",
            {
                "kind": kind,
                "commune_id": commune.pk,
                "postal_code": commune.postal_code_list[0] if commune.postal_codes else "",
                "address": f"{1 + i % 40} rue de la République",
                "latitude": lat,
                "longitude": lng,
                "location": f"SRID=4326;POINT({lng} {lat})",
                "location_is_approximate": False,
                "phone": f"03 85 {i % 100:02d} {(i * 7) % 100:02d} {(i * 13) % 100:02d}",
                "last_verified": date(2026, 10, 1) - timedelta(days=i % 400),
                "is_demo": True,
                "source": "bench",
                "source_id": str(i + 1),
                "charter_signatory": i % 3 == 0,
            },
        )

    with transaction.atomic():
        pks = _new_pages(StructurePage, index, have, STRUCTURES - have, values)
        slots = []
        for n, pk in enumerate(pks):
            for day in range(5 if n % 4 else 6):
                slots.append(
                    OpeningSlot(
                        structure_id=pk,
                        weekday=day,
                        opens=time(9),
                        closes=time(12),
                        access=SlotAccess.WALK_IN,
                    )
                )
                if n % 2:
                    slots.append(
                        OpeningSlot(
                            structure_id=pk,
                            weekday=day,
                            opens=time(14),
                            closes=time(17),
                            access=SlotAccess.APPOINTMENT,
                        )
                    )
        OpeningSlot.objects.bulk_create(slots, batch_size=BATCH)
    _index(StructurePage, pks, out)
    out(f"structures : {len(pks)} créées")
    return list(
        StructurePage.objects.filter(source="bench").values_list("pk", "commune__epci_id", "commune_id")
    )


def _fiches(rng, communes, structures, have, size, out):
    index = FicheIndexPage.objects.first()
    thematiques = list(Theme.objects.exclude(parent=None).order_by("pk").values_list("pk", flat=True))
    publics = list(Public.objects.order_by("pk").values_list("pk", flat=True))
    epci_communes = {}
    for c in communes:
        epci_communes.setdefault(c.epci_id, []).append(c.pk)
    by_epci = {}
    for pk, epci_id, _commune in structures:
        by_epci.setdefault(epci_id, []).append(pk)
    tags = {name: Tag.objects.get_or_create(name=name)[0].pk for name in KEYWORDS}
    tag_names = list(tags)
    rng.seed(SEED + have)  # a resumed build gives the same fiches as a build in one go
    plans = {}

    def values(i):
        action = ACTIONS[i % len(ACTIONS)]
        topic, detail = TOPICS[(i // len(ACTIONS)) % len(TOPICS)]
        home = communes[(i * 7919) % len(communes)]
        roll = i % 20
        if roll < 7:
            coverage, covered = CoverageKind.DEPARTEMENT, []
            title = f"{action} {topic} (département) n° {i + 1}"
        elif roll < 12:
            coverage, covered = CoverageKind.EPCI, epci_communes.get(home.epci_id, [home.pk])
            title = f"{action} {topic} — intercommunalité de {home.name} n° {i + 1}"
        else:
            coverage, covered = CoverageKind.COMMUNES, [home.pk]
            title = f"{action} {topic} à {home.name} n° {i + 1}"
        pool = by_epci.get(home.epci_id) or [s[0] for s in structures]
        places = rng.sample(pool, k=min(len(pool), 1 + i % 3))
        plans[i] = {
            "themes": rng.sample(thematiques, k=1 + i % 2),
            "publics": rng.sample(publics, k=1 + i % 3),
            "keywords": rng.sample(tag_names, k=3),
            "covered": covered,
            "places": places,
        }
        summary = (
            f"{action} {topic} pour les habitants concernés : {detail}. "
            "Fiche de démonstration générée pour les mesures de performance."
        )
        body = json.dumps(
            [
                {
                    "type": "conditions",
                    "value": f"<ul><li>Résider dans la zone couverte.</li><li>{detail.capitalize()}.</li></ul>",
                },
                {
                    "type": "steps",
                    "value": "<p>Prendre rendez-vous auprès du lieu le plus proche, avec une pièce d’identité.</p>",
                },
            ]
        )
        return (
            title,
            f"bench-fiche-{i + 1}",
            {
                "summary": summary,
                "body": body,
                "coverage_kind": coverage,
                "last_verified": date(2026, 10, 1) - timedelta(days=i % 500),
                "review_interval": (3, 6, 12)[i % 3],
                "is_demo": True,
                "source": "bench",
                "source_id": str(i + 1),
                "pro_content": "",
            },
        )

    for start in range(have, size, 10 * BATCH):
        count = min(10 * BATCH, size - start)
        plans.clear()
        with transaction.atomic():
            pks = _new_pages(FichePage, index, start, count, values)
            themes_through, publics_through = FichePage.themes.through, FichePage.publics.through
            rows = {"themes": [], "publics": [], "keywords": [], "covered": [], "places": []}
            for offset, pk in enumerate(pks):
                plan = plans[start + offset]
                rows["themes"] += [themes_through(fichepage_id=pk, theme_id=t) for t in plan["themes"]]
                rows["publics"] += [publics_through(fichepage_id=pk, public_id=p) for p in plan["publics"]]
                rows["keywords"] += [
                    FicheKeyword(content_object_id=pk, tag_id=tags[k]) for k in plan["keywords"]
                ]
                rows["covered"] += [FicheCoveredCommune(fiche_id=pk, commune_id=c) for c in plan["covered"]]
                rows["places"] += [
                    FichePlace(fiche_id=pk, structure_id=s, sort_order=n)
                    for n, s in enumerate(plan["places"])
                ]
            themes_through.objects.bulk_create(rows["themes"], batch_size=BATCH)
            publics_through.objects.bulk_create(rows["publics"], batch_size=BATCH)
            FicheKeyword.objects.bulk_create(rows["keywords"], batch_size=BATCH)
            FicheCoveredCommune.objects.bulk_create(rows["covered"], batch_size=BATCH)
            FichePlace.objects.bulk_create(rows["places"], batch_size=BATCH)
        _index(FichePage, pks, out)
        out(f"fiches : {start + count} / {size}")


def _index(model, pks, out):
    """Wagtail's search index for the new pages, in batches (what `update_index` does)."""
    backend = get_search_backend()
    for start in range(0, len(pks), BATCH):
        objs = model.objects.filter(pk__in=pks[start : start + BATCH])
        if model is FichePage:
            objs = objs.prefetch_related("themes", "publics", "keywords")
        backend.add_bulk(model, list(objs))
