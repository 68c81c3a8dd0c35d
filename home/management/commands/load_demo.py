from django.core.management.base import BaseCommand, CommandError

from home.demo import DemoNotAllowed, load_demo


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration (territoires illustratifs, France services, "
        "structures, fiches, un compte par rôle). Peut être relancée sans rien dupliquer."
    )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        try:
            report = load_demo(progress=self._progress)
        except DemoNotAllowed as exc:
            raise CommandError(str(exc)) from exc
        created = ", ".join(f"{k} : {v}" for k, v in report.created.items() if v) or "rien"
        self.stdout.write(f"Créé : {created}.")
        for fs_id, name, day, text in report.unparsed_hours:
            self.stdout.write(
                self.style.WARNING(f"Horaires non lus — France services {fs_id} ({name}), {day} : « {text} »")
            )
        self.stdout.write("Comptes de démonstration (rôle, identifiant, mot de passe) :")
        for role, username, password in report.accounts:
            self.stdout.write(f"  {role:<24} {username:<12} {password}")

    def _progress(self, message):
        if self.verbosity == 0:
            return
        self.stdout.write(message)
        self.stdout.flush()
