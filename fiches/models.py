"""Fiches (sheets about an aid, a service or a dispositif) and their taxonomy."""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from territories import jsonld
from territories.fields import ChoiceListField
from territories.links import url_from_setting
from territories.models import (  # noqa: F401 (add_months and ReviewInterval re-exported)
    EPCI,
    Commune,
    ReviewInterval,
    StructureKind,
    StructurePage,
    TerritoirePage,
    Verified,
    VisiblePageQuerySet,
    add_months,
    due_for_review_q,
    only_visible,
    owned_page_edit_handler,
)
from territories.opening_hours import describe_text
from territories.ownership import OwnedPage
from territories.widgets import CheckboxList, TagInput

from . import coverage, result_cache, search_rows
from .blocks import FicheBodyBlock
from .commune_choice import chosen_commune
from .forms import FichePageForm, UsefulLinkForm
from .result_cache import forget_results

PRO_PERMISSION = "fiches.view_professional_content"
PLACES_SHOWN = 8  # on a fiche page, the nearest places first
# What includes/structure_card.html, the page's URL and its map marker's key read of a place.
STRUCTURE_CARD_FIELDS = (
    "last_published_at",
    "title",
    "url_path",
    "live",
    "kind",
    "address",
    "address_complement",
    "postal_code",
    "phone",
    "latitude",
    "longitude",
    "location_is_approximate",
    "opening_hours",
    "commune__name",
)


# --- Taxonomy ---------------------------------------------------------------------------


class ThemeQuerySet(models.QuerySet):
    def grouped_choices(self):
        """`[(category, [(pk, label), …]), …]` in the taxonomy's order, in one query: each
        category, ticked as a whole, then its thématiques."""
        themes = list(self.order_by("sort_order", "name"))
        children = defaultdict(list)
        for theme in themes:
            if theme.parent_id:
                children[theme.parent_id].append((theme.pk, theme.name))
        return [
            (category.name, [(category.pk, _("Toute la catégorie")), *children[category.pk]])
            for category in themes
            if category.parent_id is None
        ]


class Theme(index.Indexed, models.Model):
    """A theme in a two-level tree: categories, then thématiques (data·inclusion v1)."""

    name = models.CharField(_("nom"), max_length=255)
    slug = models.SlugField(_("identifiant d’URL"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("catégorie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Vide pour une catégorie ; sinon la catégorie de cette thématique."),
    )
    code = models.CharField(
        _("code data·inclusion"),
        max_length=150,
        blank=True,
        help_text=_("Code de la thématique dans le référentiel national ; vide pour un thème local."),
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("ordre"), default=0)

    objects = ThemeQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unique_theme_code")
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self):
        return reverse("fiches:theme", args=[self.slug])

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("Un thème ne peut pas être sa propre catégorie.")})
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("Les thèmes ont deux niveaux : choisissez une catégorie.")}
                )
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": _("Ce thème a des sous-thèmes : il doit rester une catégorie.")}
                )

    @property
    def is_category(self):
        return self.parent_id is None


