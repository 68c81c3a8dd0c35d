import csv
import os

from django.core.management.base import BaseCommand, CommandError

from fiches import datainclusion
from fiches.datainclusion import api


class Command(BaseCommand):
    help = (
        "Importe des structures et services data·inclusion v1 (fichiers JSON ou API). Mise à jour "
        "idempotente par (source, id) ; un enregistrement modifié d’une fiche retouchée ici part en "
        "modération ; les enregistrements invalides sont rejetés avec leur motif dans le rapport ; "
        "un fichier illisible n’importe rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--structures", help="Fichier JSON des structures.")
        parser.add_argument("--services", help="Fichier JSON des services.")
        parser.add_argument(
            "--api",
            metavar="URL",
            help="Lit structures et services du département sur l’API data·inclusion à cette adresse "
            "(jeton dans la variable d’environnement DATA_INCLUSION_API_TOKEN). Import complet.",
        )
        parser.add_argument(
            "--complet",
            "--full",
            dest="full",
            action="store_true",
            help="Import complet d’une source : ses pages absentes du fichier sont marquées « à vérifier ».",
        )
        parser.add_argument("--lot", dest="batch_size", type=int, default=datainclusion.BATCH_SIZE)
        parser.add_argument(
            "--report", default="rapport-import.csv", help="Rapport des enregistrements rejetés (CSV)."
        )

    def handle(self, *args, **options):
        if not (options["structures"] or options["services"] or options["api"]):
            raise CommandError("Indiquez --structures et/ou --services, ou --api.")
        rejected, results = [], {}
        try:
            if options["api"]:
                token = os.environ.get("DATA_INCLUSION_API_TOKEN", "")
                structures = api.fetch(options["api"], "structures", token)
                services = api.fetch(options["api"], "services", token)
                labels = ("API structures", "API services")
                options["full"] = True
            else:
                structures = (
                    datainclusion.load_records(options["structures"]) if options["structures"] else []
                )
                services = datainclusion.load_records(options["services"]) if options["services"] else []
                labels = (options["structures"] or "structures", options["services"] or "services")
            results = datainclusion.run_import(
                structures,
                services,
                structures_label=labels[0],
                services_label=labels[1],
                full=options["full"],
                progress=True,
                batch_size=max(1, options["batch_size"]),
            )
        except datainclusion.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for result in results.values():
                rejected += result.rejected
            self.write_report(options["report"], rejected)
        for kind, result in results.items():
            self.stdout.write(result.summary(kind))
            for candidate in result.merge_candidates:
                self.stdout.write(f"Fusion possible — {candidate}")
        for rejection in rejected:
            self.stdout.write(f"Rejeté — {rejection}")
        self.stdout.write(f"Rapport : {options['report']} ({len(rejected)} motif(s) de rejet).")

    def write_report(self, path, rejected):
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["fichier", "position", "id", "champ", "motif"])
            for r in rejected:
                writer.writerow([r.file, r.position, r.id, r.field, r.reason])
