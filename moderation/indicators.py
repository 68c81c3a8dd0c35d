"""The network's indicators (Annexe A of the département's convention, Fiche-action 1-1), as
tables: each has a title, the period it covers, columns, rows and, when its rows are parts of a
whole, a total row, so that the admin page, the PDF report and the CSV files show exactly the
same figures. Flows are counted over the chosen period (`moderation.period.Period`), stocks read
at its end.

Counting by a value of a page type (`StructurePage.objects.values("kind").annotate(...)`) must
drop Wagtail's default ordering first (`.order_by()`): the page managers order by `path`, which
Django adds to the GROUP BY, giving one group per page."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry, Revision

from fiches.models import FicheCoveredCommune, FichePage, NeedReport, Orientation, Theme, UnansweredSearch
from fiches.orientation.models import OrientationStatus
from territories import coverage
from territories.models import CoverageSnapshot, StructureKind, StructurePage, TerritoirePage
from territories.opening_hours import choice_labels

from . import charts
from .models import Consultation, ErrorReport, ReportStatus
from .period import Period
from .roles import Role


@dataclass
class Table:
    key: str
    title: str
    period: str
    columns: list
    rows: list
    note: str = ""
    empty: str = ""  # what an empty table means, when not "nothing in the period"
    total: tuple | None = None  # the whole the rows add up to (tests check they do)
    chart: list = field(default_factory=list)  # [column index] drawn as a monthly chart
    in_report: bool = True  # printed in the PDF (a day-by-day table is for the CSV)

    def charts(self):
        """[(column title, SVG)] of the monthly charts drawn from this table."""
        return [
            (self.columns[i], charts.bar_chart([(r[0], r[i]) for r in self.rows], self.columns[i]))
            for i in self.chart
        ]


def decimal(value, digits=1):
    """A number as written in French: '3,5'."""
    return f"{value:.{digits}f}".replace(".", ",")


def _percent(part, whole):
    return f"{decimal(100 * part / whole, 0)} %" if whole else "—"


def _days(value):
    return decimal(value) if value is not None else "—"


def _median(values):
    return statistics.median(values) if values else None


def _month(moment):
    return timezone.localtime(moment).date().replace(day=1)


def _month_label(month):
    return month.strftime("%m/%Y")


ROLES = (Role.ADMINISTRATORS, Role.MODERATORS, Role.OWNERS, Role.PROFESSIONALS)


def main_role(user):
    """The account's highest role (an account is counted once), or None."""
    names = {g.name for g in user.groups.all()}
    if user.is_superuser:
        return str(Role.ADMINISTRATORS)
    return next((str(r) for r in ROLES if str(r) in names), None)


