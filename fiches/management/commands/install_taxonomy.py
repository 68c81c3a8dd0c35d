from django.core.management.base import BaseCommand

from fiches.taxonomy import install_taxonomy


class Command(BaseCommand):
    help = "Installe les thèmes et publics du référentiel data·inclusion v1 (idempotent)."

    def handle(self, *args, **options):
        themes, publics = install_taxonomy()
        self.stdout.write(f"Thèmes créés : {themes} ; publics créés : {publics}.")
