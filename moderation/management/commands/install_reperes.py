from django.core.management import call_command
from django.core.management.base import BaseCommand

from fiches.synonyms import install_synonyms
from fiches.taxonomy import install_taxonomy
from moderation.roles import install_roles
from territories.models import CoverageSettings


class Command(BaseCommand):
    help = (
        "Installe les réglages par défaut de Repères (référentiel des territoires, thèmes et "
        "publics, synonymes et sigles, rôles) ; peut être relancée sans rien dupliquer."
    )

    def handle(self, *args, **options):
        call_command("import_territories", stdout=self.stdout)
        themes, publics = install_taxonomy()
        self.stdout.write(f"Thèmes créés : {themes} ; publics créés : {publics}.")
        self.stdout.write(f"Synonymes et sigles créés : {install_synonyms()}.")
        groups = install_roles()
        self.stdout.write("Rôles : " + ", ".join(groups))
        # The coverage model's parameters, from TERRITORIES_COVERAGE the first time only.
        CoverageSettings.load()