class Public(index.Indexed, models.Model):
    name = models.CharField(_("nom"), max_length=255)
    slug = models.SlugField(_("identifiant d’URL"), max_length=120, unique=True)
    code = models.CharField(_("code data·inclusion"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("ordre"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("public")
        verbose_name_plural = _("publics")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unique_public_code")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("fiches:public", args=[self.slug])


class Synonym(models.Model):
    """A word, acronym or expression agents type, and what a search looks for as well
    (fiches.query): "CAF" also finds "caisse d’allocations familiales". Seeded by
    `manage.py install_reperes` (fiches.synonyms), edited by administrators and moderators."""

    term = models.CharField(
        _("mot, sigle ou expression"),
        max_length=100,
        help_text=_("Tel que les agents le tapent : « CAF », « mutuelle », « plus de chauffage »."),
    )
    equivalents = models.TextField(
        _("équivalents"),
        help_text=_(
            "Mots ou expressions cherchés en plus, séparés par des virgules : "
            "« caisse d’allocations familiales, allocations familiales »."
        ),
    )
    both_ways = models.BooleanField(
        _("dans les deux sens"),
        default=True,
        help_text=_(
            "Cochée, chacun des équivalents tapé cherche aussi le terme et les autres équivalents "
            "(sigles, noms d’un même organisme) ; décochée, seul le terme est élargi "
            "(une façon de dire un besoin)."
        ),
    )
    # The term folded (fiches.query.fold_words): one entry per term, whatever its accents or case.
    key = models.CharField(max_length=200, unique=True, editable=False)

    panels = [FieldPanel("term"), FieldPanel("equivalents"), FieldPanel("both_ways")]

    class Meta:
        verbose_name = _("synonyme ou sigle")
        verbose_name_plural = _("synonymes et sigles")
        ordering = ["key"]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        from .query import fold_words

        self.key = " ".join(fold_words(self.term))
        super().save(*args, **kwargs)

    def equivalent_list(self):
        return [part.strip() for part in self.equivalents.split(",") if part.strip()]

    def clean(self):
        from .query import fold_words

        super().clean()
        self.key = " ".join(fold_words(self.term))
        if not self.key:
            raise ValidationError({"term": _("Écrivez au moins un mot.")})
        if not any(fold_words(e) for e in self.equivalent_list()):
            raise ValidationError({"equivalents": _("Écrivez au moins un équivalent.")})
        if Synonym.objects.filter(key=self.key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"term": _("Ce terme est déjà dans la liste : modifiez l’entrée existante.")}
            )


# --- Pages ------------------------------------------------------------------------------


class FicheIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["fiches.FichePage"]

    class Meta:
        verbose_name = _("index des fiches")
        verbose_name_plural = _("index des fiches")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        fiches = FichePage.objects.child_of(self).visible(within=self).order_by("title")
        context["page_obj"] = Paginator(fiches, 30).get_page(request.GET.get("page"))
        context["categories"] = Theme.objects.filter(parent=None)
        return context


class ServiceType(models.TextChoices):
    """data·inclusion `type` of a service."""

    ACCOMPAGNEMENT = "accompagnement", _("Accompagnement")
    AIDE_FINANCIERE = "aide-financiere", _("Aide financière")
    AIDE_MATERIELLE = "aide-materielle", _("Aide matérielle")
    ATELIER = "atelier", _("Atelier")
    FORMATION = "formation", _("Formation")
    INFORMATION = "information", _("Information")


RECEPTION_MODES = [("en-presentiel", _("En présentiel")), ("a-distance", _("À distance"))]
MOBILISATION_MODES = [
    ("se-presenter", _("Se présenter")),
    ("telephoner", _("Téléphoner")),
    ("envoyer-un-courriel", _("Envoyer un courriel")),
    ("utiliser-lien-mobilisation", _("Utiliser le lien de mobilisation")),
]
MOBILISERS = [("usagers", _("Les personnes elles-mêmes")), ("professionnels", _("Les professionnels"))]


CoverageKind = coverage.CoverageKind


def match_kind_places(rules, structures):
    """The places fiches take by kind, the rule stated once: for each fiche id's (kinds of
    places, zone), the structures among `structures` of one of these kinds whose commune is in
    the zone (a set of commune ids; None: the whole département), in the order given."""
    return {
        pk: [s for s in structures if s.kind in kinds and (zone is None or s.commune_id in zone)]
        for pk, (kinds, zone) in rules.items()
    }


class FicheQuerySet(VisiblePageQuerySet):
    def using_structure(self, structure):
        """Fiches for which `structure` is a place to go (named, or of a kind of places in the
        fiche's zone) or the carrier (as saved, drafts aside)."""
        rules = self.with_place_kind(structure.kind).kind_place_rules()
        by_kind = [pk for pk, taken in match_kind_places(rules, [structure]).items() if taken]
        return self.filter(
            Q(places__structure=structure) | Q(carriers__structure=structure) | Q(pk__in=by_kind)
        ).distinct()

    def with_place_kind(self, kind):
        """Fiches that take every place of this kind in their zone (`place_kinds`)."""
        return self.filter(place_kinds__icontains=f'"{kind}"')

    def due_for_review(self, on=None):
        return self.filter(due_for_review_q(on or timezone.localdate()))

    def covering(self, commune):
        """Fiches whose area includes `commune` (fiches.coverage)."""
        return self.filter(coverage.covering_q(commune))

    def with_theme(self, theme):
        """Fiches tagged with the theme or, for a category, with any of its thématiques."""
        # The theme ids first (a handful): the filter then reads the index on theme_id.
        ids = [theme.pk, *Theme.objects.filter(parent=theme).values_list("pk", flat=True)]
        return self.filter(
            pk__in=FichePage.themes.through.objects.filter(theme_id__in=ids).values("fichepage_id")
        )

    def with_public(self, public):
        return self.filter(
            pk__in=FichePage.publics.through.objects.filter(public=public).values("fichepage_id")
        )

    def with_keyword(self, tag):
        return self.filter(pk__in=FicheKeyword.objects.filter(tag=tag).values("content_object_id"))

    def in_territory(self, communes):
        """Fiches that apply somewhere in `communes` (a territory's, an EPCI's: fiches.coverage)."""
        return self.filter(coverage.in_communes_q(communes))

    def kind_place_rules(self):
        """{fiche id: (kinds of places, zone)} of these fiches as saved (`match_kind_places`)."""
        fiches = list(self.exclude(place_kinds=[]).values_list("pk", "place_kinds", "coverage_kind"))
        zones = defaultdict(set)
        for fiche_id, commune_id in FicheCoveredCommune.objects.filter(
            fiche_id__in=[pk for pk, kinds, _kind in fiches if kinds]
        ).values_list("fiche_id", "commune_id"):
            zones[fiche_id].add(commune_id)
        return {
            pk: (kinds, None if kind == CoverageKind.DEPARTEMENT else zones[pk])
            for pk, kinds, kind in fiches
            if kinds
        }

    def local_first(self):
        """Fiches of a precise area before the département-wide ones, then by title."""
        return self.annotate(
            is_departement_wide=models.Case(
                models.When(coverage.DEPARTEMENT_WIDE, then=models.Value(1)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        ).order_by("is_departement_wide", "title", "pk")


FicheManager = PageManager.from_queryset(FicheQuerySet)


class FicheKeyword(TaggedItemBase):
    content_object = ParentalKey("fiches.FichePage", on_delete=models.CASCADE, related_name="tagged_keywords")


class FichePage(OwnedPage, Verified, Page):
    summary = models.TextField(
        _("résumé"),
        max_length=600,
        help_text=_("Deux ou trois phrases : ce que c’est, pour qui, ce que la personne obtient."),
    )
    body = StreamField(FicheBodyBlock(), verbose_name=_("contenu"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("thèmes"), blank=True, related_name="fiches")
    publics = ParentalManyToManyField(Public, verbose_name=_("publics"), blank=True, related_name="fiches")
    keywords = ClusterTaggableManager(verbose_name=_("mots-clés"), through=FicheKeyword, blank=True)

    coverage_kind = models.CharField(
        _("zone couverte"),
        max_length=12,
        choices=CoverageKind.choices,
        default=CoverageKind.DEPARTEMENT,
        db_index=True,
    )
    coverage_territories = ParentalManyToManyField(
        TerritoirePage, verbose_name=_("territoires"), blank=True, related_name="+"
    )
    coverage_epcis = ParentalManyToManyField(EPCI, verbose_name=_("EPCI"), blank=True, related_name="+")
    coverage_communes = ParentalManyToManyField(
        Commune, verbose_name=_("communes"), blank=True, related_name="+"
    )

    last_verified = models.DateField(_("informations vérifiées le"), default=date.today)
    review_interval = models.PositiveSmallIntegerField(
        _("à revérifier tous les"), choices=ReviewInterval.choices, default=ReviewInterval.SIX
    )
    # Places by kind: every visible place of these kinds in the fiche's zone, without naming
    # them one by one (`match_kind_places`); the editor names the others (`places`).
    place_kinds = ChoiceListField(
        _("tous les lieux de ces types dans la zone couverte"),
        item_choices=StructureKind.choices,
        help_text=_(
            "Sans les choisir un à un : un lieu de ce type qui ouvre dans la zone s’ajoute de "
            "lui-même. Les lieux nommés ci-dessous viennent en premier."
        ),
    )
    owners = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsables de la fiche"),
        blank=True,
        related_name="owned_fiches",
    )
    # Professional-only: never rendered to anonymous visitors, never indexed, never exported.
    pro_content = RichTextField(
        _("section réservée aux professionnels"),
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Lignes directes, astuces d’orientation. Visible des professionnels connectés."),
    )
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    needs_verification = models.BooleanField(
        _("à vérifier"),
        default=False,
        help_text=_("Importée : un modérateur doit la relire et lui donner un responsable."),
    )
    # Where the record came from, for idempotent imports: (data·inclusion source, id).
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    # How to reach the service (data·inclusion fields, shown on the page, exported back).
    service_type = models.CharField(
        _("type de service"), max_length=20, choices=ServiceType.choices, blank=True
    )
    reception_modes = ChoiceListField(_("modes d’accueil"), item_choices=RECEPTION_MODES)
    mobilisation_modes = ChoiceListField(_("comment mobiliser le service"), item_choices=MOBILISATION_MODES)
    mobilisable_by = ChoiceListField(_("qui peut le mobiliser"), item_choices=MOBILISERS)
    mobilisation_link = models.URLField(_("lien de mobilisation"), max_length=2083, blank=True)
    mobilisation_details = models.TextField(_("précisions sur la mobilisation"), blank=True)
    publics_details = models.TextField(_("précisions sur les publics"), blank=True)
    service_phone = models.CharField(_("téléphone du service"), max_length=50, blank=True)
    service_email = models.EmailField(_("courriel du service"), blank=True)
    service_hours = models.CharField(
        _("horaires du service"),
        max_length=500,
        blank=True,
        help_text=_("Au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00 ». Sinon, ceux des lieux."),
    )
    # The zone as the source wrote it (a region, the whole country), exported back unchanged
    # while the fiche covers the whole département.
    source_zone = models.JSONField(
        _("zone d’éligibilité d’origine"), default=list, blank=True, editable=False
    )
    # Fingerprint of the source record(s) last applied: an unchanged record is skipped.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    accepts_error_reports = True  # "Signaler une erreur" is offered on every fiche

    objects = FicheManager()
    base_form_class = FichePageForm

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("keywords", [index.SearchField("name")]),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("publics", [index.SearchField("name")]),
        index.FilterField("coverage_kind"),
    ]

    content_panels = [
        TitleFieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("themes", widget=CheckboxList),
                FieldPanel("publics", widget=CheckboxList),
                FieldPanel("keywords", widget=TagInput(placeholder=_("Un mot-clé, puis Entrée"))),
            ],
            heading=_("Classement"),
        ),
        # A list's label names one row: it heads each row ("Structure porteuse 1") and its add
        # button ("Ajouter : structure porteuse"); the heading names the list.
        MultipleChooserPanel(
            "carriers",
            heading=_("Structures qui portent le dispositif"),
            label=_("structure porteuse"),
            chooser_field_name="structure",
        ),
        MultiFieldPanel(
            [
                FieldPanel("place_kinds", widget=CheckboxList),
                MultipleChooserPanel("places", label=_("lieu nommé"), chooser_field_name="structure"),
            ],
            heading=_("Lieux où se rendre"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("coverage_kind"),
                FieldPanel("coverage_territories", widget=CheckboxList),
                FieldPanel("coverage_epcis", widget=CheckboxList),
                FieldPanel("coverage_communes"),
            ],
            heading=_("Zone couverte"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("service_type"),
                FieldPanel("reception_modes"),
                FieldPanel("mobilisation_modes"),
                FieldPanel("mobilisable_by"),
                FieldPanel("mobilisation_link"),
                FieldPanel("mobilisation_details"),
                FieldPanel("publics_details"),
                FieldPanel("service_phone"),
                FieldPanel("service_email"),
                FieldPanel("service_hours"),
            ],
            heading=_("Accès au service"),
        ),
        InlinePanel("links", heading=_("Liens utiles"), label=_("lien")),
        InlinePanel("attachments", heading=_("Pièces jointes"), label=_("pièce jointe")),
        MultiFieldPanel(
            [FieldPanel("last_verified"), FieldPanel("review_interval")],
            heading=_("Vérification"),
        ),
    ]
    pro_panels = [FieldPanel("pro_content")]
    settings_panels = Page.settings_panels + [
        FieldPanel("owners", permission="fiches.assign_owners"),
        FieldPanel("needs_verification"),
        FieldPanel("is_demo"),
    ]

    edit_handler = owned_page_edit_handler(content_panels, pro_panels, settings_panels)
    parent_page_types = ["fiches.FicheIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("fiche")
        verbose_name_plural = _("fiches")
        permissions = [
            ("view_professional_content", _("Peut voir les contenus réservés aux professionnels")),
            ("assign_owners", _("Peut attribuer les responsables")),
        ]

    def clean(self):
        super().clean()
        required = {
            CoverageKind.TERRITORIES: "coverage_territories",
            CoverageKind.EPCI: "coverage_epcis",
            CoverageKind.COMMUNES: "coverage_communes",
        }
        # The M2M values are not readable here before the first save; the form validates them.
        field = required.get(self.coverage_kind)
        if field and self.pk and not getattr(self, field).exists():
            raise ValidationError({field: _("Choisissez au moins un élément pour cette zone.")})

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        # A full save is a creation or a publication; saving a draft only touches a few
        # columns (update_fields) and must not change what the live version covers.
        if kwargs.get("update_fields") is None:
            self.refresh_covered_communes()
        else:
            # Here, not in a post_save handler: the themes, publics, keywords and places of a
            # ClusterableModel are written after post_save is sent.
            search_rows.refresh_now_and_after_commit([self.pk])
        return result

    # -- Coverage ------------------------------------------------------------------------

    def refresh_covered_communes(self):
        """Write down the communes the fiche covers (fiches.coverage)."""
        ids = coverage.commune_ids(self)
        FicheCoveredCommune.objects.filter(fiche=self).exclude(commune_id__in=ids).delete()
        existing = set(FicheCoveredCommune.objects.filter(fiche=self).values_list("commune_id", flat=True))
        FicheCoveredCommune.objects.bulk_create(
            [FicheCoveredCommune(fiche=self, commune_id=i) for i in ids - existing]
        )
        search_rows.refresh_now_and_after_commit([self.pk])
        forget_results()  # bulk writes send no signal

    def covers(self, commune):
        return coverage.covers(self, commune)

    def coverage_label(self):
        kind = CoverageKind(self.coverage_kind)
        if kind == CoverageKind.DEPARTEMENT:
            return str(kind.label)
        items = {
            CoverageKind.TERRITORIES: self.coverage_territories,
            CoverageKind.EPCI: self.coverage_epcis,
            CoverageKind.COMMUNES: self.coverage_communes,
        }[kind].all()
        names = [getattr(i, "title", None) or getattr(i, "name", str(i)) for i in items]
        return ", ".join(names) or str(kind.label)

    # -- Places --------------------------------------------------------------------------

    def service_access(self):
        """How to reach the service, as (label, text, link) rows for the fiche page (empty rows left out)."""
        rows = [(_("Type de service"), self.get_service_type_display() if self.service_type else "", "")]
        for name in ("reception_modes", "mobilisation_modes", "mobilisable_by"):
            field = self._meta.get_field(name)
            rows.append(
                (capfirst(field.verbose_name), ", ".join(map(str, field.labels(getattr(self, name)))), "")
            )
        phone, email = self.service_phone, self.service_email
        rows += [
            (_("Lien de mobilisation"), self.mobilisation_link, self.mobilisation_link),
            (_("Précisions"), self.mobilisation_details, ""),
            (_("Publics"), self.publics_details, ""),
            (_("Téléphone du service"), phone, f"tel:{phone.replace(' ', '')}" if phone else ""),
            (_("Courriel du service"), email, f"mailto:{email}" if email else ""),
            (_("Horaires du service"), describe_text(self.service_hours), ""),
        ]
        return [(label, text, link) for label, text, link in rows if text]

    def place_structures(self):
        """The visible places (`only_visible`), in the editor's order (sort_order), then creation
        order: the same on every database. With their opening hours."""
        return self.places_and_carriers()[0]

    def places_and_carriers(self):
        """(visible places, visible carriers), in the editor's order, read from the page's own
        relations (a preview shows the draft's), with one visibility check for both."""
        places = self.places.select_related("structure__commune").prefetch_related("structure__opening_slots")
        places = [p.structure for p in places.order_by("sort_order", "pk")]
        carriers = [
            c.structure for c in self.carriers.select_related("structure").order_by("sort_order", "pk")
        ]
        shown = {s.pk for s in only_visible(places + carriers)}
        named = [s for s in places if s.pk in shown]
        return named + self.kind_places(exclude=named), [s for s in carriers if s.pk in shown]

    def kind_places(self, structures=None, exclude=()):
        """The visible places this fiche takes by kind (`place_kinds`) in its zone as it stands
        (a draft's, in a preview), by commune and name; among `structures` when given."""
        if not self.place_kinds:
            return []
        if structures is None:
            structures = only_visible(
                StructurePage.objects.filter(kind__in=self.place_kinds)
                .select_related("commune")
                .prefetch_related("opening_slots")
                .order_by("commune__name", "title", "pk")
            )
        zone = None if self.coverage_kind == CoverageKind.DEPARTEMENT else coverage.commune_ids(self)
        found = match_kind_places({self.pk: (self.place_kinds, zone)}, structures)[self.pk]
        return [s for s in found if s not in exclude]

    @classmethod
    def card_places(cls, fiche_ids):
        """{fiche id: its live places, in order}, with only the columns a structure card shows
        (includes/structure_card.html), for pages of results: kept in the results cache
        (fiches.result_cache) until any page is saved, moved or deleted, one entry per fiche."""
        keys = result_cache.Keys("fiche-places")
        return result_cache.cached_many({pk: keys(pk) for pk in fiche_ids}, cls._read_card_places)

    @staticmethod
    def _read_card_places(fiche_ids):
        found = {pk: [] for pk in fiche_ids}
        places = (
            FichePlace.objects.filter(fiche_id__in=fiche_ids)
            .select_related("structure__commune")
            .only("fiche", "sort_order", *(f"structure__{n}" for n in STRUCTURE_CARD_FIELDS))
            .order_by("fiche", "sort_order", "pk")
        )
        shown = {s.pk for s in only_visible([p.structure for p in places])}
        for place in places:
            if place.structure.pk in shown:
                found[place.fiche_id].append(place.structure)
        rules = FichePage.objects.filter(pk__in=fiche_ids).exclude(place_kinds=[]).kind_place_rules()
        by_kind = []
        if rules:
            kinds = {kind for kinds, _zone in rules.values() for kind in kinds}
            by_kind = only_visible(
                StructurePage.objects.filter(kind__in=kinds)
                .select_related("commune")
                .only("path", "commune", *STRUCTURE_CARD_FIELDS)
                .order_by("commune__name", "title", "pk")
            )
            for pk, taken in match_kind_places(rules, by_kind).items():
                found[pk] += [s for s in taken if s not in found[pk]]
        # A permanence's or a stop's card says its days and hours (includes/held_hours.html).
        held = [s for s in [p.structure for p in places] + by_kind if s.is_held]
        prefetch_related_objects(held, "opening_slots")
        return found

    def carrier_structures(self):
        """The visible structures that carry the dispositif, in the editor's order."""
        return self.places_and_carriers()[1]

    def nearest_places(self, commune, limit=None, places=None):
        """[(structure, distance_km)] sorted by distance from the commune's centre."""
        places = self.place_structures() if places is None else places
        if commune is None or not commune.has_position:
            return [(s, None) for s in places][:limit]
        ranked = sorted(
            ((s, s.distance_km_from(commune.latitude, commune.longitude)) for s in places),
            key=lambda item: (item[1] is None, item[1] or 0),
        )
        return ranked[:limit] if limit else ranked

    # -- Permissions ---------------------------------------------------------------------

    @staticmethod
    def user_can_see_pro(user):
        return user.is_authenticated and user.is_active and user.has_perm(PRO_PERMISSION)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        commune, typed, candidates = chosen_commune(request)
        # The live page's relations are kept in the site's one cache of derived values
        # (fiches.result_cache, retired by its generation on any published change): with the
        # nine queries they take, bench/run.py's fiche page target (p50 within 2.5× a plain
        # page at 10,000 fiches) was missed. A preview reads the draft's own, never the cache.
        if getattr(request, "is_preview", False):
            shown_relations = self.shown_relations()
        else:
            key = result_cache.Keys("fiche-page")(self.pk)
            shown_relations = result_cache.cached(key, self.shown_relations)
        places = self.nearest_places(commune, places=shown_relations["places"])
        shown = [s for s, _d in places[:PLACES_SHOWN]]
        context.update(
            commune=commune,
            typed_commune=typed,
            candidates=candidates,
            covers_commune=commune is not None and self.covers(commune),
            **{name: value for name, value in shown_relations.items() if name != "places"},
            places=places[:PLACES_SHOWN],
            more_places=max(0, len(places) - PLACES_SHOWN),
            show_pro=self.user_can_see_pro(request.user),
            report_url=url_from_setting("REPERES_REPORT_URL_NAME", self.pk),
        )
        context["json_ld"] = jsonld.to_script(self.json_ld(request, shown, context))
        return context

    def shown_relations(self):
        """What the page shows of its relations, read from the page itself (a preview's are
        the draft's): visible places with their hours, carriers, themes, publics, keywords,
        links, attachments and the parent page (the breadcrumb)."""
        places, carriers = self.places_and_carriers()
        return {
            "places": places,
            "carriers": carriers,
            "themes": list(self.themes.all()),
            "publics": list(self.publics.all()),
            "keywords": list(self.keywords.all()),
            "links": list(self.links.all()),
            "attachments": list(self.attachments.select_related("document")),
            "parent": Page.objects.only("title", "url_path", "path", "depth").get(
                path=self.path[: -self.steplen]
            ),
        }

    def json_ld(self, request, places, context=None):
        """schema.org GovernmentService: public fields only."""
        context = context or {}
        themes = context.get("themes", self.themes.all())
        publics = context.get("publics", self.publics.all())
        data = {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "name": self.title,
            "description": self.summary,
            "url": self.get_full_url(request),
            "dateModified": self.last_verified.isoformat(),
            "areaServed": self.coverage_label(),
            "serviceType": [t.name for t in themes],
            "audience": [{"@type": "Audience", "audienceType": p.name} for p in publics],
            "availableChannel": [
                {"@type": "ServiceChannel", "serviceLocation": jsonld.place(s, request)} for s in places
            ],
        }
        carriers = context.get("carriers")
        if carriers is None:
            carriers = self.carrier_structures()
        if carriers:
            data["provider"] = [{"@type": "GovernmentOrganization", "name": s.title} for s in carriers]
        return data


class FicheCoveredCommune(models.Model):
    """Derived: the communes a live fiche covers, for fast "what applies here" queries."""

    fiche = models.ForeignKey(FichePage, on_delete=models.CASCADE, related_name="covered_communes")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "commune"], name="unique_fiche_commune")]
        indexes = [models.Index(fields=["commune", "fiche"])]

    def __str__(self):
        return f"{self.fiche_id} → {self.commune_id}"


