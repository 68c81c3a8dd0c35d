"""Anonymous counters of the needs nobody answers (see the package's docstring)."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.geo import normalize_name
from territories.models import EPCI, TerritoirePage, add_months

# Sent by the search when a search with words found `FICHES_FEW_RESULTS` fiches or fewer:
# `query` (the need's words, without the commune), `commune` (or None). Counted on commit.
search_found_little = Signal()

WORDS_MAX_LENGTH = 200
REPORT_MAX_LENGTH = 300

# Words that say nothing of a need, dropped from the counted words. "plus" is kept: "plus de
# chauffage" is a need.
STOP_WORDS = frozenset(
    "a au aux avec ce ces chez d dans de des du en et il j je l la le les leur m ma mes mon n ne "
    "on ou par pas pour qu que qui sa se ses son sur t ta te un une vos votre y".split()
)
_WORD = re.compile(r"\w+")


def need_words(text):
    """The one rule for the words counted: lower case, accents, hyphens and apostrophes folded
    (`territories.geo.normalize_name`), stop-words and numbers dropped (a number may be a
    telephone number or a date of birth, never a need), each word once, **in the order typed**
    (what moderators read: "plus chauffage", not "chauffage plus"). "Aide alimentaire" and
    "aide  ALIMENTAIRE" are one need; "alimentaire aide" another."""
    kept = []
    for word in _WORD.findall(normalize_name(text)):
        if word in STOP_WORDS or word.isdigit() or word in kept:
            continue
        kept.append(word)
    return " ".join(kept)[:WORDS_MAX_LENGTH].strip()


def monday(day):
    return day - timedelta(days=day.weekday())


def _territoire_of(commune):
    """The first visible territory (by title) covering `commune`: the rule is
    `TerritoirePage.covered_communes()`'s, read only when a search found little."""
    if commune is None:
        return None
    covering = TerritoirePage.covering(commune)
    return covering[0] if covering else None


class CountsQuerySet(models.QuerySet):
    """Counts by words, territory, EPCI and month, over a period: what the report and the
    indicators read. A week belongs to the month of its Monday."""

    def between(self, start=None, end=None):
        """The weeks whose Monday falls from the week of `start` to `end` (dates, inclusive)."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(week__gte=monday(start))
        if end is not None:
            queryset = queryset.filter(week__lte=end)
        return queryset

    def counts(self, start=None, end=None, by=("words", "territoire", "month")):
        """[{<each key of `by`>, "total"}], the largest totals first. Keys: "words",
        "territoire" (with "territoire__title"), "epci" (with "epci__name"), "month" (the
        first day of the month, a date). E.g. `counts(date(2026, 1, 1), date(2026, 12, 31),
        by=("territoire",))` gives the total per territory for 2026."""
        fields = []
        for key in by:
            if key == "territoire":
                fields += ["territoire", "territoire__title"]
            elif key == "epci":
                fields += ["epci", "epci__name"]
            elif key in ("words", "month"):
                fields.append(key)
            else:
                raise ValueError(f"unknown key {key!r}")
        queryset = self.between(start, end)
        if "month" in by:
            queryset = queryset.annotate(month=TruncMonth("week", output_field=models.DateField()))
        return (
            queryset.values(*fields)
            .annotate(total=self._total())
            .order_by("-total", *[f for f in fields if not f.endswith(("__title", "__name"))])
        )

    def _total(self):
        return Count("pk")


class UnansweredSearchQuerySet(CountsQuerySet):
    def _total(self):
        return Sum("count")

    def expired(self, on=None):
        """Counters older than `FICHES_UNANSWERED_SEARCH_MONTHS` months (their week's Monday)."""
        on = on or timezone.localdate()
        return self.filter(week__lt=add_months(on, -settings.FICHES_UNANSWERED_SEARCH_MONTHS))

    def record(self, query, commune=None, day=None):
        """Counts one search of `query` that found little, for `commune` (or none), in the week
        of `day` (today): one statement, an "upsert" on both databases (INSERT … ON CONFLICT DO
        UPDATE), so two processes never lose a count. Returns False when no word is left."""
        words = need_words(query)
        if not words:
            return False
        territoire = _territoire_of(commune)
        week = monday(day or timezone.localdate())
        table = connection.ops.quote_name(UnansweredSearch._meta.db_table)
        # The conflict target is the unique index's expressions (NULL counts as 0, so a search
        # without commune has one row a week too).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (words, epci_id, territoire_id, week, count)"  # noqa: S608 — the model's table
                " VALUES (%s, %s, %s, %s, 1)"
                " ON CONFLICT (words, (COALESCE(epci_id, 0)), (COALESCE(territoire_id, 0)), week)"
                f" DO UPDATE SET count = {table}.count + 1",
                [
                    words,
                    commune.epci_id if commune is not None else None,
                    territoire.pk if territoire is not None else None,
                    connection.ops.adapt_datefield_value(week),
                ],
            )
        return True


