from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.compare import register_comparison_class
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from territories.models import STRUCTURE_SECTIONS_HOOK, StructurePage

from .browse import Result, group_by_category
from .compare import UnorderedTagsComparison, YesNoFieldComparison
from .models import FicheCarrier, FichePage
from .orientation.admin_views import received_view, sees_every_orientation
from .viewsets import TaxonomyViewSetGroup

register_snippet(TaxonomyViewSetGroup)

# The revision comparison in words people read: booleans as "Oui"/"Non", keywords as a set.
register_comparison_class(models.BooleanField, comparison_class=YesNoFieldComparison)
register_comparison_class(ClusterTaggableManager, comparison_class=UnorderedTagsComparison)

PLACE_REMOVED_ACTION = "fiches.place_removed"


@hooks.register("register_log_actions")
def register_place_removed_action(actions):
    @actions.register_action(PLACE_REMOVED_ACTION)
    class PlaceRemoved(LogFormatter):
        label = gettext_lazy("Lieu ou structure porteuse supprimé")

        def format_message(self, log_entry):
            return _("« %(structure)s », lieu ou structure porteuse de la fiche, a été supprimé.") % {
                "structure": log_entry.data.get("structure", "")
            }


@hooks.register("before_delete_page")
def name_the_fiches_a_structure_serves(request, page):
    """Before a structure is deleted, the moderator sees which fiches lose it (no silent
    cascade); each of them records the loss in its history (signal_handlers)."""
    if request.method == "GET" and isinstance(page.specific, StructurePage):
        fiches = FichePage.objects.using_structure(page).order_by("title")
        if fiches:
            messages.warning(
                request,
                _(
                    "Cette structure est un lieu ou une structure porteuse de %(count)d fiche(s), "
                    "qui la perdront : %(titles)s."
                )
                % {"count": len(fiches), "titles": ", ".join(f"« {f.title} »" for f in fiches)},
            )


@hooks.register("register_admin_urls")
def register_orientation_urls():
    from django.urls import path

    return [path("reperes/orientations/", received_view, name="fiches_orientations_received")]


@hooks.register("register_admin_menu_item")
def orientations_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class ReceivedMenuItem(MenuItem):
        def is_shown(self, request):
            user = request.user
            return sees_every_orientation(user) or StructurePage.objects.filter(owners=user).exists()

    return ReceivedMenuItem(
        _("Orientations reçues"), reverse("fiches_orientations_received"), icon_name="mail", order=158
    )


@hooks.register(STRUCTURE_SECTIONS_HOOK)
def structure_offer(structure, request):
    """A structure's page lists its offer: the visible fiches it carries or is a place of,
    under their theme category, those it carries marked."""
    fiches = list(FichePage.objects.visible().using_structure(structure).order_by("title"))
    if not fiches:
        return ""
    carried = set(FicheCarrier.objects.filter(structure=structure).values_list("fiche_id", flat=True))
    return render_to_string(
        "fiches/includes/structure_offer.html",
        {"groups": group_by_category([Result(fiche) for fiche in fiches]), "carried": carried},
        request=request,
    )