class FichePlace(Orderable):
    fiche = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="places")
    structure = models.ForeignKey(
        StructurePage, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="+"
    )
    panels = [FieldPanel("structure")]

    class Meta(Orderable.Meta):
        verbose_name = _("lieu où se rendre")
        verbose_name_plural = _("lieux où se rendre")


class FicheCarrier(Orderable):
    fiche = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="carriers")
    structure = models.ForeignKey(
        StructurePage, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="+"
    )
    panels = [FieldPanel("structure")]

    class Meta(Orderable.Meta):
        verbose_name = _("structure porteuse")
        verbose_name_plural = _("structures porteuses")


class FicheLink(Orderable):
    fiche = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("intitulé"), max_length=255)
    url = models.URLField(_("adresse"))
    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("lien utile")
        verbose_name_plural = _("liens utiles")


class FicheAttachment(Orderable):
    fiche = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")


# --- Useful links ---------------------------------------------------------------------------


class UsefulLinkCategory(models.TextChoices):
    RIGHTS = "droits", _("Droits et démarches")
    BENEFITS = "prestations", _("Prestations sociales")
    HEALTH = "sante", _("Santé")
    WORK = "emploi", _("Emploi et formation")
    SIMULATORS = "simulateurs", _("Simulateurs")
    DIRECTORIES = "annuaires", _("Annuaires")
    OTHER = "autres", _("Autres ressources")


