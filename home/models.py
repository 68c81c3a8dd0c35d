from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
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
        verbose_name_plural = _("pages d’accueil")

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


class StandardPage(Page):
    body = RichTextField(_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("page simple")
        verbose_name_plural = _("pages simples")


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
        verbose_name_plural = _("réglages du site")

    @property
    def display_departement_name(self):
        return self.departement_name or settings.REPERES_DEPARTEMENT["name"]
