import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from fiches import datainclusion


class Command(BaseCommand):
    help = (
        "Importe des structures et services data·inclusion v1 (JSON). Mise à jour idempotente "
        "par (source, id) ; les lignes invalides sont rejetées avec leur motif dans le rapport ; "
        "un fichier illisible n’importe rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--structures", help="Fichier JSON des structures.")
        parser.add_argument("--services", help="Fichier JSON des services.")
        parser.add_argument(
            "--report", default="rapport-import.csv", help="Rapport des lignes rejetées (CSV)."
        )

    def progress(self, label):
        def show(done, total):
            if sys.stderr.isatty() or done == total:
                width = 30
                filled = int(width * done / max(total, 1))
                sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

        return show

    def handle(self, *args, **options):
        if not options["structures"] and not options["services"]:
            raise CommandError("Indiquez --structures et/ou --services.")
        rejected = []
        try:
            for kind, importer in (
                ("structures", datainclusion.import_structures),
                ("services", datainclusion.import_services),
            ):
                if not options[kind]:
                    continue
                records = datainclusion.load_records(options[kind])
                result = importer(records, progress=self.progress(kind), file_label=options[kind])
                rejected += result.rejected
                self.stdout.write(
                    f"{kind} : {result.created} créé(s), {result.updated} mis à jour, {len(result.rejected)} rejeté(s)."
                )
        except datainclusion.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            with open(options["report"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["fichier", "ligne", "id", "motif"])
                for file_label, index, record_id, reason in rejected:
                    writer.writerow([file_label, index + 1, record_id or "", reason])
        self.stdout.write(f"Rapport : {options['report']} ({len(rejected)} ligne(s) rejetée(s)).")
