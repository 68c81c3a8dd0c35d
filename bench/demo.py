"""Server-time benchmark of the main pages on the current database (the demo by default).

    make bench-demo       # SQLite demo database (make setup first)
    DATABASE_URL=postgres://… make bench-demo

Prints one line per page: `bench <name> <size> p50_ms=<x> p95_ms=<y>`, where size is the
number of live fiches, then `bench handout cold …` (PDF rendered from scratch) and
`bench handout cached …`. Times are measured around the Django test client's request, in this
process, with no network: the server-side cost of a page. The synthetic 1,000 – 100,000
fiche data sets are measured by bench/run.py (`make bench`).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from fiches.models import FichePage, Theme  # noqa: E402
from territories.models import StructurePage  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def measure(client, url, before_each=None):
    client.get(url)  # warm-up: caches, lazy imports
    samples = []
    for _ in range(ROUNDS):
        if before_each:
            before_each()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main():
    size = FichePage.objects.live().count()
    if not size:
        raise SystemExit("Aucune fiche publiée : lancez d’abord `make setup`.")
    client = Client(HTTP_HOST="localhost")
    fiche = FichePage.objects.live().order_by("pk").first()
    theme = Theme.objects.filter(parent=None, fiches__isnull=True).first() or Theme.objects.first()
    structure = StructurePage.objects.live().order_by("pk").first()
    pages = {
        "home": "/",
        "fiche_page": fiche.url,
        "fiche_page_commune": f"{fiche.url}?commune=71014",
        "theme_listing": theme.get_absolute_url(),
        "text_search": "/recherche/?q=logement",
        "text_search_commune": "/recherche/?q=aide&commune=Autun",
        "structure_page": structure.url,
    }
    for name, url in pages.items():
        p50, p95 = measure(client, url)
        print(f"bench {name} {size} p50_ms={p50:.1f} p95_ms={p95:.1f}")

    # Handouts: a typical fiche personalised for a commune (the link of the fiche page, which
    # carries the INSEE code), rendered from scratch (cache cleared before each request),
    # then served from the cache.
    handout = f"/imprimer/fiche/{fiche.pk}.pdf?insee=71014"
    p50, p95 = measure(client, handout, before_each=cache.clear)
    print(f"bench handout cold p50_ms={p50:.1f} p95_ms={p95:.1f}")
    p50, p95 = measure(client, handout)
    print(f"bench handout cached p50_ms={p50:.1f} p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
