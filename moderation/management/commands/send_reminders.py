from datetime import date

from django.core.management.base import BaseCommand, CommandError

from moderation.freshness import send_moderator_digest, send_owner_reminders


class Command(BaseCommand):
    help = (
        "Rappels de vérification aux responsables (un courriel chacun, jamais deux fois le même "
        "rappel dans l’intervalle de vérification) et, le jour prévu, la synthèse hebdomadaire "
        "des modérateurs. À lancer chaque jour ; peut être relancée sans rien renvoyer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour de référence AAAA-MM-JJ (par défaut : aujourd’hui).")
        parser.add_argument(
            "--digest", action="store_true", help="Envoyer la synthèse même hors du jour prévu."
        )

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"Date invalide : {options['date']} (attendu AAAA-MM-JJ).") from error
        run = send_owner_reminders(on)
        self.stdout.write(
            f"Rappels : {run.messages} courriel(s), {run.items} élément(s) ; "
            f"{run.skipped} déjà rappelé(s) ; {len(run.without_owner)} sans responsable actif."
        )
        sent = send_moderator_digest(on, force=options["digest"])
        if sent is not None:
            self.stdout.write(f"Synthèse hebdomadaire envoyée à {sent} modérateur(s).")
