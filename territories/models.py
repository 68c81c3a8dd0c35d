"""Territories (reference data and territory pages) and the structures that receive people.

`territories` knows nothing of fiches: fiches point at communes, EPCI, territories and
structures, never the other way round.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction, ShowInMenusMixin
from wagtail.query import PageQuerySet
from wagtail.search import index

from . import coverage, jsonld
from .geo import haversine_km, normalize_name, parse_point
from .links import url_from_setting
from .maps import map_data
from .opening_hours import (
    PARIS,
    OpeningHoursParseError,
    Slot,
    Weekday,
    WeekOfMonth,
    check_expression,
    choice_labels,
    describe,
    has_walk_in_hours,
    is_open_at,
    opening_status,
    slots_expression,
)
from .ownership import OwnedPage
from .widgets import CheckboxList, LocationMap

PRO_PERMISSION = "territories.view_professional_content"
# The Wagtail hook through which other apps add sections to a structure's page: each function
# registered under it is called with (structure, request) and returns HTML, or "" for none
# (fiches lists the offer of the place this way; territories knows nothing of fiches).
STRUCTURE_SECTIONS_HOOK = "territories_structure_sections"


def departement_code():
    return settings.REPERES_DEPARTEMENT["code"]


# --- Freshness: shared by every page that shows "Informations vérifiées le …" ---------------


def add_months(day, months):
    """`day` plus whole months (negative: minus), clamped to the month's last day
    (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


class ReviewInterval(models.IntegerChoices):
    THREE = 3, _("3 mois")
    SIX = 6, _("6 mois")
    TWELVE = 12, _("12 mois")


def due_for_review_q(on):
    """Items whose last verification is older than their review interval, on `on`."""
    q = Q(pk__in=[])
    for months in ReviewInterval.values:
        q |= Q(review_interval=months, last_verified__lte=add_months(on, -months))
    return q


class VisiblePageQuerySet(PageQuerySet):
    """What is shown of pages anywhere but at their own address.

    The rule, stated once: everything listed or derived from pages (search and its snippets,
    listings, facet counts, the commune page, maps, the API, the open-data export, the sitemap,
    the places on a fiche and its handout, the selection) shows the live pages under no
    Wagtail view restriction (login, password or groups, on the page or an ancestor), to
    everyone alike. A restricted page is reached at its own address only, where Wagtail checks
    its restriction (and its handout, checked the same way). So no derived data, and no cache
    of it, ever depends on who is asking."""

    def visible(self, within=None):
        """The live, unrestricted pages. `within`: a page being viewed (Wagtail checked its
        restrictions and its ancestors'), whose own restrictions do not hide its listing."""
        pages = self.live()
        if within is None:
            return pages.public()
        hidden = Q()
        for restriction in PageViewRestriction.objects.select_related("page"):
            if not within.path.startswith(restriction.page.path):
                hidden |= self.descendant_of_q(restriction.page, inclusive=True)
        return pages.exclude(hidden) if hidden else pages


def answer_as_page(page, request, respond):
    """`respond()`, for a view that shows one page at an address of its own (its handout, its
    report form), answered as the page's own address would be: through Wagtail's on_serve_page
    hooks, whose view restriction check answers instead, to whoever may not see the page, with
    the login redirect or the password form (the password leads back here), and marks a
    restricted page's answers never to be cached."""

    def chain(page, request, args, kwargs):
        return respond()

    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    return chain(page, request, (), {})


def only_visible(pages):
    """The pages of the list `pages` (read with their relations, or rebuilt from a revision
    for a preview) that `VisiblePageQuerySet.visible` would show, in the same order."""
    pages = [p for p in pages if p.live]
    if not pages:
        return pages
    # Wagtail's rule (`PageQuerySet.public()`: no restriction on the page or an ancestor) read
    # on the pages in memory, in the one query Wagtail makes for the restrictions, rather than
    # a second query for the pages: the fiche page reads its places and carriers this way, and
    # its benchmark target (bench/run.py, fiche page p50 within 2.5× a plain page) was missed
    # with the second query.
    restricted = PageViewRestriction.objects.values_list("page__path", flat=True)
    hidden = tuple(restricted)
    return [p for p in pages if not p.path.startswith(hidden)] if hidden else pages


class Verified:
    """Predicates of a page with `last_verified` and `review_interval` (fiches, structures)."""

    def review_due_on(self):
        return add_months(self.last_verified, self.review_interval)

    def is_due_for_review(self, on=None):
        return (on or timezone.localdate()) >= self.review_due_on()

    def days_overdue(self, on=None):
        return max(0, ((on or timezone.localdate()) - self.review_due_on()).days)

    def get_admin_display_title(self):
        """Admin listings, search and choosers flag what is past its review date."""
        title = super().get_admin_display_title()
        if self.live and self.is_due_for_review():
            return _("%(title)s — à vérifier") % {"title": title}
        return title


# --- Reference data ---------------------------------------------------------------------


class EPCIKind(models.TextChoices):
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d’agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")


class EPCI(models.Model):
    """Établissement public de coopération intercommunale à fiscalité propre (DGCL)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=255)
    kind = models.CharField(_("type"), max_length=5, choices=EPCIKind.choices)
    financing = models.CharField(_("mode de financement"), max_length=5, blank=True)
    seat_departement_code = models.CharField(_("département du siège"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def of_departement(self, code=None):
        """The communes of the configured département (EPCI members elsewhere excluded)."""
        return self.filter(departement_code=code or departement_code())

    def matching(self, term):
        """Communes whose name, postal code or INSEE code matches `term` (by the name rule of
        `normalize_name`), best first (`ranked`)."""
        term = (term or "").strip()
        if not term:
            return self.none()
        if term.isdigit():
            # Postal codes before INSEE codes that happen to match (71100 is Chalon-sur-Saône's
            # postal code and Chardonnay's INSEE code: an agent types postal codes).
            return self.filter(Q(insee_code=term) | Q(postal_codes__contains=term)).order_by(
                models.Case(models.When(postal_codes__contains=term, then=0), default=1),
                models.F("population_municipale").desc(nulls_last=True),
                "name",
            )
        key = normalize_name(term)
        # The exact name first, then the names that start with it, then those with a word that
        # starts with it, then the rest; the most populous first within each.
        return self.filter(search_name__contains=key).order_by(
            models.Case(
                models.When(search_name=key, then=0),
                models.When(search_name__startswith=key, then=1),
                models.When(search_name__contains=" " + key, then=2),
                default=3,
            ),
            models.F("population_municipale").desc(nulls_last=True),
            "name",
        )

    def resolve(self, term):
        """The one commune meant by `term`, or None (then `matching` lists the candidates):
        - a postal code of one commune (before an INSEE code, see `matching`), else an INSEE code;
        - an exact name (rule of `normalize_name`; "Name (71400)" as the suggestions write it,
          whose postal code settles homonyms), then an old commune's exact name;
        - else, from 4 letters, the start of one commune's name only: "chalon" is
          Chalon-sur-Saône, the only name that starts so (Farges-lès-Chalon only contains it),
          which is what an agent typing it at a reception desk means; "mont" starts sixteen
          names, so the candidates are listed, Montceau-les-Mines first.
        An exact name is always the answer, even when it starts other names ("Mâcon")."""
        term = (term or "").strip()[:100]
        if not term:
            return None
        if term.isdigit():
            found = list(self.filter(postal_codes__contains=term)[:20])
            found = [c for c in found if term in c.postal_code_list]
            if not found:
                found = list(self.filter(insee_code=term)[:1])
            return found[0] if len(found) == 1 else None
        name = normalize_name(term.split("(")[0])
        if not name:
            return None
        postal = term.partition("(")[2].rstrip(")").strip()
        found = list(self.filter(search_name=name)[:2])
        if len(found) == 2 and postal.isdigit():
            found = list(self.filter(search_name=name, postal_codes__contains=postal)[:2])
        if found:
            # Homonyms without a postal code: the most populous (an exact name never ends
            # on a list of candidates).
            return (
                found[0]
                if len(found) == 1
                else self.filter(search_name=name)
                .order_by(models.F("population_municipale").desc(nulls_last=True))
                .first()
            )
        alias = CommuneAlias.objects.filter(search_name=name).select_related("commune").first()
        if alias is not None and self.filter(pk=alias.commune_id).exists():
            return alias.commune
        if len(name) >= 4:
            found = list(self.filter(search_name__startswith=name)[:2])
            if len(found) == 1:
                return found[0]
        return None

    def named_in(self, text):
        """The commune an agent typed in a need ("aide alimentaire Montceau", "Chagny",
        "logement à Paray", "71100"), or None: `CommuneInText` with the commune, the words
        that named it and the rest. A postal code several communes share gives the most
        populous of them (71100: Chalon-sur-Saône, what an agent typing it most often means,
        so the results come at once) and the others as `candidates` to choose instead.
        Read at the end of the text only (after the need, as agents type it), so that a need
        that happens to start like a commune's name ("couches bébé") stays a need: the exact
        name of a commune or an old commune (up to six words), or the first word of exactly
        one commune's name ("Montceau", "Paray"); a postal or INSEE code anywhere."""
        words = list(re.finditer(r"\S+", text or ""))
        if not words:
            return None
        for word in words:
            code = word.group().strip(".,;()")
            if len(code) == 5 and code.isdigit() and code.isascii():
                # `matching` puts postal codes first, the most populous first.
                found = list(self.matching(code)[:15])
                postal = [c for c in found if code in c.postal_code_list] or found[:1]
                if postal:
                    rest = (text[: word.start()] + text[word.end() :]).strip()
                    return CommuneInText(postal[0], postal[1:], code, _without_link_word(rest))
        suffixes = {}
        for n in range(min(len(words), 6), 0, -1):
            start = words[-n].start()
            key = normalize_name(text[start:].strip(".,;!?"))
            if key and not key.isdigit():
                suffixes.setdefault(key, start)
        last = normalize_name(words[-1].group().strip(".,;!?"))
        keys = list(suffixes)
        condition = Q(search_name__in=keys) | Q(aliases__search_name__in=keys)
        if len(last) >= 4 and last.isalpha():
            condition |= Q(search_name__startswith=last + " ")
        # One query: names, old names and first words together (every search with words asks).
        rows = list(self.filter(condition).annotate(alias_key=models.F("aliases__search_name"))[:40])
        found = [(suffixes[c.search_name], c) for c in rows if c.search_name in suffixes]
        if not found:
            found = [(suffixes[c.alias_key], c) for c in rows if c.alias_key in suffixes]
        if not found:
            first_word = {c.pk: c for c in rows if c.search_name.startswith(last + " ")}
            if len(first_word) == 1:
                found = [(words[-1].start(), *first_word.values())]
        if not found:
            return None
        start, commune = min(found, key=lambda item: item[0])  # the longest name
        return CommuneInText(commune, [], text[start:].strip(), _without_link_word(text[:start]))


# Words that link a need to its place, dropped with the commune: "logement à Paray".
_LINK_WORDS = {"a", "au", "aux", "sur", "pour", "de", "du", "en", "vers", "dans", "pres"}


def _without_link_word(text):
    words = text.split()
    if words and normalize_name(words[-1]) in _LINK_WORDS:
        words = words[:-1]
    return " ".join(words)


@dataclass
class CommuneInText:
    commune: "Commune | None"
    candidates: list
    typed: str  # the words that named it, as typed
    rest: str  # the need, without them


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    departement_code = models.CharField(_("département"), max_length=3, db_index=True)
    postal_codes = models.CharField(
        _("codes postaux"), max_length=100, blank=True, help_text=_("Séparés par des espaces.")
    )
    population_municipale = models.PositiveIntegerField(_("population municipale"), null=True)
    population_totale = models.PositiveIntegerField(_("population totale"), null=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    epci = models.ForeignKey(
        EPCI,
        verbose_name=_("EPCI"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communes",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.postal_code_list[0]})" if self.postal_codes else self.name

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self):
        return self.postal_codes.split()

    @property
    def has_position(self):
        return self.latitude is not None and self.longitude is not None


class CommuneAliasKind(models.TextChoices):
    DELEGUEE = "COMD", _("commune déléguée")
    ASSOCIEE = "COMA", _("commune associée")


class CommuneAlias(models.Model):
    """An old commune name (commune déléguée or associée) that leads to the current commune."""

    insee_code = models.CharField(_("code INSEE"), max_length=5)
    name = models.CharField(_("nom"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("type"), max_length=4, choices=CommuneAliasKind.choices)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune actuelle"), on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta:
        verbose_name = _("ancienne commune")
        verbose_name_plural = _("anciennes communes")
        constraints = [models.UniqueConstraint(fields=["insee_code", "name"], name="unique_commune_alias")]

    def __str__(self):
        return f"{self.name} → {self.commune.name}"

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(self.name)
        super().save(*args, **kwargs)


# --- Territory pages --------------------------------------------------------------------


class DepartementPage(Page):
    """The département: root of the territoires d'action sociale."""

    code = models.CharField(
        _("code du département"),
        max_length=3,
        default=departement_code,
        help_text=_("Code INSEE du département, par exemple 71."),
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("code"), FieldPanel("intro")]
    subpage_types = ["territories.TerritoirePage"]
    max_count = 1

    class Meta:
        verbose_name = _("page du département")
        verbose_name_plural = _("pages du département")

    def communes(self):
        return Commune.objects.of_departement(self.code)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["territories"] = TerritoirePage.objects.child_of(self).visible(within=self)
        context["epcis"] = (
            EPCI.objects.filter(communes__departement_code=self.code)
            .annotate(
                commune_count=models.Count("communes", filter=Q(communes__departement_code=self.code)),
                population=models.Sum(
                    "communes__population_municipale",
                    filter=Q(communes__departement_code=self.code),
                ),
            )
            .order_by("name")
        )
        context["commune_count"] = self.communes().count()
        context["population"] = self.communes().aggregate(p=models.Sum("population_municipale"))["p"]
        return context


class TerritoirePage(Page):
    """A territoire d'action sociale (TAS): EPCI and/or communes chosen in the admin."""

    intro = RichTextField(_("présentation"), blank=True)
    epcis = ParentalManyToManyField(EPCI, verbose_name=_("EPCI"), blank=True, related_name="+")
    communes = ParentalManyToManyField(
        Commune,
        verbose_name=_("communes ajoutées"),
        blank=True,
        related_name="+",
        help_text=_("Communes comprises dans le territoire en plus de celles des EPCI choisis."),
    )
    is_illustrative = models.BooleanField(
        _("découpage illustratif"),
        default=False,
        help_text=_("Affiche un avertissement : ce découpage n’est pas le découpage officiel."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("epcis", widget=CheckboxList),
        FieldPanel("communes"),
        FieldPanel("is_illustrative"),
    ]
    parent_page_types = ["territories.DepartementPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("territoire d’action sociale")
        verbose_name_plural = _("territoires d’action sociale")

    objects = PageManager.from_queryset(VisiblePageQuerySet)()

    @classmethod
    def covering(cls, commune):
        """The visible territories whose `covered_communes()` include `commune`, by title (a
        département has a handful of territories: one query each)."""
        territories = cls.objects.visible().order_by("title")
        return [t for t in territories if t.covered_communes().filter(pk=commune.pk).exists()]

    def covered_communes(self):
        """The rule, stated once: the communes of the chosen EPCI that lie in the territory's
        département (an EPCI may straddle two), plus the communes added. It reads the page's own
        relations, not the database, so that a preview shows the communes being chosen."""
        code = self.get_parent().specific.code if self.get_parent() else departement_code()
        return Commune.objects.filter(
            Q(epci__in=self.epcis.all(), departement_code=code) | Q(pk__in=self.communes.all())
        ).distinct()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        communes = self.covered_communes().order_by("name")
        context["communes"] = communes
        context["population"] = communes.aggregate(p=models.Sum("population_municipale"))["p"]
        context["structures"] = (
            StructurePage.objects.visible().filter(commune__in=communes).select_related("commune")
        )
        # The fiches that apply here are listed by the site's fiches app, when there is one.
        context["fiches_url"] = url_from_setting("TERRITORIES_TERRITORY_FICHES_URL", self.slug)
        return context


# --- Structures -------------------------------------------------------------------------


# Wagtail's promote panels without its "show in menus" one: no menu of the site is built from
# pages (home/templates), and fiches and structures would never be in one.
OWNED_PAGE_PROMOTE_PANELS = [p for p in Page.promote_panels if p not in ShowInMenusMixin.promote_panels]


def owned_page_edit_handler(content_panels, pro_panels, settings_panels):
    """The editor of pages that owners keep (structures, fiches): the professional-only
    fields get a tab of their own, so nobody fills them in by mistake."""
    return TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Contenu")),
            ObjectList(pro_panels, heading=_("Usage professionnel")),
            ObjectList(OWNED_PAGE_PROMOTE_PANELS, heading=_("Référencement")),
            ObjectList(settings_panels, heading=_("Paramètres")),
        ]
    )


class StructureKind(models.TextChoices):
    MDS = "mds", _("Maison départementale des solidarités")
    CCAS = "ccas", _("CCAS")
    CIAS = "cias", _("CIAS")
    FRANCE_SERVICES = "france_services", _("France Services")
    CAF = "caf", _("CAF")
    CPAM = "cpam", _("CPAM")
    MSA = "msa", _("MSA")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    ASSOCIATION = "association", _("Association")
    CENTRE_SOCIAL = "centre_social", _("Centre social")
    OTHER = "other", _("Autre")
    # Places held by another structure (a page under it): an agent receiving at a mairie on
    # given days, a stop of a mobile service (a bus).
    PERMANENCE = "permanence", _("Permanence")
    MOBILE_STOP = "arret_mobile", _("Arrêt d’un service itinérant")


HELD_KINDS = (StructureKind.PERMANENCE, StructureKind.MOBILE_STOP)


class Accessibility(models.TextChoices):
    UNKNOWN = "unknown", _("Non renseignée")
    ACCESSIBLE = "accessible", _("Accessible aux personnes à mobilité réduite")
    PARTIAL = "partial", _("Partiellement accessible")
    NOT_ACCESSIBLE = "not_accessible", _("Non accessible")


class StructureIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["territories.StructurePage"]

    class Meta:
        verbose_name = _("annuaire des structures")
        verbose_name_plural = _("annuaires des structures")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        structures = (
            StructurePage.objects.descendant_of(self)
            .visible(within=self)
            .select_related("commune")
            .order_by("title")
        )
        structures, context["filters"] = StructureIndexPage.filtered(structures, request.GET)
        context["kinds"] = StructureKind.choices
        # Every place is on the map (a département has hundreds, not tens of thousands); the
        # list beside it, the map's text alternative, is paginated.
        places = list(structures.prefetch_related("opening_slots"))
        context["place_count"] = len(places)
        context["page_obj"] = Paginator(places, 30).get_page(request.GET.get("page"))
        context["map_data"] = map_data(places, request)
        context["directory_pdf_url"] = url_from_setting("TERRITORIES_DIRECTORY_PDF_URL")
        if context["directory_pdf_url"]:
            context["pdf_territories"] = TerritoirePage.objects.visible().order_by("title")
            context["pdf_epcis"] = EPCI.objects.filter(
                communes__departement_code=departement_code()
            ).distinct()
        return context

    @staticmethod
    def filtered(structures, params, at=None):
        """(structures, the filters read): the directory's filters, each a GET parameter so that
        a filtered map is a link and works without JavaScript: `type` (a kind), `charte=1`
        (signatories of the charter), `sans_rdv=1` (open "sans rendez-vous" now)."""
        filters = {}
        kind = params.get("type")
        if kind in StructureKind.values:
            structures = structures.filter(kind=kind)
            filters["type"] = StructureKind(kind)
        if params.get("charte") == "1":
            structures = structures.filter(charter_signatory=True)
            filters["charte"] = True
        if params.get("sans_rdv") == "1":
            structures = structures.open_at(at, walk_in=True)
            filters["sans_rdv"] = True
        return structures, filters


# The places that do first reception, stated once: these kinds, and any charter signatory
# (`StructureQuerySet.first_reception`). The coverage model counts them and nothing else.
FIRST_RECEPTION_KINDS = [
    StructureKind.MDS,
    StructureKind.CCAS,
    StructureKind.CIAS,
    StructureKind.FRANCE_SERVICES,
    StructureKind.PERMANENCE,
    StructureKind.MOBILE_STOP,
]


class StructureQuerySet(VisiblePageQuerySet):
    def first_reception(self):
        """The places of first reception: MDS, CCAS/CIAS, France Services, permanences and
        mobile stops, and every signatory of the charter whatever its kind."""
        return self.filter(Q(kind__in=FIRST_RECEPTION_KINDS) | Q(charter_signatory=True))

    def due_for_review(self, on=None):
        return self.filter(due_for_review_q(on or timezone.localdate()))

    def closed_on(self, day):
        """Structures under a temporary closure on `day` (dates inclusive)."""
        return self.filter(
            Q(closed_from__lte=day) & (Q(closed_until__isnull=True) | Q(closed_until__gte=day))
        )

    def open_at(self, at=None, walk_in=False):
        """Structures open at `at` (now by default), with no closure; `walk_in`: open "sans
        rendez-vous" then. The same rule as `opening_status`: a slot covering the time (in
        SQL, its week of the month included), or an imported expression read by the parser."""
        now = (at or timezone.now()).astimezone(PARIS)
        day = now.date()
        weeks = Q(week_of_month=None) | Q(week_of_month=(day.day - 1) // 7 + 1)
        if (day + timedelta(days=7)).month != day.month:
            weeks |= Q(week_of_month=WeekOfMonth.LAST)
        slots = OpeningSlot.objects.filter(
            weeks, weekday=now.weekday(), opens__lte=now.time(), closes__gt=now.time()
        )
        if walk_in:
            slots = slots.filter(access=SlotAccess.WALK_IN)
        by_expression = [
            pk
            for pk, expression in self.exclude(opening_hours="").values_list("pk", "opening_hours")
            if is_open_at(expression, now, walk_in=walk_in)
        ]
        return self.filter(
            Q(opening_hours="", pk__in=slots.values("structure_id")) | Q(pk__in=by_expression)
        ).exclude(pk__in=self.closed_on(day).values("pk"))

    def with_walk_in_hours(self):
        """Structures with at least one slot, or rule of their imported hours, "sans rendez-vous"."""
        by_expression = [
            pk
            for pk, expression in self.exclude(opening_hours="").values_list("pk", "opening_hours")
            if has_walk_in_hours(expression)
        ]
        return self.filter(
            Q(
                opening_hours="",
                pk__in=OpeningSlot.objects.filter(access=SlotAccess.WALK_IN).values("structure_id"),
            )
            | Q(pk__in=by_expression)
        )

    def nearest(self, lat, lng, limit=10):
        """[(structure, km)] of the positioned structures, nearest first. Looks in a box around the point first, widened until it holds enough places."""
        if lat is None or lng is None:
            return []
        positioned = self.exclude(latitude=None)
        total = positioned.count()
        half_side = 0.15  # degrees of latitude, about 17 km
        while True:
            rows = positioned.filter(
                latitude__range=(lat - half_side, lat + half_side),
                longitude__range=(lng - 1.5 * half_side, lng + 1.5 * half_side),
            ).values_list("pk", "latitude", "longitude")
            ranked = sorted(((pk, haversine_km(lat, lng, a, b)) for pk, a, b in rows), key=lambda x: x[1])
            # Any place outside the box is farther than the box's inscribed radius (at this
            # latitude 1.5 degrees of longitude are longer than one of latitude): the places
            # within that radius are exactly the nearest ones.
            within = [item for item in ranked if item[1] <= half_side * 111]
            if len(within) >= min(limit, total):
                ranked = within
                break
            if len(ranked) == total:
                break
            half_side *= 2
        distances = dict(ranked[:limit])
        # Their opening hours are read by the map, for those whose marker it does not keep.
        structures = self.filter(pk__in=distances).select_related("commune")
        return sorted(((s, distances[s.pk]) for s in structures), key=lambda x: (x[1], x[0].title))


StructureManager = PageManager.from_queryset(StructureQuerySet)


class StructurePageForm(WagtailAdminPageForm):
    """A permanence or a mobile stop is created under the structure that holds it, and only
    those are created under a structure."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        parent = getattr(self, "parent_page", None)
        under_structure = parent is not None and isinstance(parent.specific, StructurePage)
        if kind in HELD_KINDS and not under_structure:
            self.add_error(
                "kind",
                _(
                    "Une permanence ou un arrêt se crée sous la structure qui le tient (« Ajouter une sous-page »)."
                ),
            )
        elif under_structure and kind and kind not in HELD_KINDS:
            self.add_error(
                "kind",
                _("Sous une structure, choisissez « Permanence » ou « Arrêt d’un service itinérant »."),
            )
        return cleaned


class StructurePage(OwnedPage, Verified, Page):
    kind = models.CharField(_("type de structure"), max_length=20, choices=StructureKind.choices)
    description = models.TextField(_("présentation"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d’adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="structures",
    )
    location = models.CharField(
        _("position"),
        max_length=250,
        blank=True,
        help_text=_("Placez le point sur la carte. Vide : le centre de la commune est utilisé."),
    )
    # Derived from `location` (or the commune's centre) on save, for distance queries.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    location_is_approximate = models.BooleanField(default=True, editable=False)

    phone = models.CharField(_("téléphone"), max_length=50, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    opening_hours = models.CharField(
        _("horaires (format OpenStreetMap)"),
        max_length=255,
        blank=True,
        help_text=_(
            "Horaires importés qui ne tiennent pas dans les créneaux, par exemple "
            "« Mo-Fr 09:00-12:00; PH off ». Renseignés, ils remplacent les créneaux ; "
            "laissez vide pour utiliser les créneaux."
        ),
    )
    practical_info = models.TextField(
        _("informations pratiques"),
        blank=True,
        help_text=_("Prise de rendez-vous, permanences, itinérance…"),
    )

    closed_from = models.DateField(_("fermeture temporaire du"), null=True, blank=True)
    closed_until = models.DateField(_("au"), null=True, blank=True)
    notice = models.TextField(
        _("avis temporaire"),
        blank=True,
        help_text=_("Affiché en tête de la page, par exemple pendant une fermeture."),
    )

    accessibility = models.CharField(
        _("accessibilité physique"),
        max_length=20,
        choices=Accessibility.choices,
        default=Accessibility.UNKNOWN,
    )
    accessibility_details = models.TextField(_("précisions sur l’accessibilité"), blank=True)

    charter_signatory = models.BooleanField(
        _("signataire de la charte du premier accueil social inconditionnel"), default=False
    )
    charter_signed_on = models.DateField(_("date de signature de la charte"), null=True, blank=True)

    last_verified = models.DateField(_("informations vérifiées le"), default=date.today)
    review_interval = models.PositiveSmallIntegerField(
        _("à revérifier tous les"), choices=ReviewInterval.choices, default=ReviewInterval.SIX
    )
    owners = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsables"),
        blank=True,
        related_name="owned_structures",
    )

    # Professional-only: never rendered to anonymous visitors, never indexed, never exported.
    pro_contacts = models.TextField(
        _("contacts directs (professionnels)"),
        blank=True,
        help_text=_("Lignes directes, noms des référents. Visible des professionnels connectés."),
    )
    pro_notes = models.TextField(
        _("notes internes (professionnels)"),
        blank=True,
        help_text=_("Conseils d’orientation. Visible des professionnels connectés."),
    )
    orientation_email = models.EmailField(
        _("courriel pour les orientations (professionnels)"),
        blank=True,
        help_text=_(
            "Où les professionnels du réseau adressent les personnes qu’ils orientent vers ce lieu. "
            "Vide : le courriel de la structure."
        ),
    )
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    needs_verification = models.BooleanField(
        _("à vérifier"),
        default=False,
        help_text=_("Importée : un modérateur doit la relire et lui donner un responsable."),
    )
    accepts_error_reports = True  # "Signaler une erreur" is offered on every structure
    # Where the record came from, for idempotent imports: ("anct-france-services", "2249").
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=100, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    # data·inclusion `reseaux_porteurs` codes, kept as the source wrote them (exported back).
    networks = models.JSONField(_("réseaux porteurs"), default=list, blank=True, editable=False)
    # Fingerprint of the source record last applied: an unchanged record is skipped.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = StructureManager()

    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.SearchField("address"),
        index.SearchField("practical_info"),
        index.FilterField("kind"),
        index.RelatedFields("commune", [index.SearchField("name"), index.FilterField("insee_code")]),
    ]

    content_panels = [
        TitleFieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("address_complement"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("commune")]),
                FieldPanel("location", widget=LocationMap(address_field="address", srid=4326)),
            ],
            heading=_("Adresse"),
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("website")],
            heading=_("Contact"),
        ),
        InlinePanel("opening_slots", heading=_("Horaires d’ouverture"), label=_("créneau")),
        FieldPanel("practical_info"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("closed_from"), FieldPanel("closed_until")]),
                FieldPanel("notice"),
            ],
            heading=_("Fermeture temporaire et avis"),
        ),
        MultiFieldPanel(
            [FieldPanel("accessibility"), FieldPanel("accessibility_details")],
            heading=_("Accessibilité"),
        ),
        MultiFieldPanel(
            [FieldPanel("charter_signatory"), FieldPanel("charter_signed_on")],
            heading=_("Charte du premier accueil"),
        ),
        MultiFieldPanel(
            [FieldPanel("last_verified"), FieldPanel("review_interval")],
            heading=_("Vérification"),
        ),
    ]
    pro_panels = [FieldPanel("pro_contacts"), FieldPanel("pro_notes"), FieldPanel("orientation_email")]
    settings_panels = Page.settings_panels + [
        FieldPanel("owners", permission="territories.assign_owners"),
        FieldPanel("needs_verification"),
        FieldPanel("siret"),
        FieldPanel("opening_hours"),
        FieldPanel("is_demo"),
    ]

    edit_handler = owned_page_edit_handler(content_panels, pro_panels, settings_panels)
    base_form_class = StructurePageForm
    # A structure holds its permanences and the stops of its mobile service as pages under it.
    parent_page_types = ["territories.StructureIndexPage", "territories.StructurePage"]
    subpage_types = ["territories.StructurePage"]

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        permissions = [
            ("view_professional_content", _("Peut voir les contenus réservés aux professionnels")),
            ("assign_owners", _("Peut attribuer les responsables")),
        ]

    def clean(self):
        super().clean()
        try:
            check_expression(self.opening_hours)
        except OpeningHoursParseError:
            raise ValidationError(
                {
                    "opening_hours": _(
                        "Ces horaires ne sont pas au format OpenStreetMap (par exemple "
                        "« Mo-Fr 09:00-12:00,14:00-17:00; PH off »)."
                    )
                }
            ) from None
        if self.closed_from and self.closed_until and self.closed_until < self.closed_from:
            raise ValidationError({"closed_until": _("La fin de la fermeture doit suivre son début.")})
        if self.charter_signed_on and not self.charter_signatory:
            raise ValidationError(
                {"charter_signatory": _("Cochez la charte si une date de signature est saisie.")}
            )

    def save(self, *args, **kwargs):
        self.derive_position()
        super().save(*args, **kwargs)

    def derive_position(self):
        point = parse_point(self.location)
        if point:
            self.latitude, self.longitude = point
            self.location_is_approximate = False
        elif self.commune_id:
            commune = Commune.objects.filter(pk=self.commune_id).only("latitude", "longitude").first()
            self.latitude = commune.latitude if commune else None
            self.longitude = commune.longitude if commune else None
            self.location_is_approximate = True

    @cached_property
    def slots(self):
        return [
            Slot(s.weekday, s.opens, s.closes, s.access == SlotAccess.WALK_IN, s.week_of_month)
            for s in self.opening_slots.all()
        ]

    def hours_expression(self):
        """The place's hours as one OpenStreetMap `opening_hours` expression: the imported
        one when there is one, else its slots written as one; "" when unknown."""
        return self.opening_hours.strip() or slots_expression(self.slots)

    def opening_status(self, at=None):
        return opening_status(
            self.hours_expression(), at or timezone.now(), self.closed_from, self.closed_until
        )

    def weekly_hours(self):
        """[(weekday label, [slots])] for every day, in order, for display; [] when the week
        is not known from slots (an imported expression, or nothing said), so that unknown
        hours are never shown as a week of "Fermé"."""
        if self.opening_hours.strip() or not self.opening_slots.all():
            return []
        labels = choice_labels(Weekday)
        by_day = {day: [] for day in Weekday.values}
        for slot in self.opening_slots.all():
            by_day[slot.weekday].append(slot)
        return [(labels[day], sorted(s, key=lambda x: x.opens)) for day, s in by_day.items()]

    def hours_summary(self):
        """Compact hours for print and maps, in French: consecutive days with the same slots
        share a line, e.g. ("lundi – vendredi", "08:30–12:00 · 14:00–17:00 (sur rendez-vous)");
        an imported expression gives one line per rule ("jours fériés", "fermé")."""
        if self.opening_hours.strip():
            return describe(self.opening_hours)
        days, monthly = [], []
        for label, slots in self.weekly_hours():
            text = " · ".join(slot.label() for slot in slots if not slot.week_of_month)
            days.append((str(label), text))
            monthly += [
                (
                    _("%(which)s %(day)s du mois")
                    % {"which": slot.get_week_of_month_display(), "day": label},
                    slot.label(),
                )
                for slot in slots
                if slot.week_of_month
            ]
        lines = []
        for label, text in days:
            if lines and lines[-1][2] == text:
                lines[-1][1] = label
            else:
                lines.append([label, label, text])
        weekly = [
            (first if first == last else f"{first} – {last}", text) for first, last, text in lines if text
        ]
        return weekly + [(str(label), text) for label, text in monthly]

    @property
    def is_held(self):
        """A permanence or a mobile stop: a place held by the structure above it."""
        return self.kind in HELD_KINDS

    @cached_property
    def holder(self):
        """The structure holding this permanence or stop (its parent page), or None."""
        if not self.is_held or not self.pk:
            return None
        return StructurePage.objects.parent_of(self).first()

    def held_places(self):
        """The visible permanences and stops this structure holds, with their hours."""
        return (
            StructurePage.objects.child_of(self)
            .visible()
            .filter(kind__in=HELD_KINDS)
            .select_related("commune")
            .prefetch_related("opening_slots")
            .order_by("title")
        )

    @property
    def kind_label(self):
        """`get_kind_display()` without its cost: Django hashes every lazy label of the
        choices on each call (dozens of markers and cards per page)."""
        return choice_labels(StructureKind).get(self.kind, self.kind)

    def distance_km_from(self, lat, lng):
        if self.latitude is None or lat is None:
            return None
        return haversine_km(lat, lng, self.latitude, self.longitude)

    def full_address(self):
        parts = [self.address, self.address_complement]
        city = " ".join(p for p in [self.postal_code, self.commune.name if self.commune_id else ""] if p)
        return ", ".join(p for p in [*parts, city] if p)

    @staticmethod
    def user_can_see_pro(user):
        return user.is_authenticated and user.is_active and user.has_perm(PRO_PERMISSION)

    @property
    def orientation_contact(self):
        """Where orientations towards this place go: its orientation e-mail, else its e-mail;
        empty when it has neither (no orientation can be sent to it)."""
        return self.orientation_email or self.email

    def handout_url(self):
        """The printable sheet, when the site provides one (TERRITORIES_STRUCTURE_HANDOUT_URL)."""
        return url_from_setting("TERRITORIES_STRUCTURE_HANDOUT_URL", self.pk)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["show_pro"] = self.user_can_see_pro(request.user)
        context["status"] = self.opening_status()
        context["handout_url"] = self.handout_url()
        context["report_url"] = url_from_setting("REPERES_REPORT_URL_NAME", self.pk)
        if context["show_pro"]:
            context["orientation_url"] = url_from_setting("TERRITORIES_STRUCTURE_ORIENTATION_URL", self.pk)
        context["json_ld"] = jsonld.to_script(
            {"@context": "https://schema.org", **jsonld.place(self, request)}
        )
        # A permanence or a stop receives on a few days: its days, not a week of "Fermé".
        as_lines = self.opening_hours.strip() or self.is_held
        context["weekly_hours"] = [] if as_lines else self.weekly_hours()
        context["hours_lines"] = self.hours_summary() if as_lines else []
        context["held_places"] = list(self.held_places())
        context["sections"] = [
            html for hook in hooks.get_hooks(STRUCTURE_SECTIONS_HOOK) if (html := hook(self, request))
        ]
        return context


class SlotAccess(models.TextChoices):
    WALK_IN = "sans_rdv", _("sans rendez-vous")
    APPOINTMENT = "sur_rdv", _("sur rendez-vous")


class OpeningSlot(Orderable):
    structure = ParentalKey(StructurePage, on_delete=models.CASCADE, related_name="opening_slots")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("semaine du mois"),
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text=_("Vide : chaque semaine."),
    )
    opens = models.TimeField(_("ouvre à"))
    closes = models.TimeField(_("ferme à"))
    access = models.CharField(
        _("accueil"), max_length=10, choices=SlotAccess.choices, default=SlotAccess.WALK_IN
    )

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("week_of_month")]),
        FieldRowPanel([FieldPanel("opens"), FieldPanel("closes"), FieldPanel("access")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("créneau d’ouverture")
        verbose_name_plural = _("créneaux d’ouverture")
        ordering = ["weekday", "opens"]

    def __str__(self):
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def label(self):
        """ "14:00–17:00", with "(2e du mois)" and "(sur rendez-vous)" when they apply."""
        text = f"{self.opens:%H:%M}–{self.closes:%H:%M}"
        if self.access != SlotAccess.WALK_IN:
            text += f" ({choice_labels(SlotAccess)[self.access]})"
        return text

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("L’heure de fermeture doit suivre l’ouverture.")})


# --- Coverage: the model's parameters (an administrator's setting) and its monthly history -----


@register_setting(icon="site")
class CoverageSettings(BaseGenericSetting):
    """The travel-time model of the coverage indicator (`territories.coverage`). Its first values
    come from `TERRITORIES_COVERAGE` (installed by `manage.py install_reperes`)."""

    minutes = models.PositiveSmallIntegerField(
        _("temps de trajet maximal (minutes)"),
        default=coverage.default_minutes,
        validators=[MinValueValidator(5), MaxValueValidator(180)],
        help_text=_("L’objectif national : moins de 30 minutes."),
    )
    speed_kmh = models.PositiveSmallIntegerField(
        _("vitesse moyenne retenue (km/h)"),
        default=coverage.default_speed,
        validators=[MinValueValidator(5), MaxValueValidator(130)],
    )
    detour_factor = models.FloatField(
        _("facteur de détour routier"),
        default=coverage.default_detour,
        validators=[MinValueValidator(1.0), MaxValueValidator(3.0)],
        help_text=_("Longueur de la route ÷ distance à vol d’oiseau (1,3 en moyenne en France)."),
    )
    low_speed_kmh = models.PositiveSmallIntegerField(
        _("vitesse de comparaison basse (km/h)"),
        default=coverage.default_low_speed,
        validators=[MinValueValidator(5), MaxValueValidator(130)],
    )
    high_speed_kmh = models.PositiveSmallIntegerField(
        _("vitesse de comparaison haute (km/h)"),
        default=coverage.default_high_speed,
        validators=[MinValueValidator(5), MaxValueValidator(130)],
    )

    panels = [
        FieldPanel("minutes"),
        FieldPanel("detour_factor"),
        FieldRowPanel([FieldPanel("low_speed_kmh"), FieldPanel("speed_kmh"), FieldPanel("high_speed_kmh")]),
    ]

    class Meta:
        verbose_name = _("modèle de couverture territoriale")
        verbose_name_plural = _("modèles de couverture territoriale")

    def clean(self):
        super().clean()
        if None not in (self.low_speed_kmh, self.speed_kmh, self.high_speed_kmh) and not (
            self.low_speed_kmh < self.speed_kmh < self.high_speed_kmh
        ):
            raise ValidationError(
                _("La vitesse basse doit être inférieure à la vitesse retenue, et la haute supérieure.")
            )


class CoverageSnapshotQuerySet(models.QuerySet):
    def up_to(self, day):
        """The snapshots taken for the months up to `day`'s, oldest first."""
        return self.filter(month__lte=day).order_by("month")


class CoverageSnapshot(models.Model):
    """The coverage as measured in a month (`manage.py snapshot_coverage`, run by the daily
    jobs: the first run of a month takes it), with the model's parameters of the day, so that
    the indicators show a trend and a past figure is never recomputed with today's places."""

    month = models.DateField(_("mois"), unique=True)  # its first day
    taken_at = models.DateTimeField(_("mesurée le"), default=timezone.now)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    speed_kmh = models.PositiveSmallIntegerField(_("vitesse (km/h)"))
    detour_factor = models.FloatField(_("facteur de détour"))
    places = models.PositiveIntegerField(_("lieux de premier accueil"))
    population = models.PositiveIntegerField(_("population"))
    covered_population = models.PositiveIntegerField(_("population couverte"))
    uncovered_communes = models.PositiveIntegerField(_("communes non couvertes"))
    low_speed_kmh = models.PositiveSmallIntegerField(_("vitesse basse (km/h)"))
    low_covered_population = models.PositiveIntegerField(_("population couverte à la vitesse basse"))
    high_speed_kmh = models.PositiveSmallIntegerField(_("vitesse haute (km/h)"))
    high_covered_population = models.PositiveIntegerField(_("population couverte à la vitesse haute"))

    objects = CoverageSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("mesure mensuelle de la couverture")
        verbose_name_plural = _("mesures mensuelles de la couverture")
        ordering = ["month"]

    def __str__(self):
        return f"{self.month:%m/%Y} : {self.share_percent:.1f} %"

    def _percent(self, covered):
        return 100 * covered / self.population if self.population else 0.0

    @property
    def share_percent(self):
        return self._percent(self.covered_population)

    @property
    def low_share_percent(self):
        return self._percent(self.low_covered_population)

    @property
    def high_share_percent(self):
        return self._percent(self.high_covered_population)
