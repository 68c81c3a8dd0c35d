"""Keep the derived coverage of fiches right when a territory's composition changes, and the
cached results of searches and listings (fiches.result_cache) from outliving a change."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.models import Page
from wagtail.signals import page_published, post_page_move

from territories.models import TerritoirePage

from .models import CoverageKind, FichePage, Public, Theme
from .result_cache import forget_results


@receiver(page_published, sender=TerritoirePage)
def refresh_fiches_of_territory(sender, instance, **kwargs):
    def refresh():
        fiches = FichePage.objects.filter(
            coverage_kind=CoverageKind.TERRITORIES, coverage_territories=instance
        )
        for fiche in fiches:
            fiche.refresh_covered_communes()

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


@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
@receiver(post_save, sender=Public)
@receiver(post_delete, sender=Public)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def forget_results_of_taxonomy(sender, **kwargs):
    forget_results()
