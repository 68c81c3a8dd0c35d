from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _

from fiches import search_rows


class Command(BaseCommand):
    help = _(
        "Réécrit la table de recherche des fiches (PostgreSQL) à partir des fiches en ligne, "
        "par exemple après un import en masse fait sans signaux."
    )

    def handle(self, *args, **options):
        if not search_rows.enabled():
            self.stdout.write(
                _("Base %(vendor)s : pas de table de recherche, rien à faire.")
                % {"vendor": connection.vendor}
            )
            return
        count = search_rows.rebuild()
        self.stdout.write(_("Table de recherche réécrite : %(n)d fiches en ligne.") % {"n": count})
