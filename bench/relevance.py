"""The relevance suite: the queries of bench/relevance.toml, in the words agents type, asked of
the search page on the demo content, on PostgreSQL and on SQLite.

    make bench-relevance
    BENCH_RELEVANCE_DATABASES=postgres make bench-relevance     # one of them

Each database is its own, created when missing and kept (PostgreSQL `reperes_relevance` on
PGHOST/PGUSER, default 127.0.0.1/postgres; SQLite bench/.data/relevance.sqlite3), with the
demo content (`install_reperes`, `setup_site`, `load_demo`: the first run takes a minute or
two; each run migrates and installs the default synonyms that are missing). Each query is
asked as an agent asks it, `GET /recherche/?q=…` with a new session, and the fiches of the
first page read in their order. Prints, per database, a line naming it, then

    relevance good=<n>/<total> ndcg5=<x>

where a query is good when all its expected fiches are among the first FIRST_RESULTS results
(what a phone shows of the first page without scrolling far), and ndcg5 is the mean
normalised discounted cumulative gain of the first five results (each expected fiche counts
1). The queries that are not good are listed on standard error, with what came first.
"""

import math
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).with_name("relevance.toml")
FIRST_RESULTS = 5
DATABASES = ("postgres", "sqlite")


def database_url(kind):
    if kind == "postgres":
        host = os.environ.get("PGHOST", "127.0.0.1")
        user = os.environ.get("PGUSER", "postgres")
        name = "reperes_relevance"
        psql = ["psql", "-h", host, "-U", user, "-d", "postgres", "-tAc"]
        exists = subprocess.run(
            [*psql, f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return f"postgres://{user}@{host}:5432/{name}"
    folder = ROOT / "bench" / ".data"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'relevance.sqlite3'}"


def main():
    kinds = [k for k in os.environ.get("BENCH_RELEVANCE_DATABASES", ",".join(DATABASES)).split(",") if k]
    for kind in kinds:
        env = {**os.environ, "DATABASE_URL": database_url(kind), "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
        subprocess.run([sys.executable, __file__, "--measure"], env=env, check=True)


def ndcg(found, expected, k=FIRST_RESULTS):
    gains = [1 if slug in expected else 0 for slug in found[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(expected), k)))
    return dcg / ideal if ideal else 0.0


def prepare():
    """The demo content on this process's database (built the first time)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from fiches.models import FichePage
    from fiches.synonyms import install_synonyms

    if not FichePage.objects.filter(is_demo=True).exists():
        print("  contenu de démonstration : installation (une ou deux minutes)…", file=sys.stderr)
        for command in ("install_reperes", "setup_site", "load_demo"):
            call_command(command, verbosity=0, stdout=StringIO())
    install_synonyms()


def measure():
    prepare()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the responses carry their template context
    queries = tomllib.loads(QUERIES.read_text(encoding="utf-8"))["query"]
    good, gains, misses = 0, [], []
    for item in queries:
        client = Client(HTTP_HOST="localhost")  # a new session: no commune remembered
        response = client.get("/recherche/", {"q": item["q"]})
        if response.status_code != 200:
            raise SystemExit(f"« {item['q']} » : réponse {response.status_code}")
        found = [result.fiche.slug for result in response.context["page_obj"].results]
        expected = set(item["expect"])
        if expected <= set(found[:FIRST_RESULTS]):
            good += 1
        else:
            misses.append((item["q"], sorted(expected - set(found[:FIRST_RESULTS])), found[:FIRST_RESULTS]))
        gains.append(ndcg(found, expected))
    name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor)
    for q, missing, first in misses:
        print(f"  manqué « {q} » : attendu {missing}, en tête {first}", file=sys.stderr)
    print(f"{name} ({connection.settings_dict['NAME']}) :", flush=True)
    print(f"relevance good={good}/{len(queries)} ndcg5={sum(gains) / len(gains):.3f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        measure()
    else:
        main()