class UnansweredSearch(models.Model):
    """How many times, in one week, a search for these words (and this commune's EPCI and
    territory) found `FICHES_FEW_RESULTS` fiches or fewer. No address, no user, no session, no
    exact time: a counter."""

    words = models.CharField(
        _("mots recherchés"),
        max_length=WORDS_MAX_LENGTH,
        help_text=_("En minuscules, sans accents ni mots vides, dans l’ordre de la saisie."),
    )
    # CASCADE, not SET_NULL: a row set to NULL could collide with the week's row without
    # commune (the unique index); a deleted territory's or EPCI's counts go with it.
    epci = models.ForeignKey(
        EPCI, verbose_name=_("EPCI"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    territoire = models.ForeignKey(
        TerritoirePage,
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    week = models.DateField(_("semaine du"), help_text=_("Le lundi de la semaine."))
    count = models.PositiveIntegerField(_("recherches"), default=0)

    objects = UnansweredSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("recherche sans réponse")
        verbose_name_plural = _("recherches sans réponse")
        constraints = [
            models.UniqueConstraint(
                F("words"),
                Coalesce("epci", Value(0)),
                Coalesce("territoire", Value(0)),
                F("week"),
                name="unique_unanswered_search_week",
            )
        ]
        indexes = [models.Index(fields=["week"], name="unanswered_search_week")]

    def __str__(self):
        return f"{self.words} ({self.week}): {self.count}"


class NeedReportQuerySet(CountsQuerySet):
    def expired(self, on=None):
        """Reports older than `FICHES_NEED_REPORT_MONTHS` months (their week's Monday)."""
        on = on or timezone.localdate()
        return self.filter(week__lt=add_months(on, -settings.FICHES_NEED_REPORT_MONTHS))


class NeedReport(models.Model):
    """What an agent looked for and did not find ("Je n'ai pas trouvé"), in a few words. Nothing
    about the agent nor the person received: no user, no address, no exact time."""

    words = models.CharField(_("besoin"), max_length=REPORT_MAX_LENGTH)
    epci = models.ForeignKey(
        EPCI, verbose_name=_("EPCI"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    territoire = models.ForeignKey(
        TerritoirePage,
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    week = models.DateField(_("semaine du"), help_text=_("Le lundi de la semaine."))

    objects = NeedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin signalé")
        verbose_name_plural = _("besoins signalés")
        indexes = [models.Index(fields=["week"], name="need_report_week")]

    def __str__(self):
        return self.words

    @classmethod
    def create_for(cls, words, commune=None, day=None):
        territoire = _territoire_of(commune)
        return cls.objects.create(
            words=words[:REPORT_MAX_LENGTH],
            epci_id=commune.epci_id if commune is not None else None,
            territoire=territoire,
            week=monday(day or timezone.localdate()),
        )
