import pytest
from django.test import Client

from moderation.models import ErrorReport, ReportStatus
from tests.html import has

from .conftest import VALID

pytestmark = pytest.mark.django_db
INBOX = "/admin/moderation/errorreport/"


def report_on(page, **values):
    return ErrorReport.objects.create(
        page=page, page_title=page.title, page_url=page.url, **{**VALID, **values}
    )


def logged(user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_moderators_see_every_report_with_counts_and_the_editor_link(network):
    fiche_report = report_on(network["fiche"])
    report_on(network["structure"], status=ReportStatus.FIXED)
    html = logged(network["moderator"]).get(INBOX).content.decode()

    assert "Aide alimentaire" in html and "CCAS d’Autun" in html
    assert "Nouveau : <strong>1</strong>" in html and "Corrigé : <strong>1</strong>" in html
    assert has(html, f'//a[@href="/admin/pages/{network["fiche"].pk}/edit/"]')
    assert has(html, f'//input[@name="ids"][@value="{fiche_report.pk}"]')


def test_owners_see_the_reports_on_their_own_pages_only(network):
    mine = report_on(network["fiche"], description="Sur la fiche de Rania")
    theirs = report_on(network["structure"], description="Sur la structure de Paul")
    client = logged(network["owner"])

    html = client.get(INBOX).content.decode()
    assert "Aide alimentaire" in html and "CCAS d’Autun" not in html
    assert client.get(f"{INBOX}inspect/{mine.pk}/").status_code == 200
    refused = client.get(f"{INBOX}inspect/{theirs.pk}/")
    assert refused.status_code in (302, 403, 404)
    assert "Sur la structure de Paul" not in refused.content.decode()
    assert client.get(f"{INBOX}edit/{mine.pk}/").status_code in (302, 403)  # owners do not moderate
    # The reporter's identity is for moderators only.
    assert "claire@exemple.fr" not in client.get(f"{INBOX}inspect/{mine.pk}/").content.decode()
    assert (
        "claire@exemple.fr" in logged(network["moderator"]).get(f"{INBOX}inspect/{mine.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status__exact=nouveau", {"Aide alimentaire"}),
        ("category__exact=address", {"CCAS d’Autun"}),
        ("age=old", {"CCAS d’Autun"}),
        ("age=7", {"Aide alimentaire"}),
    ],
)
def test_filters(network, query, expected):
    from django.utils import timezone

    report_on(network["fiche"])
    old = report_on(network["structure"], category="address", status=ReportStatus.IN_PROGRESS)
    ErrorReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=40))
    html = logged(network["moderator"]).get(f"{INBOX}?{query}").content.decode()
    shown = {title for title in ("Aide alimentaire", "CCAS d’Autun") if f">{title}</a>" in html}
    assert shown == expected


def test_owner_territory_and_theme_filters_answer(network):
    report_on(network["fiche"])
    client = logged(network["moderator"])
    for query in (f"responsable={network['owner'].pk}", "territoire=1", "theme=1", "responsable=abc"):
        assert client.get(f"{INBOX}?{query}").status_code == 200


def test_editing_a_report_records_the_change_in_the_history(network):
    report = report_on(network["fiche"])
    client = logged(network["moderator"])
    response = client.post(
        f"{INBOX}edit/{report.pk}/",
        {
            "status": ReportStatus.FIXED,
            "assignee": network["moderator"].pk,
            "resolution": "Téléphone mis à jour.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.FIXED and report.closed_at
    event = report.events.get()
    assert (event.user, event.from_status, event.comment) == (
        network["moderator"],
        "nouveau",
        "Téléphone mis à jour.",
    )
    assert "Téléphone mis à jour." in client.get(f"{INBOX}inspect/{report.pk}/").content.decode()


def test_bulk_status_change(network):
    first, second = report_on(network["fiche"]), report_on(network["structure"])
    client = logged(network["moderator"])
    response = client.post(
        "/admin/signalements/statut/",
        {
            "ids": [first.pk, second.pk],
            "status": ReportStatus.DUPLICATE,
            "comment": "Déjà signalé",
            "next": INBOX,
        },
    )
    assert response.status_code == 302
    assert set(ErrorReport.objects.values_list("status", flat=True)) == {ReportStatus.DUPLICATE}
    assert (
        logged(network["owner"])
        .post("/admin/signalements/statut/", {"ids": [first.pk], "status": "nouveau"})
        .status_code
        == 403
    )


def test_dashboard_shows_the_number_of_open_reports(network):
    report_on(network["fiche"])
    report_on(network["fiche"], status=ReportStatus.IN_PROGRESS)
    report_on(network["fiche"], status=ReportStatus.REJECTED)
    html = logged(network["moderator"]).get("/admin/").content.decode()
    assert "Signalements ouverts" in html and "<strong>2</strong>" in html


def test_the_inbox_columns_are_headed_in_french(network):
    from django.test import Client

    from moderation.models import ErrorReport

    ErrorReport.objects.create(page=network["fiche"], category="other", description="Numéro faux.")
    client = Client(HTTP_HOST="localhost")
    client.force_login(network["moderator"])
    html = client.get("/admin/moderation/errorreport/").content.decode()
    for heading in ("Réf.", "Page (ouvrir l’éditeur)", "Reçu le"):
        assert heading in html
    for english in (">Select<", ">Reference<", ">Page link<", ">Received<"):
        assert english not in html


def test_the_inbox_reads_at_a_glance_page_category_status_owner_and_age(network):
    report_on(network["fiche"])
    report_on(network["structure"], category="address")
    html = logged(network["moderator"]).get(INBOX).content.decode()
    rows = html.split("<tr")[2:]  # after the header's row
    fiche_row = next(r for r in rows if "Aide alimentaire" in r)
    checkbox_cell, *_ = fiche_row.split("</td>")
    # The row's buttons sit with the page's title, not in the checkbox's narrow column.
    assert "Modifier" not in checkbox_cell and "Modifier" in fiche_row
    assert '<span class="w-status w-status--primary">Nouveau</span>' in fiche_row
    assert "Rania" in fiche_row  # the fiche's owner
    assert "paul" in next(r for r in rows if "CCAS d’Autun" in r)  # the structure's owner
    assert "aujourd’hui" in fiche_row  # the age, then the date


def test_the_inbox_tells_a_reports_age_in_words(network):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import ErrorReport

    for days in (1, 9):
        report = report_on(network["fiche"])
        ErrorReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days))
    text = " ".join(logged(network["moderator"]).get(INBOX).content.decode().split())
    assert "hier" in text and "il y a 9 jours" in text


def test_an_empty_inbox_says_where_reports_come_from_and_offers_no_bulk_change(network):
    html = logged(network["moderator"]).get(INBOX).content.decode()
    assert "Aucun signalement pour l’instant" in html
    assert "Aucun signalements" not in html and 'id="bulk-form"' not in html
    report_on(network["fiche"])
    assert 'id="bulk-form"' in logged(network["moderator"]).get(INBOX).content.decode()


def test_the_inbox_reads_the_owners_without_a_query_per_row(network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged(network["moderator"])

    def owner_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get(INBOX)
        return [q["sql"] for q in queries.captured_queries if "_owners" in q["sql"]]

    report_on(network["fiche"])
    report_on(network["structure"])
    few = owner_queries()
    assert few  # the owners are read (prefetched), once per relation
    for _ in range(6):
        report_on(network["fiche"])
        report_on(network["structure"])
    assert len(owner_queries()) == len(few)
