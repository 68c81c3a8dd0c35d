"""The editorial workflow and the rules on owned pages (fiches, structures).

- Every change goes through Wagtail's workflow with one task, approved by the moderators group;
  the live version stays online while a change waits.
- What an owner may do with a page is `territories.ownership`'s rule; moderators and
  administrators edit everything.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

WORKFLOW_NAME = "Validation par les modérateurs"
TASK_NAME = "Relecture et validation"


def owned_first(pages, user):
    """Pages the user owns first, then the others, for the explorer and search."""
    from fiches.models import FichePage
    from territories.models import StructurePage

    owned = Exists(FichePage.owners.through.objects.filter(fichepage_id=OuterRef("pk"), user=user)) | Exists(
        StructurePage.owners.through.objects.filter(structurepage_id=OuterRef("pk"), user=user)
    )
    return pages.annotate(owned_by_me=owned).order_by("-owned_by_me", *(pages.query.order_by or ["title"]))


@transaction.atomic
def install_workflow(moderators_group):
    """One workflow with one group approval task, applied to the whole page tree."""
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([moderators_group])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    # WorkflowTask rows directly: the workflow is a ClusterableModel, whose child managers keep
    # new rows in memory until the workflow itself is saved.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = Page.get_first_root_node()
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail's own default workflow ("Moderators approval") is replaced, not deleted.
    Workflow.objects.exclude(pk=workflow.pk).update(active=False)
    return workflow


def add_owner(page, user):
    """Make `user` an owner of `page`, in the page and in its latest revision (so that the next
    edit, which starts from the latest revision, keeps them)."""
    page = page.specific
    if user in page.owners.all():  # works on saved and in-memory (modelcluster) relations
        return
    page.owners.add(user)
    page.owners.commit()
    revision = page.latest_revision
    if revision is not None:
        content = revision.content
        content["owners"] = sorted({*content.get("owners", []), user.pk})
        revision.content = content
        revision.save(update_fields=["content"])
