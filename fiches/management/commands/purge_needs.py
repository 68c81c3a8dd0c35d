from django.conf import settings
from django.core.management.base import BaseCommand

from fiches.models import NeedReport, UnansweredSearch


class Command(BaseCommand):
    help = (
        "Efface les messages « Je n’ai pas trouvé » de plus de FICHES_NEED_REPORT_MONTHS mois et les "
        "compteurs de recherches sans réponse de plus de FICHES_UNANSWERED_SEARCH_MONTHS mois. Peut "
        "être lancée chaque jour sans risque."
    )

    def handle(self, *args, **options):
        reports, _detail = NeedReport.objects.expired().delete()
        searches, _detail = UnansweredSearch.objects.expired().delete()
        self.stdout.write(
            f"{reports} message(s) « Je n’ai pas trouvé » effacé(s) (plus de "
            f"{settings.FICHES_NEED_REPORT_MONTHS} mois), {searches} compteur(s) de recherches sans "
            f"réponse effacé(s) (plus de {settings.FICHES_UNANSWERED_SEARCH_MONTHS} mois)."
        )
