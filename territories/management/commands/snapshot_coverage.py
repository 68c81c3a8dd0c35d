from django.core.management.base import BaseCommand

from territories.coverage import take_snapshot


class Command(BaseCommand):
    help = (
        "Enregistre la mesure du mois de la couverture territoriale du premier accueil, si le mois "
        "n’en a pas encore (lancée chaque jour par run_daily : la première exécution du mois la prend)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remplacer", action="store_true", help="Mesurer de nouveau le mois en cours.")

    def handle(self, *args, **options):
        snapshot, created = take_snapshot(replace=options["remplacer"])
        state = "enregistrée" if created else "déjà enregistrée"
        self.stdout.write(
            f"Couverture de {snapshot.month:%m/%Y} {state} : {snapshot.share_percent:.1f} % "
            f"de la population à moins de {snapshot.minutes} minutes ({snapshot.places} lieux)."
        )
