from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from territories.importer import data_files, import_territories


class Command(BaseCommand):
    help = "Importe (ou met à jour) les communes et EPCI du département depuis les fichiers officiels."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Dossier des fichiers (défaut : TERRITORIES_DATA_DIR).")
        parser.add_argument(
            "--departement",
            default=settings.REPERES_DEPARTEMENT["code"],
            help="Code du département (défaut : REPERES_DEPARTEMENT).",
        )

    def handle(self, *args, **options):
        files = data_files(options["departement"], options["data_dir"])
        missing = [str(p) for key, p in files.items() if key != "aliases" and not p.exists()]
        if missing:
            raise CommandError("Fichier(s) introuvable(s) : " + ", ".join(missing))
        report = import_territories(files)
        for line in report.lines():
            self.stdout.write(line)
