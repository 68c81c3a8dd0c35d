from django.conf import settings
from django.core.management.base import BaseCommand

from moderation.models import ErrorReport


class Command(BaseCommand):
    help = (
        "Efface le nom et le courriel des auteurs de signalements clos depuis plus de "
        "MODERATION_REPORTER_DATA_DAYS jours. Peut être lancée chaque jour sans risque."
    )

    def handle(self, *args, **options):
        reports = list(ErrorReport.objects.personal_data_expired())
        for report in reports:
            report.erase_personal_data()
        self.stdout.write(
            f"Données personnelles effacées sur {len(reports)} signalement(s) "
            f"(clos depuis plus de {settings.MODERATION_REPORTER_DATA_DAYS} jours)."
        )
