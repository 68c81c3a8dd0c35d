"""Server-time benchmark of search and navigation at 1,000, 10,000 and 100,000 fiches.

    make bench                                 # SQLite files under bench/.data/
    BENCH_DATABASE=postgres make bench         # PostgreSQL databases reperes_bench_<size>
    BENCH_SIZES=1000,10000 make bench          # fewer sizes

Each size has its own database, kept between runs: the first run builds it (migrations,
reference data, taxonomy, then the synthetic set of bench/synthetic.py with bulk inserts), later
runs only measure. Prints one line per page and size:

    bench <name> <size> p50_ms=<x> p95_ms=<y> p50_ratio=<x/ref> p95_ratio=<y/ref>

The ratios are to the reference page measured in the same run: a `home.StandardPage` with one
paragraph, served by the same stack (`reference_page`). Then one line per target of the project
(`target …  ok` or `MISSED`): at 10,000 fiches the fiche page's p50 within 2.5× the reference's,
the first ask of a search with a commune and two facets within 12× its p95, and every figure at
100,000 fiches within 2× of its figure at 10,000.

Times are taken around the Django test client's request, in this process, with no network:
the server-side cost of a page (routing, queries, templates). PostgreSQL is reached with
PGHOST (default 127.0.0.1) and PGUSER (default postgres); the cache is Redis as in production
(BENCH_REDIS_URL, default database 15, emptied first) when it answers, else in memory.

Searches and listings keep what they find in the cache for a while (fiches/result_cache.py),
so the figures above are those of a query asked again. The same pages are also measured with
that cache turned off, the cost for the first agent to ask, as lines named `<name>_uncached`.

The sizes are measured in turns (BENCH_PASSES, default 4: 10k, 100k, 100k, 10k, 10k, ...), each
pass taking its share of the BENCH_ROUNDS requests per page, and each figure is computed over
all the passes of its size: on a shared machine whose pace changes during a run, a slow spell
then falls on every size alike instead of on whichever size it was measuring, which would
otherwise read as scaling.
"""

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
PASSES = max(1, int(os.environ.get("BENCH_PASSES", "4")))


def database_url(size):
    if os.environ.get("BENCH_DATABASE", "sqlite") == "postgres":
        host = os.environ.get("PGHOST", "127.0.0.1")
        user = os.environ.get("PGUSER", "postgres")
        name = f"reperes_bench_{size}"
        exists = subprocess.run(
            [
                "psql",
                "-h",
                host,
                "-U",
                user,
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{name}'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(
                ["psql", "-h", host, "-U", user, "-d", "postgres", "-qc", f"CREATE DATABASE {name}"],
                check=True,
            )
        return f"postgres://{user}@{host}:5432/{name}"
    folder = ROOT / "bench" / ".data"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'bench-{size}.sqlite3'}"


def calibration_ms():
    """The time of a fixed pure-Python loop (ten million additions): how fast this machine runs
    Python today, to compare figures taken on different days or machines."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return (time.perf_counter() - start) * 1000


def main():
    print(f"  boucle Python de référence (10⁷ additions) : {calibration_ms():.0f} ms", file=sys.stderr)
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",") if s]
    rounds = math.ceil(ROUNDS / PASSES)
    samples = {size: {} for size in sizes}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(PASSES):
            # ABBA: each size is measured as often early as late in the run.
            for size in sizes if n % 2 == 0 else reversed(sizes):
                out = Path(folder) / f"{size}.json"
                env = {
                    **os.environ,
                    "DATABASE_URL": database_url(size),
                    "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
                }
                command = [
                    sys.executable,
                    __file__,
                    "--size",
                    str(size),
                    "--rounds",
                    str(rounds),
                    "--pass",
                    str(n),
                    "--out",
                    str(out),
                ]
                subprocess.run(command, env=env, check=True)
                for name, values in json.loads(out.read_text()).items():
                    samples[size].setdefault(name, []).extend(values)
    figures = {size: {name: percentiles(values) for name, values in samples[size].items()} for size in sizes}
    for size in sizes:
        ref50, ref95 = figures[size]["reference_page"]
        for name, (p50, p95) in figures[size].items():
            print(
                f"bench {name} {size} p50_ms={p50:.1f} p95_ms={p95:.1f}"
                f" p50_ratio={p50 / ref50:.2f} p95_ratio={p95 / ref95:.2f}",
                flush=True,
            )
    for line in targets(figures):
        print(line, flush=True)


def targets(figures):
    """The project's performance targets, as lines: each figure, its limit, ok or MISSED."""
    lines = []

    def check(label, value, limit):
        lines.append(f"target {label} = {value:.2f} (≤ {limit}) {'ok' if value <= limit else 'MISSED'}")

    if 10000 in figures:
        ten = figures[10000]
        check("fiche_page 10000 p50/reference", ten["fiche_page"][0] / ten["reference_page"][0], 2.5)
        check(
            "text_search_commune_facets_uncached 10000 p95/reference",
            ten["text_search_commune_facets_uncached"][1] / ten["reference_page"][1],
            12,
        )
        if 100000 in figures:
            for name, (p50, p95) in figures[100000].items():
                check(f"{name} p50 100000/10000", p50 / ten[name][0], 2)
                check(f"{name} p95 100000/10000", p95 / ten[name][1], 2)
    return lines


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


