"""Server-time benchmark of the main pages on the current database (the demo by default).

    make bench-demo       # SQLite demo database (make setup first)
    DATABASE_URL=postgres://… make bench-demo

Prints one line per page: `bench <name> <size> p50_ms=<x> p95_ms=<y>`, where size is the
number of live fiches, then `bench handout cold …` (PDF rendered from scratch) and
`bench handout cached …`, then the fiche editor (issue #27, item 10) as each demo role meets
it: `bench fiche_editor <user> fiches=<n> html_kb min/median/max gzip_kb median p50_ms
ratio_to_home_editor`, over every fiche that user may edit. Times are measured around the Django test client's request, in this
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

import gzip  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page  # noqa: E402

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

    for username in ("moderateur", "responsable", "admin"):
        bench_fiche_editor(username)


def bench_fiche_editor(username):
    """The editor's weight on every fiche the user may edit, and its time on the heaviest,
    against Wagtail's editor of the home page (the frame every page editor carries)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    sizes = []
    for fiche in FichePage.objects.order_by("pk"):
        if fiche.permissions_for_user(user).can_edit():
            response = client.get(f"/admin/pages/{fiche.pk}/edit/")
            sizes.append((len(response.content), len(gzip.compress(response.content)), fiche.pk))
    if not sizes:
        return
    sizes.sort()
    median = sizes[len(sizes) // 2]
    heaviest = sizes[-1][2]
    editor_p50, _ = measure(client, f"/admin/pages/{heaviest}/edit/")
    home_editor = Client(HTTP_HOST="localhost")
    home_editor.force_login(get_user_model().objects.filter(is_superuser=True).first())
    home_p50, _ = measure(home_editor, f"/admin/pages/{Page.objects.get(depth=2).pk}/edit/")
    print(
        f"bench fiche_editor {username} fiches={len(sizes)} html_kb min={sizes[0][0] / 1000:.0f} "
        f"median={median[0] / 1000:.0f} max={sizes[-1][0] / 1000:.0f} gzip_kb={median[1] / 1000:.0f} "
        f"p50_ms={editor_p50:.1f} ratio_to_home_editor={editor_p50 / home_p50:.2f}"
    )


if __name__ == "__main__":
    main()
