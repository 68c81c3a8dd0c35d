"""The site's page tree: home, fiches, structures, département. Idempotent."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from fiches.models import FicheIndexPage
from territories.models import DepartementPage, StructureIndexPage

from .models import HomePage


def _child(parent, model, slug, **values):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **values)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


@transaction.atomic
def ensure_site_tree():
    root = Page.get_first_root_node() or Page.add_root(title=_("Racine"), slug="root")
    if root.title == "Root":  # Wagtail's first migration names it in English ("Exploration: Root")
        Page.objects.filter(pk=root.pk).update(title=_("Racine"), draft_title=_("Racine"))
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title=_("Repères"),
            slug="accueil",
            intro="<p>"
            + _(
                "Trouver en quelques secondes la bonne fiche et le lieu le plus proche pour la "
                "personne accueillie."
            )
            + "</p>",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Repères"
        site.save()
        # Wagtail's own "Welcome" page, left by its first migration, goes once it is orphaned.
        if type(old_root.specific) is Page and not old_root.get_children().exists():
            old_root.delete()
    departement = settings.REPERES_DEPARTEMENT
    return {
        "home": home,
        "fiche_index": _child(home, FicheIndexPage, "fiches", title=_("Fiches")),
        "structure_index": _child(home, StructureIndexPage, "structures", title=_("Structures")),
        "departement": _child(
            home,
            DepartementPage,
            "territoires",
            title=departement["name"],
            code=departement["code"],
        ),
    }
