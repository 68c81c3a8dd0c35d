from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fiches.models import Orientation
from fiches.orientation.notifications import notify_structure


class Command(BaseCommand):
    help = (
        "Relance les lieux qui n’ont pas répondu à une orientation depuis "
        "FICHES_ORIENTATION_REMINDER_DAYS jours (une relance par orientation). Peut être lancée "
        "chaque jour sans risque."
    )

    def handle(self, *args, **options):
        count = 0
        for orientation in Orientation.objects.due_for_reminder():
            with transaction.atomic():
                # The reminder is queued in the outbox with the mark that it was sent: both or neither.
                orientation.reminded_at = timezone.now()
                orientation.save(update_fields=["reminded_at"])
                notify_structure(orientation.pk, reminder=True)
            count += 1
        self.stdout.write(
            f"{count} relance(s) d’orientation sans réponse depuis "
            f"{settings.FICHES_ORIENTATION_REMINDER_DAYS} jours."
        )
