from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Orientation, orientation_answered
from .notifications import notify_sender, notify_structure


@receiver(post_save, sender=Orientation)
def orientation_sent(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        pk = instance.pk
        transaction.on_commit(lambda: notify_structure(pk))


@receiver(orientation_answered, sender=Orientation)
def orientation_was_answered(sender, orientation, **kwargs):
    notify_sender(orientation)