class UsefulLinkQuerySet(models.QuerySet):
    def for_theme(self, theme):
        """Links about the theme, its category or, for a category, any of its thématiques."""
        ids = {theme.pk}
        if theme.parent_id:
            ids.add(theme.parent_id)
        else:
            ids |= set(theme.children.values_list("pk", flat=True))
        return self.filter(themes__in=ids).distinct()


class UsefulLink(index.Indexed, models.Model):
    """A national resource agents use every day (service-public.fr, caf.fr, a simulator…)."""

    title = models.CharField(_("intitulé"), max_length=255)
    url = models.URLField(_("adresse"), unique=True)
    description = models.TextField(_("description"), max_length=500, blank=True)
    category = models.CharField(_("catégorie"), max_length=20, choices=UsefulLinkCategory.choices)
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("thèmes liés"),
        blank=True,
        related_name="useful_links",
        help_text=_("Le lien est aussi proposé sur les pages de ces thèmes."),
    )
    sort_order = models.PositiveIntegerField(_("ordre"), default=0)

    objects = UsefulLinkQuerySet.as_manager()

    base_form_class = UsefulLinkForm
    panels = [
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldPanel("category"),
        FieldPanel("themes", widget=CheckboxList),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("description")]

    class Meta:
        verbose_name = _("lien utile")
        verbose_name_plural = _("liens utiles")
        ordering = ["category", "sort_order", "title"]

    def __str__(self):
        return self.title


# Orientation's and the needs' models live in their own packages (fiches/orientation/,
# fiches/needs/), registered with the app here.
from .needs.models import NeedReport, UnansweredSearch  # noqa: E402, F401
from .orientation.models import Orientation  # noqa: E402, F401