# --- One size, in its own process (its own database) -------------------------------------


def reference_page():
    """The page every figure is compared with: a simple page (home.StandardPage) holding one
    paragraph, under the home page, created the first time."""
    from home.models import HomePage, StandardPage

    page = StandardPage.objects.filter(slug="page-de-reference").first()
    if page is None:
        page = StandardPage(
            title="Page de référence",
            slug="page-de-reference",
            body="<p>Une page simple d’un paragraphe, mesurée pour comparer les autres pages.</p>",
        )
        HomePage.objects.get().add_child(instance=page)
        page.save_revision().publish()
    return page


def measure(client, urls, rounds, first):
    """Server times in ms of `rounds` requests, cycling through `urls` from the `first`th (after
    one warm-up each): the passes together go through the list as one run would."""
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} a répondu {response.status_code}")
    samples = []
    for n in range(rounds):
        url = urls[(first + n) % len(urls)]
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} a répondu {response.status_code}")
    return samples


def run_size(size, rounds, number):
    """{page name: server times in ms} for pass `number` over `size`'s database (built first
    if it is missing or smaller)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from fiches.models import FichePage, Public, Theme

    if not FichePage.objects.filter(source="bench").exists():
        from io import StringIO

        call_command("install_reperes", stdout=StringIO())
        call_command("setup_site", stdout=StringIO())

    from bench import synthetic

    started = time.perf_counter()
    if synthetic.existing_size() < size:
        synthetic.build(size, out=lambda line: print(f"  {line}", file=sys.stderr))
        print(f"  jeu de {size} fiches construit en {time.perf_counter() - started:.0f} s", file=sys.stderr)
    synthetic.add_territories(out=lambda line: print(f"  {line}", file=sys.stderr))  # sets built before

    from django.core.cache import cache
    from django.test import Client, override_settings

    from territories.models import Commune

    cache.clear()

    # A browser's user agent, so that each view is counted as a consultation, as in real use.
    client = Client(
        HTTP_HOST="localhost", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Firefox/140.0"
    )
    fiches = list(FichePage.objects.live().filter(source="bench").order_by("pk")[: size : max(1, size // 20)])
    category = Theme.objects.filter(parent=None).order_by("sort_order", "name").first()
    thematique = Theme.objects.filter(fiches__isnull=False, parent__isnull=False).order_by("pk").first()
    public = Public.objects.filter(fiches__isnull=False).order_by("pk").first()
    communes = list(Commune.objects.of_departement().order_by("-population_municipale")[:5])
    pages = {
        "reference_page": [reference_page().url],
        "fiche_page": [f.url for f in fiches],
        "theme_listing": [category.get_absolute_url(), thematique.get_absolute_url()],
        "text_search": [
            "/recherche/?q=logement",
            "/recherche/?q=aide+alimentaire",
            "/recherche/?q=numerique",
        ],
        "text_search_commune_facets": [
            f"/recherche/?q=aide&insee={c.insee_code}&theme={thematique.parent.slug}&public={public.slug}"
            for c in communes
        ],
        "commune_page": [f"/communes/{c.insee_code}/" for c in communes],
    }
    # The machine's pace around this pass: a shared machine may change pace during a run.
    print(f"  {size} : boucle de référence {calibration_ms():.0f} ms avant la passe", file=sys.stderr)
    start = number * rounds
    samples = {name: measure(client, urls, rounds, start) for name, urls in pages.items()}
    with override_settings(FICHES_RESULTS_CACHE_SECONDS=0):
        for name, urls in pages.items():
            if name not in ("fiche_page", "reference_page"):
                samples[f"{name}_uncached"] = measure(client, urls, rounds, start)
    print(f"  {size} : boucle de référence {calibration_ms():.0f} ms après la passe", file=sys.stderr)
    return samples


if __name__ == "__main__":
    if len(sys.argv) == 9 and sys.argv[1::2] == ["--size", "--rounds", "--pass", "--out"]:
        result = run_size(*(int(value) for value in sys.argv[2:7:2]))
        Path(sys.argv[8]).write_text(json.dumps(result))
    else:
        main()
