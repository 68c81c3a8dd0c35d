"""Freshness: "toujours exact" in one click, reminders to owners, the moderators' digest.

Stale content is flagged and reminded, never unpublished (DORA's monthly reminder and one-click
confirmation; Soliguide had to switch its automatic unpublishing off).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from fiches.models import FichePage
from territories.links import public_url
from territories.models import StructurePage, add_months

from .models import DigestLog, ErrorReport, ReviewReminder
from .roles import Role

VERIFIED_ACTION = "reperes.verified"


def admin_url(path):
    return public_url(path)


def verify_url(page):
    return admin_url(reverse("moderation_verify", args=[page.pk]))


def edit_url(page):
    return admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))


@transaction.atomic
def confirm_still_accurate(page, user, on=None):
    """Record that `page` was checked and is still accurate: its verification date becomes
    `on` (today), in the live row and in its latest revision (so the next edit keeps it),
    and the page history says who confirmed it. No new revision, no workflow."""
    on = on or timezone.localdate()
    page = page.specific
    type(page).objects.filter(pk=page.pk).update(last_verified=on)
    page.last_verified = on
    revision = page.latest_revision
    if revision is not None and "last_verified" in revision.content:
        content = revision.content
        content["last_verified"] = on.isoformat()
        revision.content = content
        revision.save(update_fields=["content"])
    log(instance=page, action=VERIFIED_ACTION, user=user, data={"date": on.isoformat()})
    return page


def due_items(on=None):
    """Live fiches and structures past their review date, most overdue first."""
    on = on or timezone.localdate()
    items = [
        *FichePage.objects.live().due_for_review(on).prefetch_related("owners"),
        *StructurePage.objects.live().due_for_review(on).prefetch_related("owners"),
    ]
    return sorted(items, key=lambda p: (p.review_due_on(), p.title))


# --- Owner reminders --------------------------------------------------------------------------


@dataclass
class ReminderRun:
    messages: int = 0
    items: int = 0
    skipped: int = 0
    without_owner: list = field(default_factory=list)


def send_owner_reminders(on=None):
    """One e-mail per owner listing their items due or overdue on `on`. An item already
    reminded to that owner within its review interval is left out; running twice a day sends
    nothing the second time."""
    on = on or timezone.localdate()
    run = ReminderRun()
    by_owner = {}
    for page in due_items(on):
        owners = [u for u in page.owners.all() if u.is_active and u.email]
        if not owners:
            run.without_owner.append(page)
        for user in owners:
            since = add_months(on, -page.review_interval)
            if ReviewReminder.objects.filter(page=page, user=user, sent_on__gt=since).exists():
                run.skipped += 1
                continue
            by_owner.setdefault(user, []).append(page)
    for user, pages in sorted(by_owner.items(), key=lambda item: item[0].pk):
        body = render_to_string(
            "moderation/emails/review_reminder.txt",
            {
                "user": user,
                "items": [
                    (p, p._meta.verbose_name, p.review_due_on(), verify_url(p), edit_url(p)) for p in pages
                ],
                "on": on,
            },
        )
        subject = _("[Repères] %(n)d fiche(s) ou structure(s) à vérifier") % {"n": len(pages)}
        # The reminder is recorded and its message queued in the outbox together, or neither.
        with transaction.atomic():
            ReviewReminder.objects.bulk_create(
                [ReviewReminder(page=p, user=user, due_on=p.review_due_on(), sent_on=on) for p in pages]
            )
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
        run.messages += 1
        run.items += len(pages)
    return run


# --- Moderators' weekly digest -------------------------------------------------------------


def moderators():
    return (
        get_user_model().objects.filter(groups__name=str(Role.MODERATORS), is_active=True).exclude(email="")
    )


def owners_without_active_account():
    """Live fiches and structures whose every owner is deactivated, or which have none."""
    pages = []
    for model in (FichePage, StructurePage):
        for page in model.objects.live().prefetch_related("owners").order_by("title"):
            if not any(u.is_active for u in page.owners.all()):
                pages.append(page)
    return pages


def send_moderator_digest(on=None, force=False):
    """The weekly digest (overdue items, pages without an active owner, open reports), once
    per ISO week, on the weekday MODERATION_DIGEST_WEEKDAY (0 = Monday). Returns the number of
    recipients, or None when nothing was due."""
    on = on or timezone.localdate()
    weekday = getattr(settings, "MODERATION_DIGEST_WEEKDAY", 0)
    year, week, _day = on.isocalendar()
    key = f"{year}-W{week:02d}"
    if not force and (on.weekday() != weekday or DigestLog.objects.filter(week=key).exists()):
        return None
    recipients = sorted({u.email for u in moderators()})
    overdue = due_items(on)
    context = {
        "on": on,
        "overdue": [(p, p.review_due_on(), p.days_overdue(on), edit_url(p)) for p in overdue],
        "orphans": [(p, edit_url(p)) for p in owners_without_active_account()],
        "open_reports": ErrorReport.objects.open().order_by("created_at"),
        "report_page": admin_url(reverse("moderation_to_verify")),
        "week_start": on - timedelta(days=on.weekday()),
    }
    body = render_to_string("moderation/emails/moderator_digest.txt", context)
    # The week is recorded and its digest queued in the outbox together, or neither.
    with transaction.atomic():
        DigestLog.objects.update_or_create(week=key, defaults={"sent_on": on, "recipients": len(recipients)})
        if recipients:
            EmailMessage(
                _("[Repères] Synthèse de la semaine du %(date)s")
                % {"date": context["week_start"].strftime("%d/%m/%Y")},
                body,
                settings.DEFAULT_FROM_EMAIL,
                bcc=recipients,
            ).send()
    return len(recipients)
