"""Keep the derived coverage of fiches right when a territory's composition changes."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from territories.models import TerritoirePage

from .models import CoverageKind, FichePage


@receiver(page_published, sender=TerritoirePage)
def refresh_fiches_of_territory(sender, instance, **kwargs):
    def refresh():
        fiches = FichePage.objects.filter(
            coverage_kind=CoverageKind.TERRITORIES, coverage_territories=instance
        )
        for fiche in fiches:
            fiche.refresh_covered_communes()

    transaction.on_commit(refresh)
