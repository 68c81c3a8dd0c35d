"""Error reports ("Signaler une erreur"): a tracked inbox that loses nothing.

A report points at the page it is about and at the revision that was live when it was made;
it also keeps a snapshot of the page's title and address, so a report about a page deleted
since is still readable. Every status change is an event with who, when and why.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportCategory(models.TextChoices):
    CONTACT_HOURS = "contact_hours", _("Contact ou horaires erronés")
    ADDRESS = "address", _("Adresse erronée")
    CONDITIONS = "conditions", _("Conditions ou pièces à fournir erronées")
    AREA = "area", _("Zone couverte erronée")
    GONE = "gone", _("Le service n’existe plus")
    OTHER = "other", _("Autre")


class ReportStatus(models.TextChoices):
    NEW = "nouveau", _("Nouveau")
    IN_PROGRESS = "en_cours", _("En cours")
    FIXED = "corrige", _("Corrigé")
    REJECTED = "rejete", _("Rejeté")
    DUPLICATE = "doublon", _("Doublon")


OPEN_STATUSES = [ReportStatus.NEW, ReportStatus.IN_PROGRESS]
CLOSED_STATUSES = [ReportStatus.FIXED, ReportStatus.REJECTED, ReportStatus.DUPLICATE]


def owners_of(page):
    """Users who own a page, for page types that have owners (fiches, structures)."""
    specific = page.specific if page is not None else None
    owners = getattr(specific, "owners", None)
    return list(owners.filter(is_active=True)) if owners is not None else []


class ErrorReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.filter(status__in=CLOSED_STATUSES)

    def for_owner(self, user):
        """Reports about the fiches and structures `user` owns."""
        return self.filter(Q(page__fichepage__owners=user) | Q(page__structurepage__owners=user)).distinct()

    def visible_to(self, user):
        if user.has_perm("moderation.change_errorreport"):
            return self
        return self.for_owner(user)

    def personal_data_expired(self, now=None):
        """Closed reports whose reporter's name or e-mail are past their retention time."""
        now = now or timezone.now()
        days = settings.MODERATION_REPORTER_DATA_DAYS
        return (
            self.closed()
            .filter(closed_at__lte=now - timedelta(days=days))
            .exclude(reporter_name="", reporter_email="")
        )


class ErrorReport(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="error_reports",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("version signalée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_title = models.CharField(_("titre de la page"), max_length=255)
    page_url = models.CharField(_("adresse de la page"), max_length=500, blank=True)

    category = models.CharField(_("catégorie"), max_length=20, choices=ReportCategory.choices)
    description = models.TextField(_("description"), max_length=4000)
    suggestion = models.TextField(_("correction proposée"), max_length=4000, blank=True)
    reporter_name = models.CharField(_("nom"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("courriel"), max_length=254, blank=True)

    status = models.CharField(
        _("statut"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modérateur en charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
    )
    resolution = models.TextField(_("commentaire de résolution"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("données personnelles effacées le"), null=True, blank=True
    )

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.page_title} — {self.get_category_display()}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def age_days(self):
        return (timezone.now() - self.created_at).days

    def change_status(self, status, user=None, comment=""):
        """Move to `status`, recording who did it and why. Returns the event, or None."""
        if status == self.status and not comment:
            return None
        with transaction.atomic():
            event = ReportEvent.objects.create(
                report=self, user=user, from_status=self.status, to_status=status, comment=comment
            )
            was_open = self.is_open
            self.status = status
            if comment:
                self.resolution = comment
            if self.is_open:
                self.closed_at = None
            elif was_open:
                self.closed_at = timezone.now()
            self.save(update_fields=["status", "resolution", "closed_at"])
        return event

    def erase_personal_data(self, now=None):
        self.reporter_name = ""
        self.reporter_email = ""
        self.personal_data_erased_at = now or timezone.now()
        self.save(update_fields=["reporter_name", "reporter_email", "personal_data_erased_at"])


class ReportEvent(models.Model):
    report = models.ForeignKey(ErrorReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("le"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True, on_delete=models.SET_NULL
    )
    from_status = models.CharField(_("de"), max_length=10, choices=ReportStatus.choices)
    to_status = models.CharField(_("à"), max_length=10, choices=ReportStatus.choices)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


# --- Freshness: reminders ------------------------------------------------------------------


class ReviewReminder(models.Model):
    """An owner was reminded that a page is due for review: the same reminder is never sent
    twice within the page's review interval."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("à revérifier le"))
    sent_on = models.DateField(_("envoyé le"), db_index=True)

    class Meta:
        verbose_name = _("rappel de vérification")
        verbose_name_plural = _("rappels de vérification")
        indexes = [models.Index(fields=["page", "user", "sent_on"])]

    def __str__(self):
        return f"{self.page_id} → {self.user_id} ({self.sent_on})"


class DigestLog(models.Model):
    """The moderators' weekly digest, once per ISO week."""

    week = models.CharField(_("semaine"), max_length=8, unique=True)  # "2026-W48"
    sent_on = models.DateField(_("envoyé le"))
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("synthèse hebdomadaire")
        verbose_name_plural = _("synthèses hebdomadaires")

    def __str__(self):
        return self.week


# --- Consultations -------------------------------------------------------------------------


class ConsultationQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(day__gte=start, day__lte=end)


class Consultation(models.Model):
    """How many times a page was served on a day, and how many of these views began a visit
    (`moderation.consultations.starts_visit`). No cookie, no address, no user: counters."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("jour"))
    count = models.PositiveIntegerField(_("consultations"), default=0)
    visits = models.PositiveIntegerField(_("visites commencées"), default=0)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="unique_consultation_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.page_id} {self.day}: {self.count}"
