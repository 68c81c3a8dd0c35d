"""The network's indicators, as tables: each has a title, the period it covers, columns and
rows, so that the admin page and the CSV downloads show exactly the same figures."""

import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry, Revision

from fiches.models import FicheCoveredCommune, FichePage, Orientation, Theme
from fiches.orientation.models import OrientationStatus
from territories import coverage
from territories.models import Commune, StructureKind, StructurePage, TerritoirePage, add_months

from .models import Consultation, ErrorReport


@dataclass
class Table:
    key: str
    title: str
    period: str
    columns: list
    rows: list
    note: str = ""
    empty: str = ""  # what an empty table means, when not "nothing in the period"


def _date(d):
    return d.strftime("%d/%m/%Y")


class Indicators:
    """All figures on day `on`; flows over the 12 months ending that day."""

    def __init__(self, on=None):
        self.on = on or timezone.localdate()
        self.start = add_months(self.on, -12) + timedelta(days=1)
        self.stock = _("au %(date)s") % {"date": _date(self.on)}
        self.flow = _("du %(start)s au %(end)s") % {"start": _date(self.start), "end": _date(self.on)}

    def _aware(self, day, end=False):
        return timezone.make_aware(datetime.combine(day, time.max if end else time.min))

    def tables(self):
        return [
            self.summary(),
            self.fiches_by_theme(),
            self.fiches_by_territory(),
            self.structures_by_kind(),
            self.consultations_by_month(),
            self.top_fiches(),
            self.reports(),
            *self.orientations(),
            self.freshness(),
            self.coverage_table(),
        ]

    # -- Stocks ------------------------------------------------------------------------

    def summary(self):
        fiches = FichePage.objects.live()
        structures = StructurePage.objects.live()
        since = self._aware(self.start)
        # A contributor is anyone who saved a version or acted on a page (approval,
        # "toujours exact"…) in the period.
        period = {"created_at__gte": since, "created_at__lte": self._aware(self.on, end=True)}
        authors = set(Revision.objects.filter(**period).exclude(user=None).values_list("user", flat=True))
        actors = set(
            PageLogEntry.objects.filter(timestamp__gte=since, timestamp__lte=self._aware(self.on, end=True))
            .exclude(user=None)
            .values_list("user", flat=True)
        )
        contributors = len(authors | actors)
        consultations = Consultation.objects.between(self.start, self.on).aggregate(n=Sum("count"))["n"] or 0
        rows = [
            (_("Fiches publiées"), fiches.count(), self.stock),
            (_("Structures référencées"), structures.count(), self.stock),
            (
                _("Structures signataires de la charte"),
                structures.filter(charter_signatory=True).count(),
                self.stock,
            ),
            (
                _("Contributeurs actifs (une modification ou une action sur une page)"),
                contributors,
                self.flow,
            ),
            (_("Consultations de pages"), consultations, self.flow),
        ]
        return Table("synthese", _("Synthèse"), self.flow, [_("Indicateur"), _("Valeur"), _("Période")], rows)

    def fiches_by_theme(self):
        live = FichePage.objects.live().values("pk")
        through = FichePage.themes.through.objects.filter(fichepage_id__in=live)
        counts = {
            row["category"]: row["n"]
            for row in through.annotate(category=Coalesce("theme__parent_id", "theme_id"))
            .values("category")
            .annotate(n=Count("fichepage_id", distinct=True))
        }
        rows = [
            (t.name, counts.get(t.pk, 0))
            for t in Theme.objects.filter(parent=None).order_by("sort_order", "name")
        ]
        untagged = FichePage.objects.live().filter(themes=None).count()
        if untagged:
            rows.append((_("Sans thème"), untagged))
        return Table(
            "fiches-themes", _("Fiches publiées par thème"), self.stock, [_("Thème"), _("Fiches")], rows
        )

    def fiches_by_territory(self):
        fiches = FichePage.objects.live()
        everywhere = fiches.filter(coverage_kind="departement").count()
        rows = []
        for territory in TerritoirePage.objects.live().order_by("title"):
            communes = territory.covered_communes()
            local = (
                fiches.exclude(coverage_kind="departement")
                .filter(pk__in=FicheCoveredCommune.objects.filter(commune__in=communes).values("fiche_id"))
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
            note=_("%(n)d fiches couvrent tout le département.") % {"n": everywhere},
        )

    def structures_by_kind(self):
        counts = {
            row["kind"]: row
            for row in StructurePage.objects.live()
            .values("kind")
            .annotate(n=Count("pk"), signatories=Count("pk", filter=Q(charter_signatory=True)))
        }
        rows = [
            (label, counts[value]["n"], counts[value]["signatories"])
            for value, label in StructureKind.choices
            if value in counts
        ]
        return Table(
            "structures-types",
            _("Structures par type"),
            self.stock,
            [_("Type"), _("Structures"), _("Signataires de la charte")],
            rows,
        )

    # -- Flows -------------------------------------------------------------------------

    def consultations_by_month(self):
        rows = [
            (row["month"].strftime("%m/%Y"), row["n"])
            for row in Consultation.objects.between(self.start, self.on)
            .annotate(month=TruncMonth("day"))
            .values("month")
            .annotate(n=Sum("count"))
            .order_by("month")
        ]
        return Table(
            "consultations-mois",
            _("Consultations par mois"),
            self.flow,
            [_("Mois"), _("Consultations")],
            rows,
            note=_("Pages servies, robots exclus ; aucun cookie ni donnée personnelle."),
        )

    def top_fiches(self, limit=20):
        fiche_ids = FichePage.objects.values("pk")
        rows = list(
            Consultation.objects.between(self.start, self.on)
            .filter(page_id__in=fiche_ids)
            .values("page_id", "page__title")
            .annotate(n=Sum("count"))
            .order_by("-n", "page__title")[:limit]
        )
        return Table(
            "fiches-consultees",
            _("Fiches les plus consultées"),
            self.flow,
            [_("Fiche"), _("Consultations")],
            [(r["page__title"], r["n"]) for r in rows],
        )

    def reports(self):
        received = ErrorReport.objects.filter(created_at__gte=self._aware(self.start))
        closed = ErrorReport.objects.closed().filter(
            closed_at__gte=self._aware(self.start), closed_at__lte=self._aware(self.on, end=True)
        )
        durations = [
            (r.closed_at - r.created_at).total_seconds() / 86400
            for r in closed.only("created_at", "closed_at")
        ]
        median = statistics.median(durations) if durations else None
        rows = [
            (_("Signalements reçus"), received.count(), self.flow),
            (_("Signalements clos"), len(durations), self.flow),
            (_("Délai médian de clôture (jours)"), f"{median:.1f}" if median is not None else "—", self.flow),
            (_("Signalements ouverts"), ErrorReport.objects.open().count(), self.stock),
        ]
        return Table(
            "signalements",
            _("Signalements d’erreur"),
            self.flow,
            [_("Indicateur"), _("Valeur"), _("Période")],
            rows,
        )

    # -- Orientations: counts only, never a person's data ----------------------------------

    def orientations(self):
        sent = Orientation.objects.filter(
            created_at__gte=self._aware(self.start), created_at__lte=self._aware(self.on, end=True)
        ).only("structure_title", "fiche_title", "created_at", "answered_at", "status")
        groups = {"structure": {}, "fiche": {}, "month": {}}
        for o in sent:
            for key, label in (
                ("structure", o.structure_title),
                ("fiche", o.fiche_title or _("(depuis la page du lieu)")),
                ("month", timezone.localtime(o.created_at).strftime("%m/%Y")),
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
            delays = [o.days_to_answer() for o in answered]
            return [
                len(items),
                len(answered),
                f"{100 * len(answered) / len(items):.0f} %",
                len(taken),
                f"{100 * len(taken) / len(items):.0f} %",
                f"{statistics.median(delays):.1f}" if delays else "—",
            ]

        def table(key, slug, title, heading, order):
            rows = [(label, *figures(items)) for label, items in sorted(groups[key].items(), key=order)]
            return Table(slug, title, self.flow, [heading, *columns], rows)

        by_count = lambda item: (-len(item[1]), item[0])  # noqa: E731
        by_month = lambda item: item[0][3:] + item[0][:2]  # noqa: E731 — "MM/YYYY" in time order
        return [
            table("structure", "orientations-lieux", _("Orientations par lieu"), _("Lieu"), by_count),
            table("fiche", "orientations-fiches", _("Orientations par fiche"), _("Fiche"), by_count),
            table("month", "orientations-mois", _("Orientations par mois"), _("Mois"), by_month),
        ]

    # -- Freshness and coverage --------------------------------------------------------

    def freshness(self):
        rows = []
        for label, model in ((_("Fiches"), FichePage), (_("Structures"), StructurePage)):
            live = model.objects.live()
            total = live.count()
            due = live.due_for_review(self.on).count()
            fresh = total - due
            share = f"{100 * fresh / total:.0f} %" if total else "—"
            rows.append((label, total, fresh, due, share))
        return Table(
            "fraicheur",
            _("Fraîcheur : éléments vérifiés dans leur intervalle"),
            self.stock,
            [_("Type"), _("Publiés"), _("Vérifiés à temps"), _("À revérifier"), _("Part à jour")],
            rows,
        )

    def coverage(self):
        places = coverage.first_reception_places(StructurePage.objects.live())
        return coverage.compute(Commune.objects.of_departement().order_by("name"), list(places))

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
            self.stock,
            [_("Commune"), _("Code INSEE"), _("Population"), _("Minutes estimées"), _("Lieu le plus proche")],
            rows,
            empty=_("Aucune commune : toutes sont à moins de %(n)d minutes d’un lieu de premier accueil.")
            % {"n": c.minutes_limit},
        )
