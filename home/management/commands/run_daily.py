from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from home.jobs import advisory_lock, daily_jobs


class Command(BaseCommand):
    help = (
        "Lance chaque tâche quotidienne dans l’ordre (synchronisation data·inclusion si "
        "REPERES_DATAINCLUSION_API_URL est défini, rappels, effacement des données des auteurs "
        "de signalements, purge du journal des envois, file des courriels), chacune sous un "
        "verrou PostgreSQL : une tâche déjà en cours sur un autre serveur est passée."
    )

    def handle(self, *args, **options):
        failed = []
        for name, command, arguments in daily_jobs():
            with advisory_lock(name) as held:
                if not held:
                    self.stdout.write(f"{name} : déjà en cours ailleurs, passée.")
                    continue
                self.stdout.write(f"{name} :")
                try:
                    call_command(command, *arguments, stdout=self.stdout, stderr=self.stderr)
                except Exception as error:  # the next jobs still run; the run fails at the end
                    self.stderr.write(f"{name} : échec : {error}")
                    failed.append(name)
        if failed:
            raise CommandError(f"Tâches en échec : {', '.join(failed)}.")
