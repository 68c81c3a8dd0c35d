from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fiches.models import CoverageKind, FichePage


class Command(BaseCommand):
    help = _(
        "Recalcule les communes couvertes par chaque fiche (territoires, EPCI, communes) à partir "
        "de sa zone, par exemple après un changement des règles de couverture ou un import en masse."
    )

    def handle(self, *args, **options):
        fiches = FichePage.objects.exclude(coverage_kind=CoverageKind.DEPARTEMENT).order_by("pk")
        count = 0
        for fiche in fiches.iterator(chunk_size=500):
            fiche.refresh_covered_communes()  # also rewrites its search rows
            count += 1
        message = ngettext(
            "Communes couvertes recalculées pour %(n)d fiche.",
            "Communes couvertes recalculées pour %(n)d fiches.",
            count,
        )
        self.stdout.write(message % {"n": count})
