import functools
import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections, models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from territories.restrictions import ViewRestrictionShortcut

ROUTE_KEY = "reperes:route:{}:{}"
ROUTE_SECONDS = 24 * 3600


_PK_PLACEHOLDER = -20261201


@functools.lru_cache(maxsize=256)
def _select_by_pk(model, connection):
    """The SQL of `model._default_manager.filter(pk=…)` and how to read its row: compiled once
    per model and connection (a connection per thread)."""
    compiler = model._default_manager.filter(pk=_PK_PLACEHOLDER).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if list(params) != [_PK_PLACEHOLDER] or compiler.klass_info.get("related_klass_infos"):
        raise ValueError(f"{model.__name__}: unexpected query shape")
    fields = compiler.klass_info["select_fields"]
    select = compiler.select[fields[0] : fields[-1] + 1]
    names = [column.target.attname for column, _sql, _alias in select]
    converters = list(compiler.get_converters([column for column, _sql, _alias in select]).items())
    return sql, names, converters


def by_pk(model, pk, using="default"):
    """`model._default_manager.filter(pk=pk).first()`, without compiling the query each time:
    for a page type, its SQL is a join of a dozen to fifty columns, whose compiling took as long
    as running it (a sixth of a fiche page). None if there is no such row."""
    connection = connections[using]
    sql, names, converters = _select_by_pk(model, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, (functions, expression) in converters:  # as SQLCompiler.apply_converters
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return model.from_db(using, names, row)


class HomePage(ViewRestrictionShortcut, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "fiches.FicheIndexPage",
        "territories.StructureIndexPage",
        "territories.DepartementPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("page d’accueil")

    def route(self, request, path_components):
        """Find the page at the end of the path in one query (then its specific row), instead
        of Wagtail's walk down the tree, two queries per level. Only when the page found routes
        the standard way: a page type with its own `route` gets Wagtail's walk.

        The page's id and type are remembered in the cache by path, so that the next visit
        reads only the specific row; the row read must still be at that path and live, or the
        path is looked up again (a page moved, renamed or deleted is never served from there).
        """
        if len(path_components) > 1:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            key = ROUTE_KEY.format(self.pk, hashlib.sha256(url_path.encode()).hexdigest())
            remembered = cache.get(key)
            if remembered is not None:
                page = self._remembered_page(*remembered)
                if page is not None and page.url_path == url_path:
                    if not page.live:
                        raise Http404
                    return RouteResult(page)
            found = (
                Page.objects.filter(
                    path__startswith=self.path,
                    depth=self.depth + len(path_components),
                    slug=path_components[-1],
                    url_path=url_path,
                )
                .only("id", "content_type_id")
                .first()
            )
            if (
                found is not None
                and found.specific_class is not None
                and found.specific_class.route is Page.route
            ):
                cache.set(key, (found.pk, found.content_type_id), ROUTE_SECONDS)
                page = found.specific
                if not page.live:
                    raise Http404
                return RouteResult(page)
        return super().route(request, path_components)

    @staticmethod
    def _remembered_page(page_id, content_type_id):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or model.route is not Page.route:
            return None
        return by_pk(model, page_id)

    def get_context(self, request, *args, **kwargs):
        from fiches.models import FicheIndexPage, FichePage, Theme
        from territories.models import DepartementPage, StructureIndexPage, StructurePage

        context = super().get_context(request, *args, **kwargs)
        context["categories"] = Theme.objects.filter(parent=None).order_by("sort_order", "name")
        context["fiche_index"] = FicheIndexPage.objects.live().first()
        context["structure_index"] = StructureIndexPage.objects.live().first()
        context["departement"] = DepartementPage.objects.live().first()
        context["fiche_count"] = FichePage.objects.visible().count()
        context["structure_count"] = StructurePage.objects.visible().count()
        context["recent_fiches"] = FichePage.objects.visible().order_by("-last_published_at")[:6]
        return context


class StandardPage(ViewRestrictionShortcut, Page):
    body = RichTextField(_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("page simple")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    departement_name = models.CharField(
        _("nom du département"),
        max_length=120,
        blank=True,
        help_text=_("Affiché dans l’en-tête et sur les fiches imprimées. Vide : valeur de configuration."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handout_footer = models.TextField(
        _("pied de page des fiches imprimées"),
        blank=True,
        default="",
    )
    contact_email = models.EmailField(_("courriel de l’animation du réseau"), blank=True)
    public_access = models.BooleanField(
        _("accès public"),
        default=True,
        help_text=_("Décoché : seules les personnes connectées voient le site."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("departement_name"), FieldPanel("logo"), FieldPanel("contact_email")],
            heading=_("Identité"),
        ),
        FieldPanel("handout_footer"),
        FieldPanel("public_access"),
    ]

    class Meta:
        verbose_name = _("réglages du site")

    @property
    def display_departement_name(self):
        return self.departement_name or settings.REPERES_DEPARTEMENT["name"]
