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

# E-mails are queued in the outbox (moderation/outbox.py), a table: queued with the change that
# causes them, they are committed with it or not at all, and sent later by `manage.py send_mail`.


@receiver(post_save, sender=ErrorReport)
def report_received(sender, instance, created, **kwargs):
    if created:
        notify_new_report(instance.pk)


@receiver(post_save, sender=ReportEvent)
def report_closed(sender, instance, created, **kwargs):
    # On commit: the message tells the report's final status and resolution, saved after the event.
    if created and instance.from_status in OPEN_STATUSES and instance.to_status in CLOSED_STATUSES:
        transaction.on_commit(lambda: notify_report_closed(instance.report_id))


# --- Workflow notifications ---------------------------------------------------------------
# Wagtail's own notifiers (French templates, user notification preferences) are kept, and
# approvals and requests for changes also reach the page's owners, not only the person who
# submitted. Their messages go to the outbox within the workflow action's transaction: a change
# rolled back sends nothing; Wagtail's notifiers skip, and only log, a mail server that fails,
# which the outbox turns into a later retry.


class OwnersAlsoNotified:
    def get_valid_recipients(self, instance, **kwargs):
        recipients = super().get_valid_recipients(instance, **kwargs)
        owners = {u for u in owners_of(instance.page) if u.email and u.is_active}
        return set(recipients) | owners


class ApprovalNotifier(OwnersAlsoNotified, WorkflowStateApprovalEmailNotifier):
    pass


class RejectionNotifier(OwnersAlsoNotified, WorkflowStateRejectionEmailNotifier):
    pass


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
        # Under Wagtail's own dispatch_uid: whichever app is ready first, Wagtail's notifier and
        # ours are never both connected (Django ignores a second receiver with the same uid), so
        # each notification is sent once.
        signal.connect(notifier, sender=sender, dispatch_uid=uid, weak=False)


# --- Owners create their pages under every fiches or structures index ----------------------


def register_owner_grants():
    from .roles import grant_owners_on_new_parent, owned_page_parent_models

    def grant(sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            grant_owners_on_new_parent(instance)

    for model in owned_page_parent_models():
        post_save.connect(grant, sender=model, weak=False, dispatch_uid=f"owners-grant-{model._meta.label}")