class Indicators:
    """Every figure for `period` (default: the current calendar year up to today)."""

    def __init__(self, period=None):
        self.period = period or Period.of_year(timezone.localdate().year)
        self.start, self.end = self.period.start, self.period.end
        self.flow, self.stock = self.period.flow, self.period.stock
        self.since = self._aware(self.start)
        self.until = self._aware(self.end, end=True)

    def _aware(self, day, end=False):
        return timezone.make_aware(datetime.combine(day, time.max if end else time.min))

    def _in_period(self, name):
        return {f"{name}__gte": self.since, f"{name}__lte": self.until}

    def tables(self):
        return [
            self.summary(),
            self.coverage_by_speed(),
            self.coverage_by_month(),
            self.coverage_table(),
            self.structures_by_kind(),
            self.structures_by_territory(),
            self.charter_signatories(),
            self.accounts(),
            self.contributors_by_role(),
            self.freshness(),
            self.consultations_by_month(),
            self.consultations_by_day(),
            self.top_fiches(),
            self.reports_by_month(),
            *self.orientations(),
            self.needs_by_month(),
            self.needs_by_territory(),
            self.needs_by_words(),
            self.fiches_by_theme(),
            self.fiches_by_territory(),
        ]

    def table(self, key):
        return next((t for t in self.tables() if t.key == key), None)

    # -- Stocks at the period's end ----------------------------------------------------

    def fiches(self):
        """Published fiches that were already published at the period's end."""
        return FichePage.objects.live().filter(first_published_at__lte=self.until)

    def structures(self):
        return StructurePage.objects.live().filter(first_published_at__lte=self.until)

    def signatories(self):
        return self.structures().filter(
            Q(charter_signatory=True) & (Q(charter_signed_on=None) | Q(charter_signed_on__lte=self.end))
        )

    def contributors(self):
        """Accounts that saved a version of a page or acted on one (approval, "toujours
        exact"…) in the period."""
        authors = Revision.objects.filter(**self._in_period("created_at")).exclude(user=None)
        actors = PageLogEntry.objects.filter(**self._in_period("timestamp")).exclude(user=None)
        ids = set(authors.values_list("user", flat=True)) | set(actors.values_list("user", flat=True))
        return get_user_model().objects.filter(pk__in=ids).prefetch_related("groups")

    def summary(self):
        consultations = Consultation.objects.between(self.start, self.end).aggregate(
            pages=Sum("count"), visits=Sum("visits")
        )
        first = self.structures().first_reception()
        reports = ErrorReport.objects.filter(**self._in_period("created_at"))
        orientations = Orientation.objects.filter(**self._in_period("created_at"))
        searches, reports_of_needs = self._needs_total(UnansweredSearch), self._needs_total(NeedReport)
        measured = self.coverage_at_end()
        rows = [
            (_("Fiches publiées"), self.fiches().count(), self.stock),
            (_("Structures référencées"), self.structures().count(), self.stock),
            (_("Lieux de premier accueil engagés"), first.count(), self.stock),
            (
                _("dont hors dispositif du Département (hors MDS)"),
                first.exclude(kind=StructureKind.MDS).count(),
                self.stock,
            ),
            (_("Structures signataires de la charte"), self.signatories().count(), self.stock),
            (
                _("Nouvelles signatures de la charte"),
                self.structures()
                .filter(charter_signed_on__gte=self.start, charter_signed_on__lte=self.end)
                .count(),
                self.flow,
            ),
            (
                _("Contributeurs actifs (une modification ou une action sur une page)"),
                len(self.contributors()),
                self.flow,
            ),
            (_("Pages consultées"), consultations["pages"] or 0, self.flow),
            (_("Visites (sessions)"), consultations["visits"] or 0, self.flow),
            (_("Signalements d’erreur reçus"), reports.count(), self.flow),
            (_("Orientations envoyées"), orientations.count(), self.flow),
            (_("Recherches sans réponse"), searches, self.flow),
            (_("Besoins signalés « Je n’ai pas trouvé »"), reports_of_needs, self.flow),
            (
                _("Population à moins de %(n)d minutes d’un lieu de premier accueil") % {"n": measured[1]},
                measured[0],
                measured[2],
            ),
        ]
        return Table("synthese", _("Synthèse"), self.flow, [_("Indicateur"), _("Valeur"), _("Période")], rows)

    def _engaged_columns(self):
        return [
            _("Structures référencées"),
            _("dont lieux de premier accueil"),
            _("dont signataires de la charte"),
        ]

    def _engaged_counts(self, group_by):
        """{value: (structures, first reception, signatories)} at the period's end."""
        first = Q(pk__in=self.structures().first_reception().values("pk"))
        signed = Q(pk__in=self.signatories().values("pk"))
        return {
            row[group_by]: (row["n"], row["first"], row["signed"])
            for row in self.structures()
            .order_by()  # Wagtail orders pages by path: without this, one group per page
            .values(group_by)
            .annotate(n=Count("pk"), first=Count("pk", filter=first), signed=Count("pk", filter=signed))
        }

    def _total(self, rows, label=None):
        width = len(rows[0]) if rows else 0
        return (label or _("Total"), *(sum(r[i] for r in rows) for i in range(1, width))) if rows else None

    def structures_by_kind(self):
        counts = self._engaged_counts("kind")
        labels = choice_labels(StructureKind)
        rows = [
            (str(labels.get(kind, kind)), *counts[kind]) for kind in StructureKind.values if kind in counts
        ]
        rows += [(kind, *n) for kind, n in counts.items() if kind not in StructureKind.values]
        return Table(
            "structures-types",
            _("Structures engagées par type"),
            self.stock,
            [_("Type"), *self._engaged_columns()],
            rows,
            total=self._total(rows),
            note=_(
                "Lieux de premier accueil : MDS, CCAS, CIAS, France Services, permanences et arrêts "
                "itinérants, et toute structure signataire de la charte."
            ),
        )

    def structures_by_territory(self):
        """Each structure counted once: in the first territory (by title) whose communes hold
        its commune, else "hors territoire"."""
        counts = self._engaged_counts("commune_id")
        rows, placed = [], set()
        for territory in TerritoirePage.objects.live().order_by("title"):
            communes = set(territory.covered_communes().values_list("pk", flat=True)) - placed
            placed |= communes
            figures = [counts[c] for c in communes if c in counts]
            rows.append((territory.title, *(sum(f[i] for f in figures) for i in range(3))))
        outside = [n for c, n in counts.items() if c not in placed]
        if outside:
            rows.append(
                (_("Hors territoire d’action sociale"), *(sum(f[i] for f in outside) for i in range(3)))
            )
        return Table(
            "structures-territoires",
            _("Structures engagées par territoire"),
            self.stock,
            [_("Territoire"), *self._engaged_columns()],
            rows,
            total=self._total(rows),
        )

    def charter_signatories(self):
        labels = choice_labels(StructureKind)
        rows = [
            (
                s.title,
                str(labels.get(s.kind, s.kind)),
                s.commune.name,
                s.charter_signed_on.strftime("%d/%m/%Y") if s.charter_signed_on else _("date non saisie"),
            )
            for s in self.signatories().select_related("commune").order_by("title")
        ]
        return Table(
            "signataires",
            _("Structures signataires de la charte"),
            self.stock,
            [_("Structure"), _("Type"), _("Commune"), _("Signée le")],
            rows,
            total=(_("Total"), len(rows), "", ""),
        )

    def accounts(self):
        """Active accounts at the period's end, each once: under its first structure (by
        title) among those it is responsible for, and its highest role."""
        users = (
            get_user_model()
            .objects.filter(is_active=True, date_joined__lte=self.until)
            .prefetch_related("groups", "owned_structures")
        )
        roles = [str(r) for r in ROLES]
        none_label, no_role = _("Sans structure rattachée"), _("Sans rôle")
        by_structure = {}
        for user in users:
            owned = sorted(user.owned_structures.all(), key=lambda s: s.title)
            structure = owned[0].title if owned else none_label
            role = main_role(user) or no_role
            counts = by_structure.setdefault(structure, dict.fromkeys([*roles, no_role], 0))
            counts[role] += 1
        with_no_role = any(c[no_role] for c in by_structure.values())
        columns = roles + ([no_role] if with_no_role else [])
        order = sorted(by_structure, key=lambda name: (name == none_label, name))
        rows = [
            (name, *(by_structure[name][r] for r in columns), sum(by_structure[name].values()))
            for name in order
        ]
        return Table(
            "comptes",
            _("Comptes actifs par structure et par rôle"),
            self.stock,
            [_("Structure"), *columns, _("Total")],
            rows,
            total=self._total(rows),
            note=_("Chaque compte compté une fois : sa première structure, son rôle le plus élevé."),
        )

    def contributors_by_role(self):
        counts = {}
        for user in self.contributors():
            role = main_role(user) or _("Sans rôle")
            counts[role] = counts.get(role, 0) + 1
        rows = [(str(r), counts.get(str(r), 0)) for r in ROLES]
        rows += [(role, n) for role, n in counts.items() if role not in {str(r) for r in ROLES}]
        return Table(
            "contributeurs",
            _("Contributeurs actifs par rôle"),
            self.flow,
            [_("Rôle"), _("Contributeurs")],
            rows,
            total=self._total(rows),
            note=_(
                "Un contributeur a enregistré une version d’une page ou agi sur une page dans la période."
            ),
        )

    def freshness(self):
        rows = []
        for label, pages in ((_("Fiches"), self.fiches()), (_("Structures"), self.structures())):
            total = pages.count()
            due = pages.due_for_review(self.end).count()
            rows.append((label, total, total - due, due))
        total = self._total(rows)
        return Table(
            "fraicheur",
            _("Fiches et structures à jour (vérifiées dans leur intervalle)"),
            self.stock,
            [_("Type"), _("Publiées"), _("À jour"), _("À revérifier"), _("Part à jour")],
            [(*r, _percent(r[2], r[1])) for r in rows],
            total=(*total, _percent(total[2], total[1])),
        )

    # -- Flows over the period ---------------------------------------------------------

    def consultations_by_month(self):
        by_month = {m: [0, 0] for m in self.period.months()}
        for row in (
            Consultation.objects.between(self.start, self.end)
            .values("day")
            .annotate(pages=Sum("count"), visits=Sum("visits"))
            .order_by()
        ):
            figures = by_month[row["day"].replace(day=1)]
            figures[0] += row["pages"]
            figures[1] += row["visits"]
        rows = [(_month_label(m), *figures) for m, figures in by_month.items()]
        return Table(
            "consultations-mois",
            _("Consultations par mois"),
            self.flow,
            [_("Mois"), _("Pages consultées"), _("Visites (sessions)")],
            rows,
            total=self._total(rows),
            chart=[1, 2],
            note=_(
                "Pages servies, robots exclus. Une visite commence à une page atteinte depuis un autre "
                "site, un favori ou une adresse saisie ; aucun cookie, aucune donnée personnelle."
            ),
        )

    def consultations_by_day(self):
        rows = [
            (row["day"].strftime("%d/%m/%Y"), row["pages"], row["visits"])
            for row in Consultation.objects.between(self.start, self.end)
            .values("day")
            .annotate(pages=Sum("count"), visits=Sum("visits"))
            .order_by("day")
        ]
        return Table(
            "consultations-jours",
            _("Consultations par jour"),
            self.flow,
            [_("Jour"), _("Pages consultées"), _("Visites (sessions)")],
            rows,
            total=self._total(rows),
            in_report=False,
        )

    def top_fiches(self, limit=20):
        rows = [
            (r["page__title"], r["n"])
            for r in Consultation.objects.between(self.start, self.end)
            .filter(page_id__in=FichePage.objects.order_by().values("pk"))
            .values("page_id", "page__title")
            .annotate(n=Sum("count"))
            .order_by("-n", "page__title")[:limit]
        ]
        return Table(
            "fiches-consultees",
            _("Fiches les plus consultées"),
            self.flow,
            [_("Fiche"), _("Consultations")],
            rows,
            note=_("Les %(n)d premières.") % {"n": limit},
        )

    def reports_by_month(self):
        months = {m: {"received": 0, "closed": [], "fixed": []} for m in self.period.months()}
        for created in ErrorReport.objects.filter(**self._in_period("created_at")).values_list(
            "created_at", flat=True
        ):
            months[_month(created)]["received"] += 1
        for report in (
            ErrorReport.objects.closed()
            .filter(**self._in_period("closed_at"))
            .only("created_at", "closed_at", "status")
        ):
            days = (report.closed_at - report.created_at).total_seconds() / 86400
            months[_month(report.closed_at)]["closed"].append(days)
            if report.status == ReportStatus.FIXED:
                months[_month(report.closed_at)]["fixed"].append(days)
        rows = [
            (_month_label(m), f["received"], len(f["closed"]), len(f["fixed"]), _days(_median(f["fixed"])))
            for m, f in months.items()
        ]
        every_fix = [d for f in months.values() for d in f["fixed"]]
        total = self._total([r[:4] for r in rows])
        return Table(
            "signalements",
            _("Signalements d’erreur par mois"),
            self.flow,
            [_("Mois"), _("Reçus"), _("Clos"), _("dont corrigés"), _("Délai médian de correction (jours)")],
            rows,
            total=(*total, _days(_median(every_fix))) if total else None,
            chart=[1],
            note=_("Signalements encore ouverts %(stock)s : %(n)d.")
            % {
                "stock": self.stock,
                "n": ErrorReport.objects.filter(created_at__lte=self.until)
                .filter(Q(closed_at=None) | Q(closed_at__gt=self.until))
                .count(),
            },
        )

    # -- Orientations: counts only, never a person's data ----------------------------------

    def orientations(self):
        sent = Orientation.objects.filter(**self._in_period("created_at")).only(
            "structure_title", "fiche_title", "created_at", "answered_at", "status"
        )
        groups = {"structure": {}, "fiche": {}, "month": {_month_label(m): [] for m in self.period.months()}}
        for o in sent:
            for key, label in (
                ("structure", o.structure_title),
                ("fiche", o.fiche_title or _("(depuis la page du lieu)")),
                ("month", _month_label(_month(o.created_at))),
            ):
                groups[key].setdefault(label, []).append(o)
        columns = [
            _("Orientations"),
            _("Avec réponse"),
            _("Part avec réponse"),
            _("Prises en charge"),
            _("Part prise en charge"),
            _("Délai médian de réponse (jours)"),
        ]

        def figures(items):
            answered = [o for o in items if o.answered_at is not None]
            taken = [o for o in answered if o.status == OrientationStatus.TAKEN_IN]
            return [
                len(items),
                len(answered),
                _percent(len(answered), len(items)),
                len(taken),
                _percent(len(taken), len(items)),
                _days(_median([o.days_to_answer() for o in answered])),
            ]

        everything = list(sent)
        total = (_("Total"), *figures(everything)) if everything else None

        def table(key, slug, title, heading, order, chart=()):
            rows = [(label, *figures(items)) for label, items in sorted(groups[key].items(), key=order)]
            return Table(slug, title, self.flow, [heading, *columns], rows, total=total, chart=list(chart))

        by_count = lambda item: (-len(item[1]), item[0])  # noqa: E731
        by_month = lambda item: item[0][3:] + item[0][:2]  # noqa: E731 — "MM/YYYY" in time order
        return [
            table("structure", "orientations-lieux", _("Orientations par lieu"), _("Lieu"), by_count),
            table("fiche", "orientations-fiches", _("Orientations par fiche"), _("Fiche"), by_count),
            table("month", "orientations-mois", _("Orientations par mois"), _("Mois"), by_month, chart=[1]),
        ]

    # -- Needs without an answer: anonymous weekly counts (fiches.needs) ----------------------

    def _needs(self, model, by):
        return model.objects.counts(self.start, self.end, by=by)

    def _needs_total(self, model):
        return sum(row["total"] for row in self._needs(model, ()))

    def _needs_columns(self):
        return [_("Recherches sans réponse"), _("« Je n’ai pas trouvé »"), _("Total")]

    def _needs_rows(self, by, label_of, order=None):
        counts = {}
        for i, model in enumerate((UnansweredSearch, NeedReport)):
            for row in self._needs(model, by):
                label = label_of(row)
                counts.setdefault(label, [0, 0])[i] += row["total"]
        labels = order(counts) if order else sorted(counts, key=lambda k: (-sum(counts[k]), k))
        return [(label, *counts.get(label, [0, 0]), sum(counts.get(label, [0, 0]))) for label in labels]

    def needs_by_month(self):
        months = [_month_label(m) for m in self.period.months()]
        first = self.start.replace(day=1)
        rows = self._needs_rows(
            ("month",),
            # A week whose Monday is before the period's start counts in its first month.
            lambda row: _month_label(max(row["month"], first)),
            order=lambda counts: months,
        )
        return Table(
            "besoins-mois",
            _("Besoins sans réponse par mois"),
            self.flow,
            [_("Mois"), *self._needs_columns()],
            rows,
            total=self._total(rows),
            chart=[3],
            note=_(
                "Recherches qui ont trouvé peu ou pas de fiches, et besoins signalés par les agents, "
                "comptés par semaine (une semaine compte dans le mois de son lundi) ; rien sur les "
                "personnes."
            ),
        )

    def needs_by_territory(self):
        territories = [t.title for t in TerritoirePage.objects.live().order_by("title")]
        none = _("Sans territoire (pas de commune choisie)")

        def order(counts):
            return [*territories, *sorted(k for k in counts if k not in territories)]

        rows = self._needs_rows(("territoire",), lambda row: row["territoire__title"] or none, order=order)
        return Table(
            "besoins-territoires",
            _("Besoins sans réponse par territoire"),
            self.flow,
            [_("Territoire"), *self._needs_columns()],
            rows,
            total=self._total(rows),
        )

    def needs_by_words(self, limit=20):
        rows = self._needs_rows(("words",), lambda row: row["words"])
        return Table(
            "besoins-mots",
            _("Besoins sans réponse les plus fréquents"),
            self.flow,
            [_("Mots"), *self._needs_columns()],
            rows[:limit],
            note=_("Les %(n)d premiers ; les mots sont écrits sans accents ni mots vides.") % {"n": limit},
        )

    # -- Fiches (a fiche may have several themes and cover several territories) ---------------

    def fiches_by_theme(self):
        through = FichePage.themes.through.objects.filter(
            fichepage_id__in=self.fiches().order_by().values("pk")
        )
        counts = {
            row["category"]: row["n"]
            for row in through.annotate(category=Coalesce("theme__parent_id", "theme_id"))
            .values("category")
            .annotate(n=Count("fichepage_id", distinct=True))
            .order_by()
        }
        rows = [
            (t.name, counts.get(t.pk, 0))
            for t in Theme.objects.filter(parent=None).order_by("sort_order", "name")
        ]
        untagged = self.fiches().filter(themes=None).count()
        if untagged:
            rows.append((_("Sans thème"), untagged))
        return Table(
            "fiches-themes",
            _("Fiches publiées par thème"),
            self.stock,
            [_("Thème"), _("Fiches")],
            rows,
            note=_(
                "Une fiche peut relever de plusieurs thèmes : la somme dépasse le nombre de fiches (%(n)d)."
            )
            % {"n": self.fiches().count()},
        )

    def fiches_by_territory(self):
        fiches = self.fiches()
        everywhere = fiches.filter(coverage_kind="departement").count()
        rows = []
        for territory in TerritoirePage.objects.live().order_by("title"):
            local = (
                fiches.exclude(coverage_kind="departement")
                .filter(
                    pk__in=FicheCoveredCommune.objects.filter(
                        commune__in=territory.covered_communes()
                    ).values("fiche_id")
                )
                .count()
            )
            rows.append((territory.title, local, local + everywhere))
        return Table(
            "fiches-territoires",
            _("Fiches publiées par territoire"),
            self.stock,
            [
                _("Territoire"),
                _("Fiches propres au territoire"),
                _("Fiches qui s’y appliquent (avec le département)"),
            ],
            rows,
            note=_(
                "%(n)d fiches couvrent tout le département ; une fiche peut couvrir plusieurs territoires."
            )
            % {"n": everywhere},
        )

    # -- Coverage ------------------------------------------------------------------------

    def measure(self):
        if not hasattr(self, "_measure"):
            self._measure = coverage.measure()
        return self._measure

    def coverage(self):
        return self.measure().coverage

    def coverage_at_end(self):
        """(share, minutes, as of): today's measure for a period ending today, else the
        snapshot of the period's last month."""
        if self.end >= timezone.localdate():
            c = self.coverage()
            return f"{decimal(c.share_percent)} %", c.minutes_limit, self.stock
        snapshot = CoverageSnapshot.objects.up_to(self.end).last()
        if snapshot is None:
            return _("non mesurée"), coverage.parameters()["minutes"], self.stock
        return (
            f"{decimal(snapshot.share_percent)} %",
            snapshot.minutes,
            _("mesure de %(month)s") % {"month": _month_label(snapshot.month)},
        )

    def coverage_by_speed(self):
        m = self.measure()
        rows = [
            (
                f"{c.speed_kmh:g} km/h" + (_(" (retenue)") if c is m.coverage else ""),
                f"{decimal(c.share_percent)} %",
                c.covered_population,
                c.population,
                len(c.uncovered),
            )
            for c in (m.low, m.coverage, m.high)
        ]
        return Table(
            "couverture",
            _("Population à moins de %(n)d minutes d’un lieu de premier accueil, selon la vitesse")
            % {"n": m.coverage.minutes_limit},
            _("au %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")},
            [
                _("Vitesse moyenne"),
                _("Part de la population"),
                _("Habitants couverts"),
                _("Population"),
                _("Communes non couvertes"),
            ],
            rows,
            note=_(
                "Temps = distance à vol d’oiseau entre le centre de la commune et le lieu le plus proche "
                "× %(detour)s ÷ vitesse ; %(places)d lieux de premier accueil publiés."
            )
            % {"detour": f"{m.coverage.detour_factor:g}".replace(".", ","), "places": m.places},
        )

    def coverage_by_month(self):
        rows = [
            (
                _month_label(s.month),
                decimal(s.share_percent),
                s.places,
                s.uncovered_communes,
                f"{s.minutes} min, {s.speed_kmh} km/h, × {s.detour_factor:g}".replace(".", ","),
            )
            for s in CoverageSnapshot.objects.up_to(self.end).filter(month__gte=self.start.replace(day=1))
        ]
        return Table(
            "couverture-mois",
            _("Couverture mesurée chaque mois"),
            self.flow,
            [_("Mois"), _("Part de la population (%)"), _("Lieux"), _("Communes non couvertes"), _("Modèle")],
            rows,
            chart=[1],
            empty=_("Aucune mesure mensuelle dans la période (manage.py snapshot_coverage)."),
        )

    def coverage_table(self):
        c = self.coverage()
        rows = [
            (
                a.commune.name,
                a.commune.insee_code,
                a.commune.population_municipale or 0,
                f"{a.minutes:.0f}" if a.minutes is not None else _("plus de %(n)d") % {"n": c.minutes_limit},
                a.nearest.title if a.nearest is not None and a.minutes is not None else "",
            )
            for a in c.uncovered
        ]
        return Table(
            "zones-blanches",
            _("Communes à plus de %(n)d minutes d’un lieu de premier accueil") % {"n": c.minutes_limit},
            _("au %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")},
            [_("Commune"), _("Code INSEE"), _("Population"), _("Minutes estimées"), _("Lieu le plus proche")],
            rows,
            total=(_("Total : %(n)d communes") % {"n": len(rows)}, "", sum(r[2] for r in rows), "", "")
            if rows
            else None,
            empty=_("Aucune commune : toutes sont à moins de %(n)d minutes d’un lieu de premier accueil.")
            % {"n": c.minutes_limit},
        )
