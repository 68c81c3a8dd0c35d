"""Needs without an answer (fiches/needs/): the anonymous weekly counter of searches that found
little, "Je n'ai pas trouvé", and the counts the report and the indicators read."""

from datetime import date

import pytest
from django.db import connection

from fiches.models import NeedReport, UnansweredSearch
from fiches.needs.models import need_words
from tests import builders


@pytest.fixture
def territory(world):
    return builders.territory(world["departement"], "Territoire du Creusot", epcis=[world["cu"]])


def test_need_words_fold_case_accents_stop_words_and_numbers_in_the_order_typed():
    assert need_words("Aide  ALIMENTAIRE") == "aide alimentaire"
    assert need_words("Plus de chauffage à la maison") == "plus chauffage maison"
    assert need_words("l'épicerie d’été") == "epicerie ete"
    assert need_words("C2S 06 12 34 56 78 né le 12/03/1980") == "c2s"
    assert need_words("aide aide") == "aide"
    assert need_words("de la") == ""


def test_a_search_is_counted_once_a_week_per_words_and_territory_with_nothing_personal(world, territory):
    creusot = world["le_creusot"]
    monday = date(2026, 11, 30)
    assert UnansweredSearch.objects.record("Dentiste", creusot, day=date(2026, 12, 2))
    assert UnansweredSearch.objects.record("dentiste", creusot, day=date(2026, 12, 6))
    assert UnansweredSearch.objects.record("DENTISTE", None, day=date(2026, 12, 3))
    assert UnansweredSearch.objects.record("dentiste", None, day=date(2026, 12, 4))
    assert UnansweredSearch.objects.record("dentiste", None, day=date(2026, 12, 7))  # next week
    assert not UnansweredSearch.objects.record("de la", None)

    rows = {
        (r["words"], r["epci"], r["territoire"], r["week"]): r["count"]
        for r in UnansweredSearch.objects.values("words", "epci", "territoire", "week", "count")
    }
    assert rows == {
        ("dentiste", world["cu"].pk, territory.pk, monday): 2,
        ("dentiste", None, None, monday): 2,
        ("dentiste", None, None, date(2026, 12, 7)): 1,
    }
    # Nothing else is stored: no address, no user, no session, no time.
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), UnansweredSearch._meta.db_table
        )
    }
    assert columns == {"id", "words", "epci_id", "territoire_id", "week", "count"}


def test_counts_by_words_territory_and_month_over_a_period(world, territory):
    creusot = world["le_creusot"]
    for day in (date(2026, 10, 5), date(2026, 10, 6), date(2026, 11, 2)):
        UnansweredSearch.objects.record("dentiste", creusot, day=day)
    UnansweredSearch.objects.record("couches bébé", None, day=date(2026, 11, 3))
    UnansweredSearch.objects.record("dentiste", creusot, day=date(2025, 1, 6))  # out of the period

    rows = list(UnansweredSearch.objects.counts(date(2026, 1, 1), date(2026, 12, 31)))
    assert rows == [
        {
            "words": "dentiste",
            "territoire": territory.pk,
            "territoire__title": "Territoire du Creusot",
            "month": date(2026, 10, 1),
            "total": 2,
        },
        {
            "words": "couches bebe",
            "territoire": None,
            "territoire__title": None,
            "month": date(2026, 11, 1),
            "total": 1,
        },
        {
            "words": "dentiste",
            "territoire": territory.pk,
            "territoire__title": "Territoire du Creusot",
            "month": date(2026, 11, 1),
            "total": 1,
        },
    ]
    by_territory = list(
        UnansweredSearch.objects.counts(date(2026, 1, 1), date(2026, 12, 31), by=["territoire"])
    )
    assert [(r["territoire__title"], r["total"]) for r in by_territory] == [
        ("Territoire du Creusot", 3),
        (None, 1),
    ]


def test_need_reports_are_counted_and_expire_after_the_retention(world, territory, settings):
    settings.FICHES_NEED_REPORT_MONTHS = 12
    NeedReport.create_for("Garde d'enfant la nuit", world["le_creusot"], day=date(2026, 12, 2))
    NeedReport.create_for("Garde d'enfant la nuit", None, day=date(2025, 11, 20))
    report = NeedReport.objects.get(week=date(2026, 11, 30))
    assert (report.words, report.epci, report.territoire) == (
        "Garde d'enfant la nuit",
        world["cu"],
        territory,
    )
    rows = list(NeedReport.objects.counts(by=["words"]))
    assert rows == [{"words": "Garde d'enfant la nuit", "total": 2}]
    assert list(NeedReport.objects.expired(on=date(2026, 12, 2)).values_list("week", flat=True)) == [
        date(2025, 11, 17)
    ]
