from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import CLOSED_STATUSES, OPEN_STATUSES, ErrorReport, ReportEvent
from .notifications import notify_new_report, notify_report_closed


@receiver(post_save, sender=ErrorReport)
def report_received(sender, instance, created, **kwargs):
    if created:
        transaction.on_commit(lambda: notify_new_report(instance.pk))


@receiver(post_save, sender=ReportEvent)
def report_closed(sender, instance, created, **kwargs):
    if created and instance.from_status in OPEN_STATUSES and instance.to_status in CLOSED_STATUSES:
        transaction.on_commit(lambda: notify_report_closed(instance.report_id))
