"""Read API (Django Ninja): fiches, structures, themes and communes, public fields only.

Documented at /api/v1/docs (OpenAPI). Never returns professional-only content.
"""

from datetime import date

from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import PageNumberPagination, paginate

from territories.models import Commune, StructurePage

from .models import FichePage, Theme
from .params import QueryText, RowId

api = NinjaAPI(
    title="Repères — API de lecture",
    version="1",
    description=(
        "Fiches, structures, thèmes et communes du premier accueil social. Données publiques "
        "uniquement, sous Licence Ouverte 2.0. Listes paginées (`page`, 20 éléments par page)."
    ),
    urls_namespace="api-v1",
)


@api.exception_handler(ValidationError)
def french_validation_error(request, exc):
    fields = sorted({".".join(str(p) for p in e.get("loc", [])[1:]) or "requête" for e in exc.errors})
    return api.create_response(
        request,
        {"detail": "Paramètre invalide : " + ", ".join(fields) + ".", "erreurs": exc.errors},
        status=422,
    )


def get_or_404(queryset, message, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise HttpError(404, message)
    return obj


class ThemeOut(Schema):
    slug: str
    nom: str
    code_data_inclusion: str | None
    categorie: str | None


class CommuneOut(Schema):
    code_insee: str
    nom: str
    codes_postaux: list[str]
    epci_siren: str | None
    population: int | None
    latitude: float | None
    longitude: float | None


class StructureOut(Schema):
    id: int
    nom: str
    type: str
    adresse: str
    commune: CommuneOut
    telephone: str
    courriel: str
    site_web: str
    horaires_osm: str | None
    accessibilite: str
    verifiee_le: date
    url: str


class FicheOut(Schema):
    id: int
    titre: str
    resume: str
    themes: list[str]
    publics: list[str]
    zone: str
    verifiee_le: date
    url: str

    # Resolvers read the page itself, so that lists are paginated in the database.
    @staticmethod
    def resolve_titre(obj):
        return obj["titre"] if isinstance(obj, dict) else obj.title

    @staticmethod
    def resolve_resume(obj):
        return obj["resume"] if isinstance(obj, dict) else obj.summary

    @staticmethod
    def resolve_themes(obj):
        return obj["themes"] if isinstance(obj, dict) else [t.slug for t in obj.themes.all()]

    @staticmethod
    def resolve_publics(obj):
        return obj["publics"] if isinstance(obj, dict) else [p.slug for p in obj.publics.all()]

    @staticmethod
    def resolve_zone(obj):
        return obj["zone"] if isinstance(obj, dict) else obj.coverage_label()

    @staticmethod
    def resolve_verifiee_le(obj):
        return obj["verifiee_le"] if isinstance(obj, dict) else obj.last_verified

    @staticmethod
    def resolve_url(obj, context):
        return obj["url"] if isinstance(obj, dict) else obj.get_full_url(context["request"])


class FicheDetailOut(FicheOut):
    lieux: list[StructureOut]


def _commune(c):
    return CommuneOut(
        code_insee=c.insee_code,
        nom=c.name,
        codes_postaux=c.postal_code_list,
        epci_siren=c.epci.siren if c.epci_id else None,
        population=c.population_municipale,
        latitude=c.latitude,
        longitude=c.longitude,
    )


def _structure(s, request):
    return StructureOut(
        id=s.pk,
        nom=s.title,
        type=s.kind,
        adresse=s.full_address(),
        commune=_commune(s.commune),
        telephone=s.phone,
        courriel=s.email,
        site_web=s.website,
        horaires_osm=s.hours_expression() or None,
        accessibilite=s.accessibility,
        verifiee_le=s.last_verified,
        url=s.get_full_url(request),
    )


def _fiche(f, request):
    return {
        "id": f.pk,
        "titre": f.title,
        "resume": f.summary,
        "themes": [t.slug for t in f.themes.all()],
        "publics": [p.slug for p in f.publics.all()],
        "zone": f.coverage_label(),
        "verifiee_le": f.last_verified,
        "url": f.get_full_url(request),
    }


@api.get("/fiches", response=list[FicheOut], summary="Fiches publiées", tags=["fiches"])
@paginate(PageNumberPagination, page_size=20)
def list_fiches(request, commune: QueryText | None = None, theme: QueryText | None = None):
    """`commune` : code INSEE (fiches qui couvrent la commune) ; `theme` : identifiant d’un thème
    ou d’une catégorie (voir /themes)."""
    fiches = (
        FichePage.objects.visible()
        .prefetch_related("themes", "publics", "coverage_epcis", "coverage_communes", "coverage_territories")
        .order_by("title")
    )
    if commune:
        fiches = fiches.covering(
            get_or_404(Commune.objects, f"Commune inconnue : {commune[:10]}", insee_code=commune)
        )
    if theme:
        fiches = fiches.with_theme(get_or_404(Theme.objects, f"Thème inconnu : {theme[:60]}", slug=theme))
    return fiches


@api.get("/fiches/{fiche_id}", response=FicheDetailOut, summary="Une fiche et ses lieux", tags=["fiches"])
def get_fiche(request, fiche_id: RowId, commune: QueryText | None = None):
    """Avec `commune` (code INSEE), les lieux sont triés du plus proche au plus lointain."""
    fiche = get_or_404(FichePage.objects.visible(), "Fiche introuvable.", pk=fiche_id)
    place = Commune.objects.filter(insee_code=commune).first() if commune else None
    places = [s for s, _d in fiche.nearest_places(place)]
    return {**_fiche(fiche, request), "lieux": [_structure(s, request) for s in places]}


@api.get("/structures", response=list[StructureOut], summary="Structures", tags=["structures"])
@paginate(PageNumberPagination, page_size=20)
def list_structures(request, commune: QueryText | None = None, type: QueryText | None = None):  # noqa: A002
    structures = (
        StructurePage.objects.visible().select_related("commune__epci").prefetch_related("opening_slots")
    )
    if commune:
        structures = structures.filter(commune__insee_code=commune)
    if type:
        structures = structures.filter(kind=type)
    return [_structure(s, request) for s in structures.order_by("title")]


@api.get("/structures/{structure_id}", response=StructureOut, summary="Une structure", tags=["structures"])
def get_structure(request, structure_id: RowId):
    return _structure(
        get_or_404(StructurePage.objects.visible(), "Structure introuvable.", pk=structure_id), request
    )


@api.get("/themes", response=list[ThemeOut], summary="Thèmes (deux niveaux)", tags=["référentiels"])
def list_themes(request):
    return [
        ThemeOut(
            slug=t.slug,
            nom=t.name,
            code_data_inclusion=t.code or None,
            categorie=t.parent.slug if t.parent_id else None,
        )
        for t in Theme.objects.select_related("parent")
    ]


@api.get("/communes", response=list[CommuneOut], summary="Communes du département", tags=["référentiels"])
@paginate(PageNumberPagination, page_size=20)
def list_communes(request, q: QueryText | None = None):
    """`q` : nom (sans accents), code postal ou code INSEE."""
    communes = Commune.objects.of_departement().select_related("epci").order_by("name")
    if q:
        communes = communes.matching(q[:100])
    return [_commune(c) for c in communes]
