"""Benchmark of `import_datainclusion` on a realistic synthetic feed.

    make bench                                    # part of the benchmarks
    python bench/datainclusion.py                 # alone (BENCH_IMPORT_SIZE=25000 services)
    BENCH_DATABASE=postgres python bench/datainclusion.py

Builds a fresh database (SQLite file bench/.data/import.sqlite3, or the PostgreSQL database
reperes_bench_import), installs the reference data, taxonomy and page tree, then writes a
data·inclusion v1 feed of BENCH_IMPORT_SIZE services and one structure per ten services, placed
in the real communes of the département (their names, postal codes, centres, EPCI), with the
thematiques, publics and zones of real feeds (the commune, its EPCI, the département, the
region's départements), and times the command on it. Prints:

    bench import_datainclusion <size> seconds=<s>
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def database_url():
    if os.environ.get("BENCH_DATABASE", "sqlite") == "postgres":
        host, user = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGUSER", "postgres")
        psql = ["psql", "-h", host, "-U", user, "-d", "postgres", "-qc"]
        subprocess.run([*psql, "DROP DATABASE IF EXISTS reperes_bench_import"], check=True)
        subprocess.run([*psql, "CREATE DATABASE reperes_bench_import"], check=True)
        return f"postgres://{user}@{host}:5432/reperes_bench_import"
    path = ROOT / "bench" / ".data" / "import.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def feed(size, seed=21):
    """(structures, services): a département's feed as data·inclusion serves it."""
    from django.conf import settings

    from fiches.datainclusion import schemas
    from territories.models import Commune

    rng = random.Random(seed)
    service_schema = schemas()["service"]["$defs"]
    thematiques = service_schema["Thematique"]["enum"]
    publics = [p for p in service_schema["Public"]["enum"] if p != "tous-publics"]
    communes = list(Commune.objects.of_departement().select_related("epci").order_by("insee_code"))
    departement = settings.REPERES_DEPARTEMENT["code"]
    structures = []
    for n in range(max(1, size // 10)):
        commune = rng.choice(communes)
        record = {
            "source": "dora",
            "id": f"dora--s{n}",
            "nom": f"Structure d’accompagnement {n} de {commune.name}",
            "date_maj": "2026-09-01",
            "adresse": f"{rng.randint(1, 80)} rue de la République",
            "code_postal": commune.postal_code_list[0] if commune.postal_codes else "",
            "commune": commune.name,
            "code_insee": commune.insee_code if n % 5 else "",  # some feeds give no INSEE code
            "latitude": commune.latitude,
            "longitude": commune.longitude,
            "telephone": f"03 85 {n % 100:02d} {n // 100 % 100:02d} 00",
            "courriel": "",
            "horaires_accueil": "Mo-Fr 09:00-12:00,14:00-17:00",
            "reseaux_porteurs": [rng.choice(["ccas-cias", "france-service", "mission-locale", "caf"])],
        }
        if (
            not record["code_insee"]
            and Commune.objects.of_departement().filter(search_name=commune.search_name).count() > 1
        ):
            record["code_insee"] = commune.insee_code
        structures.append((record, commune))
    services = []
    for n in range(size):
        record, commune = structures[n % len(structures)]
        zone = rng.choice(
            [
                [commune.insee_code],
                [commune.epci.siren] if commune.epci_id else [departement],
                [departement],
                ["21", "25", "39", "58", "70", departement, "89", "90"],
                None,
            ]
        )
        services.append(
            {
                "source": "dora",
                "id": f"dora--v{n}",
                "structure_id": record["id"],
                "nom": f"Service {n} : accompagnement social",
                "description": "Accueil, information et accompagnement dans les démarches du quotidien. " * 3,
                "date_maj": "2026-09-02",
                "type": rng.choice(["accompagnement", "information", "atelier"]),
                "thematiques": rng.sample(thematiques, 2),
                "publics": rng.sample(publics, 2) if n % 3 else ["tous-publics"],
                "zone_eligibilite": zone,
                "modes_accueil": ["en-presentiel"],
                "modes_mobilisation": ["se-presenter", "telephoner"],
                "mobilisable_par": ["usagers", "professionnels"],
                "frais": "gratuit",
                "telephone": "",
            }
        )
    return [r for r, _c in structures], services


def main():
    size = int(os.environ.get("BENCH_IMPORT_SIZE", "25000"))
    os.environ["DATABASE_URL"] = database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.bench"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("install_reperes", verbosity=0)
    call_command("setup_site", verbosity=0)
    structures, services = feed(size)
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for kind, records in (("structures", structures), ("services", services)):
            paths[kind] = Path(folder) / f"{kind}.json"
            paths[kind].write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        start = time.perf_counter()
        call_command(
            "import_datainclusion",
            structures=str(paths["structures"]),
            services=str(paths["services"]),
            report=str(Path(folder) / "rapport.csv"),
        )
        seconds = time.perf_counter() - start
    print(f"bench import_datainclusion {size} seconds={seconds:.0f}", flush=True)


if __name__ == "__main__":
    main()
