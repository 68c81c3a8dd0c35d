"""Keep the derived coverage of fiches right when a territory's composition changes, the search
rows (fiches.search_rows) right when what it copies changes, and the cached results of
searches and listings (fiches.result_cache) from outliving a change."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from territories.caching import now_and_after_commit
from territories.models import DepartementPage, StructurePage, TerritoirePage

from . import search_rows
from .models import CoverageKind, FicheKeyword, FichePage, FichePlace, Public, Synonym, Theme
from .result_cache import forget_results


def _refresh_fiches_covering(territory_ids):
    fiches = FichePage.objects.filter(
        coverage_kind=CoverageKind.TERRITORIES, coverage_territories__in=territory_ids
    ).distinct()
    for fiche in fiches:
        fiche.refresh_covered_communes()


@receiver(page_published, sender=TerritoirePage)
def refresh_fiches_of_territory(sender, instance, **kwargs):
    transaction.on_commit(lambda: _refresh_fiches_covering([instance.pk]))


@receiver(pre_save, sender=DepartementPage)
def note_departement_code_change(sender, instance, **kwargs):
    if instance.pk is not None:
        stored = DepartementPage.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
        instance._code_changed = stored is not None and stored != instance.code


@receiver(page_published, sender=DepartementPage)
def refresh_territories_of_departement(sender, instance, **kwargs):
    """The département's code says which communes of its territories' EPCI they cover: the
    fiches of those territories, and the search rows listing them, follow a change of it (and
    only a change: editing the page's introduction recomputes nothing)."""
    if not getattr(instance, "_code_changed", False):
        return
    territory_ids = list(TerritoirePage.objects.child_of(instance).values_list("pk", flat=True))

    def refresh():
        _refresh_fiches_covering(territory_ids)
        for territory_id in territory_ids:
            search_rows.refresh_territory(territory_id)

    if territory_ids:
        transaction.on_commit(refresh)


@receiver(post_save)
@receiver(post_delete)
def forget_results_of_pages(sender, instance, **kwargs):
    # Any page: fiches, their places (structures), the territories they cover; publishing and
    # unpublishing save the page. Saving a subclass sends the signal with the subclass as
    # sender, hence no sender here.
    if isinstance(instance, Page):
        forget_results()


@receiver(post_page_move)
def forget_results_of_moves(sender, **kwargs):
    forget_results()  # a move rewrites paths with queryset updates: no post_save


@receiver(post_save)
def forget_results_of_site_settings(sender, instance, **kwargs):
    # The handouts print the site's settings (FICHES_HANDOUT_BRANDING): any site setting saved.
    if isinstance(instance, BaseSiteSetting):
        forget_results()


@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
@receiver(post_save, sender=Public)
@receiver(post_delete, sender=Public)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=Synonym)  # what a search looks for (fiches.query)
@receiver(post_delete, sender=Synonym)
def forget_results_of_taxonomy(sender, **kwargs):
    forget_results()


# --- The search table ---------------------------------------------------------------------
# A fiche's own saves refresh its row (FichePage.save); these cover the other ways it changes.


def _fiches_of(instance):
    """Ids of the live fiches whose row copies something of `instance`."""
    if isinstance(instance, Page):
        if instance.specific_class is FichePage:
            return [instance.pk]  # saved as a plain Page, e.g. by PageQuerySet.unpublish()
        if instance.specific_class is StructurePage:
            named = FichePlace.objects.filter(structure_id=instance.pk).values_list("fiche_id", flat=True)
            # A place the fiches of its kind take in their zone (or did, before a move):
            # rewriting a few rows too many is harmless.
            kind = getattr(instance, "kind", None) or instance.specific_deferred.kind
            by_kind = FichePage.objects.with_place_kind(kind).values_list("pk", flat=True) if kind else []
            return [*named, *by_kind]
        return []
    if isinstance(instance, Theme):
        themes = [instance.pk, *Theme.objects.filter(parent_id=instance.pk).values_list("pk", flat=True)]
        return FichePage.themes.through.objects.filter(theme_id__in=themes).values_list(
            "fichepage_id", flat=True
        )
    if isinstance(instance, Public):
        return FichePage.publics.through.objects.filter(public_id=instance.pk).values_list(
            "fichepage_id", flat=True
        )
    if isinstance(instance, Tag):
        return FicheKeyword.objects.filter(tag_id=instance.pk).values_list("content_object_id", flat=True)
    return []


@receiver(post_save)
@receiver(page_published)  # after the page's child rows (a structure's opening hours) are written
def refresh_search_rows(sender, instance, raw=False, **kwargs):
    if not raw and search_rows.enabled() and not isinstance(instance, FichePage):
        search_rows.refresh_now_and_after_commit(_fiches_of(instance))


@receiver(pre_delete)
def note_search_rows(sender, instance, **kwargs):
    # The links go with the deleted object: which fiches had it is read before.
    if search_rows.enabled() and not isinstance(instance, FichePage):
        instance._search_rows_to_refresh = list(_fiches_of(instance))


@receiver(post_delete)
def refresh_search_rows_after_delete(sender, instance, **kwargs):
    search_rows.refresh_now_and_after_commit(getattr(instance, "_search_rows_to_refresh", []))


@receiver(post_delete, sender=FichePage)
def forget_search_row(sender, instance, **kwargs):
    search_rows.refresh([instance.pk])  # a fiche no longer there: its row goes


@receiver(page_published, sender=TerritoirePage)
@receiver(page_unpublished, sender=TerritoirePage)
@receiver(post_delete, sender=TerritoirePage)
def refresh_search_rows_of_territory(sender, instance, **kwargs):
    # Its communes are written with the published page: read now and again after the commit.
    if search_rows.enabled():
        now_and_after_commit(lambda: search_rows.refresh_territory(instance.pk))


# --- View restrictions ------------------------------------------------------------------------
# Restricted pages are in no derived data (territories.models.VisiblePageQuerySet): a restriction
# added, changed or removed, or a page moved in or out of a restricted section, changes what
# every search, listing, fiche page (its places, its carriers) and handout shows.


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def follow_view_restriction(sender, instance, **kwargs):
    forget_results()
    if search_rows.enabled():
        page_id = instance.page_id
        now_and_after_commit(lambda: search_rows.refresh_subtree(page_id))


@receiver(post_page_move)
def refresh_search_rows_of_moved_pages(sender, instance, **kwargs):
    if PageViewRestriction.objects.exists():
        if search_rows.enabled():
            page_id = instance.pk
            now_and_after_commit(lambda: search_rows.refresh_subtree(page_id))


@receiver(pre_delete, sender=StructurePage)
def record_the_place_removed_in_each_fiche(sender, instance, **kwargs):
    """A deleted structure disappears from the fiches that named it (their rows cascade): each
    fiche's history says so, with the structure's name."""
    from wagtail.log_actions import log

    from .wagtail_hooks import PLACE_REMOVED_ACTION

    for fiche in FichePage.objects.using_structure(instance):
        log(instance=fiche, action=PLACE_REMOVED_ACTION, data={"structure": instance.title})
