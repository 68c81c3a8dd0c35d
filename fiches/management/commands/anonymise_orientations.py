from django.conf import settings
from django.core.management.base import BaseCommand

from fiches.models import Orientation


class Command(BaseCommand):
    help = (
        "Efface les informations sur la personne des orientations closes depuis plus de "
        "FICHES_ORIENTATION_DATA_DAYS jours. Peut être lancée chaque jour sans risque."
    )

    def handle(self, *args, **options):
        orientations = list(Orientation.objects.personal_data_expired())
        for orientation in orientations:
            orientation.anonymise()
        self.stdout.write(
            f"Données personnelles effacées sur {len(orientations)} orientation(s) "
            f"(closes depuis plus de {settings.FICHES_ORIENTATION_DATA_DAYS} jours)."
        )
