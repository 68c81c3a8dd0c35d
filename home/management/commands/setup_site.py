from django.core.management.base import BaseCommand

from home.site_setup import ensure_site_tree


class Command(BaseCommand):
    help = "Crée l’arborescence du site (accueil, fiches, structures, département) si elle manque."

    def handle(self, *args, **options):
        pages = ensure_site_tree()
        for name, page in pages.items():
            self.stdout.write(f"{name}: {page.title} ({page.url_path})")
