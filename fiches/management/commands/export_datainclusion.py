import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from fiches import datainclusion


class Command(BaseCommand):
    help = "Exporte structures et services au format data·inclusion v1 (JSON et CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=".", help="Dossier de sortie.")
        parser.add_argument(
            "--base-url", default=settings.WAGTAILADMIN_BASE_URL, help="Adresse publique du site."
        )
        parser.add_argument("--quality", action="store_true", help="Affiche les critères de qualité.")

    def handle(self, *args, **options):
        out = Path(options["output_dir"])
        out.mkdir(parents=True, exist_ok=True)
        data = datainclusion.export_all(options["base_url"].rstrip("/"))
        for kind, records in data.items():
            (out / f"{kind}.json").write_text(
                json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            keys, rows = datainclusion.to_csv_rows(records)
            with open(out / f"{kind}.csv", "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=keys)
                writer.writeheader()
                writer.writerows(rows)
            errors = datainclusion.validate(records, kind.rstrip("s"))
            self.stdout.write(
                f"{kind} : {len(records)} lignes, {len(errors)} erreur(s) de schéma → {out}/{kind}.json, .csv"
            )
        if options["quality"]:
            for name, share in datainclusion.quality(data["services"]).items():
                self.stdout.write(f"qualité {name} : {share:.0%}")
