"""The annual report in one click: the period's indicators as a printable A4 PDF (WeasyPrint,
with the charts and the map of the uncovered communes) and as CSV files, one per table, in a zip."""

import csv
import io
import zipfile

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fiches.handouts import INTERNAL_BASE_URL, LocalOnlyURLFetcher, write_pdf

from . import charts


def table_csv(table):
    """One table as CSV text (`;`-separated, UTF-8 with a byte-order mark for spreadsheets):
    its period, its columns, its rows, its total."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([table.title, table.period])
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    if table.total:
        writer.writerow(table.total)
    return out.getvalue()


def report_zip(indicators):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in indicators.tables():
            archive.writestr(f"{table.key}.csv", table_csv(table).encode("utf-8"))
    return buffer.getvalue()


def report_context(indicators):
    measure = indicators.measure()
    return {
        "indicators": indicators,
        "tables": [t for t in indicators.tables() if t.in_report],
        "coverage": measure.coverage,
        "measure": measure,
        "departement": settings.REPERES_DEPARTEMENT["name"],
        "printed_on": timezone.localdate(),
        "uncovered_map": charts.commune_map(
            measure.coverage.communes,
            measure.coverage_places,
            _("Communes à plus de %(n)d minutes") % {"n": measure.coverage.minutes_limit},
        ),
    }


def report_pdf(indicators):
    html = render_to_string("moderation/indicators_report.html", report_context(indicators))
    document = weasyprint.HTML(string=html, base_url=INTERNAL_BASE_URL, url_fetcher=LocalOnlyURLFetcher())
    return write_pdf(document.render())
