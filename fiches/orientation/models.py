from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Sent, on commit, when the receiving structure has answered: `orientation` (its id).
orientation_answered = Signal()

ANSWER_SALT = "fiches.orientation.answer"


class OrientationStatus(models.TextChoices):
    SENT = "envoyee", _("En attente de réponse")
    TAKEN_IN = "prise_en_charge", _("Prise en charge")
    REFUSED = "refusee", _("Refusée")
    REDIRECTED = "reorientee", _("Réorientée")


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "hors_criteres", _("La personne ne remplit pas les conditions")
    OUT_OF_AREA = "hors_secteur", _("Hors de notre secteur")
    NO_CAPACITY = "complet", _("Pas de place ni de rendez-vous disponible")
    UNREACHABLE = "injoignable", _("Personne injoignable")
    ALREADY_FOLLOWED = "deja_suivie", _("Déjà accompagnée ailleurs")
    OTHER = "autre", _("Autre raison")


class OrientationQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=OrientationStatus.SENT)

    def sent_by(self, user):
        return self.filter(sender=user)

    def received_by_owner(self, user):
        """Orientations towards the structures `user` owns (a structure's account)."""
        return self.filter(structure__owners=user).distinct()

    def due_for_reminder(self, now=None):
        """Waiting orientations sent `FICHES_ORIENTATION_REMINDER_DAYS` days ago or more, never
        reminded."""
        now = now or timezone.now()
        days = settings.FICHES_ORIENTATION_REMINDER_DAYS
        return self.waiting().filter(created_at__lte=now - timedelta(days=days), reminded_at=None)

    def personal_data_expired(self, now=None):
        """Not yet anonymised, and closed `FICHES_ORIENTATION_DATA_DAYS` days ago: answered then,
        or never answered while its link has expired for that long."""
        now = now or timezone.now()
        days = timedelta(days=settings.FICHES_ORIENTATION_DATA_DAYS)
        link = timedelta(days=settings.FICHES_ORIENTATION_LINK_DAYS)
        return self.filter(anonymised_at=None).filter(
            Q(closed_at__lte=now - days) | Q(status=OrientationStatus.SENT, created_at__lte=now - link - days)
        )


class Orientation(models.Model):
    """A person's request sent by a professional to a place, with the person's consent."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professionnel"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="orientations_sent",
    )
    fiche = models.ForeignKey(
        "fiches.FichePage",
        verbose_name=_("fiche"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orientations",
    )
    structure = models.ForeignKey(
        "territories.StructurePage",
        verbose_name=_("lieu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="orientations_received",
    )
    # Snapshots: the orientation stays readable when the fiche or the place is deleted.
    fiche_title = models.CharField(_("titre de la fiche"), max_length=255, blank=True)
    structure_title = models.CharField(_("nom du lieu"), max_length=255)
    recipient_email = models.EmailField(_("envoyée à"), max_length=254)

    # The person: the minimum, erased after the retention time.
    person_name = models.CharField(_("prénom ou initiales"), max_length=60)
    person_contact = models.CharField(_("comment joindre la personne"), max_length=200)
    need = models.TextField(_("besoin"), max_length=1500)
    documents = models.TextField(_("documents déjà réunis"), max_length=800, blank=True)
    consent_at = models.DateTimeField(_("consentement recueilli le"))

    status = models.CharField(
        _("statut"), max_length=20, choices=OrientationStatus.choices, default=OrientationStatus.SENT
    )
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    answer_comment = models.TextField(_("commentaire du lieu"), max_length=1500, blank=True)
    redirected_to = models.ForeignKey(
        "territories.StructurePage",
        verbose_name=_("réorientée vers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    redirected_to_title = models.CharField(_("réorientée vers"), max_length=255, blank=True)

    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relance le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    # One orientation per form: a second click or a resubmitted page finds it.
    submission = models.UUIDField(_("envoi"), editable=False)

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "submission"], name="unique_orientation_submission")
        ]

    def __str__(self):
        # No personal data: this is what logs and admin titles may show.
        return _("Orientation n° %(ref)s vers %(place)s") % {"ref": self.pk, "place": self.structure_title}

    @property
    def is_waiting(self):
        return self.status == OrientationStatus.SENT

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None

    # -- The receiving structure's link ------------------------------------------------

    def answer_token(self):
        """Signed: this orientation, for this structure; expires after
        `FICHES_ORIENTATION_LINK_DAYS` (checked when read)."""
        return signing.dumps({"o": self.pk, "s": self.structure_id}, salt=ANSWER_SALT, compress=False)

    @classmethod
    def from_token(cls, token):
        """The orientation a link is for. Raises `signing.SignatureExpired` (too old),
        `signing.BadSignature` (forged or damaged) or `cls.DoesNotExist` (another structure's,
        or gone)."""
        max_age = timedelta(days=settings.FICHES_ORIENTATION_LINK_DAYS)
        data = signing.loads(token, salt=ANSWER_SALT, max_age=max_age)
        if not isinstance(data, dict) or not isinstance(data.get("o"), int):
            raise signing.BadSignature("unexpected payload")
        return cls.objects.select_related("structure", "fiche", "sender").get(
            pk=data["o"], structure_id=data.get("s"), structure__isnull=False
        )

    def answer(self, status, reason="", comment="", redirected_to=None):
        """The structure's answer, once. Returns False when it was already answered."""
        with transaction.atomic():
            # Locked and read again: two answers sent at once make one.
            current = Orientation.objects.select_for_update().get(pk=self.pk)
            if not current.is_waiting or current.is_anonymised:
                return False
            now = timezone.now()
            self.status = status
            self.refusal_reason = reason if status == OrientationStatus.REFUSED else ""
            self.answer_comment = comment
            self.redirected_to = redirected_to if status == OrientationStatus.REDIRECTED else None
            self.redirected_to_title = self.redirected_to.title[:255] if self.redirected_to else ""
            self.answered_at = self.closed_at = now
            self.save(
                update_fields=[
                    "status",
                    "refusal_reason",
                    "answer_comment",
                    "redirected_to",
                    "redirected_to_title",
                    "answered_at",
                    "closed_at",
                ]
            )
            pk = self.pk
            transaction.on_commit(lambda: orientation_answered.send(sender=Orientation, orientation=pk))
        return True

    def anonymise(self, now=None):
        self.person_name = ""
        self.person_contact = ""
        self.need = ""
        self.documents = ""
        self.answer_comment = ""
        self.anonymised_at = now or timezone.now()
        self.save(
            update_fields=[
                "person_name",
                "person_contact",
                "need",
                "documents",
                "answer_comment",
                "anonymised_at",
            ]
        )

    def days_to_answer(self):
        if self.answered_at is None:
            return None
        return (self.answered_at - self.created_at).total_seconds() / 86400
