from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.admin.mail import (
    GroupApprovalTaskStateSubmissionEmailNotifier,
    WorkflowStateApprovalEmailNotifier,
    WorkflowStateRejectionEmailNotifier,
    WorkflowStateSubmissionEmailNotifier,
)
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from .models import CLOSED_STATUSES, OPEN_STATUSES, ErrorReport, ReportEvent, owners_of
from .notifications import notify_new_report, notify_report_closed


@receiver(post_save, sender=ErrorReport)
def report_received(sender, instance, created, **kwargs):
    if created:
        transaction.on_commit(lambda: notify_new_report(instance.pk))


@receiver(post_save, sender=ReportEvent)
def report_closed(sender, instance, created, **kwargs):
    if created and instance.from_status in OPEN_STATUSES and instance.to_status in CLOSED_STATUSES:
        transaction.on_commit(lambda: notify_report_closed(instance.report_id))


# --- Workflow notifications ---------------------------------------------------------------
# Wagtail's own notifiers (French templates, user notification preferences) are kept, but
# sent once the transaction has committed, and approvals and requests for changes also reach
# the page's owners, not only the person who submitted.


class OwnersAlsoNotified:
    def get_valid_recipients(self, instance, **kwargs):
        recipients = super().get_valid_recipients(instance, **kwargs)
        owners = {u for u in owners_of(instance.page) if u.email and u.is_active}
        return set(recipients) | owners


class ApprovalNotifier(OwnersAlsoNotified, WorkflowStateApprovalEmailNotifier):
    pass


class RejectionNotifier(OwnersAlsoNotified, WorkflowStateRejectionEmailNotifier):
    pass


def _on_commit(notifier):
    def handler(sender, instance=None, **kwargs):
        transaction.on_commit(lambda: notifier(instance=instance, **kwargs))

    return handler


WORKFLOW_HANDLERS = [
    (
        task_submitted,
        TaskState,
        "group_approval_task_submitted_email_notification",
        GroupApprovalTaskStateSubmissionEmailNotifier(),
    ),
    (
        workflow_submitted,
        WorkflowState,
        "workflow_state_submitted_email_notification",
        WorkflowStateSubmissionEmailNotifier(),
    ),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification", RejectionNotifier()),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification", ApprovalNotifier()),
]


def register_workflow_notifications():
    for signal, sender, uid, notifier in WORKFLOW_HANDLERS:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(_on_commit(notifier), sender=sender, dispatch_uid=f"reperes-{uid}", weak=False)
