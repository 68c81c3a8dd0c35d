import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from territories.opening_hours import (
    OpeningHoursParseError,
    Slot,
    compiled,
    describe,
    opening_status,
    parse_day,
    slots_expression,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")

# Monday to Friday 08:30–12:00 walk-in; Tuesday 14:00–17:00 by appointment.
SLOTS = [Slot(d, time(8, 30), time(12, 0)) for d in range(5)] + [
    Slot(1, time(14, 0), time(17, 0), walk_in=False)
]


def at(*args, tz=PARIS):
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("08:45 - 11:45 / 13:15 - 17:00", [(time(8, 45), time(11, 45)), (time(13, 15), time(17, 0))]),
        ("09:00 - 14:00", [(time(9, 0), time(14, 0))]),
        ("9h00 – 12h30", [(time(9, 0), time(12, 30))]),
        ("", []),
        ("   ", []),
    ],
)
def test_day_texts_are_parsed_into_ranges(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    "text", ["Sur rendez-vous", "08:00", "12:00 - 08:00", "25:00 - 26:00", "08:00 - 12:00 / fermé"]
)
def test_unreadable_day_texts_raise_instead_of_guessing(text):
    with pytest.raises(OpeningHoursParseError):
        parse_day(text)


def test_open_during_a_walk_in_slot():
    status = opening_status(SLOTS, at(2026, 11, 23, 10, 0))  # a Monday
    assert status.is_open
    assert status.label == "Ouvert maintenant jusqu’à 12 h 00 (sans rendez-vous)"


def test_closes_at_the_closing_minute():
    assert not opening_status(SLOTS, at(2026, 11, 23, 12, 0)).is_open


def test_closed_at_lunch_says_when_it_opens_again_and_how():
    status = opening_status(SLOTS, at(2026, 11, 24, 12, 30))  # Tuesday
    assert not status.is_open
    assert status.label == "Fermé · ouvre aujourd’hui à 14 h 00 (sur rendez-vous)"


def test_friday_evening_points_to_monday():
    status = opening_status(SLOTS, at(2026, 11, 27, 18, 0))
    assert status.label == "Fermé · ouvre lundi à 08 h 30 (sans rendez-vous)"


def test_evening_points_to_tomorrow():
    assert (
        opening_status(SLOTS, at(2026, 11, 23, 19, 0)).label
        == "Fermé · ouvre demain à 08 h 30 (sans rendez-vous)"
    )


def test_time_is_read_in_paris_whatever_the_server_zone():
    # 08:00 UTC on a winter Monday is 09:00 in Paris: open.
    assert opening_status(SLOTS, at(2026, 11, 23, 8, 0, tz=UTC)).is_open
    # 06:45 UTC on a summer Monday is 08:45 in Paris (UTC+2): open; in winter it would not be.
    assert opening_status(SLOTS, at(2026, 7, 6, 6, 45, tz=UTC)).is_open
    assert not opening_status(SLOTS, at(2026, 11, 23, 6, 45, tz=UTC)).is_open


def test_a_temporary_closure_wins_and_names_the_reopening():
    status = opening_status(
        SLOTS, at(2026, 11, 23, 10, 0), closed_from=date(2026, 11, 20), closed_until=date(2026, 11, 25)
    )
    assert not status.is_open
    assert status.label == "Fermé temporairement · ouvre jeudi à 08 h 30 (sans rendez-vous)"


def test_a_closure_without_end_says_closed():
    status = opening_status(SLOTS, at(2026, 11, 23, 10, 0), closed_from=date(2026, 11, 1))
    assert status.label == "Fermé temporairement"


def test_no_slots_says_hours_unknown():
    assert opening_status([], at(2026, 11, 23, 10, 0)).label == "Horaires non renseignés"


# --- OpenStreetMap expressions, as real feeds write them ---------------------------------

WEEK_PH_OFF = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"  # the example, data·inclusion's form


def test_the_examples_of_the_data_inclusion_schema_are_read():
    schema = json.loads((settings.FICHES_DATA_INCLUSION_DIR / "structure.json").read_text(encoding="utf-8"))
    examples = schema["properties"]["horaires_accueil"]["examples"]
    assert examples == ["Mo-Fr 08:30-12:30; PH off"]
    for example in examples:
        assert compiled(example) is not None
        assert opening_status(example, at(2026, 11, 23, 9, 0)).is_open  # a Monday
        assert describe(example) == [("lundi – vendredi", "08:30–12:30"), ("jours fériés", "fermé")]


def test_public_holidays_off_close_a_weekday_and_point_to_the_next_day():
    # 11 November 2026 is a Wednesday and a public holiday in France.
    status = opening_status(WEEK_PH_OFF, at(2026, 11, 11, 10, 0))
    assert not status.is_open and status.known
    assert status.label == "Fermé · ouvre demain à 09 h 00 (sans rendez-vous)"
    assert opening_status(WEEK_PH_OFF, at(2026, 11, 12, 10, 0)).label == (
        "Ouvert maintenant jusqu’à 12 h 00 (sans rendez-vous)"
    )
    assert opening_status(WEEK_PH_OFF, at(2026, 11, 12, 12, 30)).label == (
        "Fermé · ouvre aujourd’hui à 14 h 00 (sans rendez-vous)"
    )


def test_several_rules_with_a_comment_add_hours_and_say_how_the_place_receives():
    expression = 'Mo-Fr 08:30-12:00, Tu 14:00-17:00 "sur rendez-vous"'
    assert opening_status(expression, at(2026, 11, 24, 10, 0)).label == (
        "Ouvert maintenant jusqu’à 12 h 00 (sans rendez-vous)"
    )
    assert opening_status(expression, at(2026, 11, 24, 15, 0)).label == (
        "Ouvert maintenant jusqu’à 17 h 00 (sur rendez-vous)"
    )
    assert describe(expression) == [
        ("lundi – vendredi", "08:30–12:00"),
        ("mardi", "14:00–17:00 (sur rendez-vous)"),
    ]


def test_the_second_tuesday_of_the_month():
    expression = "Tu[2] 14:00-17:00"
    # 1 December 2026 is the first Tuesday: closed, opens on the 8th.
    status = opening_status(expression, at(2026, 12, 1, 15, 0))
    assert status.label == "Fermé · ouvre le 08/12/2026 à 14 h 00 (sans rendez-vous)"
    assert opening_status(expression, at(2026, 12, 8, 15, 0)).is_open
    assert not opening_status(expression, at(2026, 12, 15, 15, 0)).is_open
    assert describe(expression) == [("2e mardi du mois", "14:00–17:00")]
    assert describe("Tu[1,3] 09:00-12:00") == [("1er et 3e mardi du mois", "09:00–12:00")]
    assert describe("Fr[-1] 09:00-12:00") == [("dernier vendredi du mois", "09:00–12:00")]


def test_month_and_week_ranges_and_off():
    expression = "Jan-Jun,Sep-Dec Mo-Fr 09:00-12:00; Jul-Aug off"
    assert opening_status(expression, at(2026, 6, 29, 10, 0)).is_open
    summer = opening_status(expression, at(2026, 7, 6, 10, 0))
    assert not summer.is_open and summer.known
    assert describe(expression) == [
        ("janvier – juin, septembre – décembre, lundi – vendredi", "09:00–12:00"),
        ("juillet – août", "fermé"),
    ]
    assert describe("week 1-26 Mo 09:00-12:00") == [("semaines 1 à 26, lundi", "09:00–12:00")]
    assert describe("Dec 25 off") == [("25 décembre", "fermé")]


def test_a_service_s_hours_read_as_french_not_as_the_raw_expression():
    assert describe("Tu 14:00-17:00") == [("mardi", "14:00–17:00")]
    assert describe('Mo-Fr 10:00-20:00 "sur rendez-vous"; PH off') == [
        ("lundi – vendredi", "10:00–20:00 (sur rendez-vous)"),
        ("jours fériés", "fermé"),
    ]


@pytest.mark.parametrize("hours", ["", "unknown", "n’importe quoi", []])
def test_unknown_or_unreadable_hours_are_never_said_closed(hours):
    status = opening_status(hours, at(2026, 11, 23, 10, 0))
    assert not status.is_open
    assert not status.known
    assert not status.label.startswith("Fermé")


def test_slots_are_written_as_additional_rules_when_their_days_meet():
    # With "; " the appointment rule would replace Tuesday's morning instead of adding to it.
    assert slots_expression(SLOTS) == 'Mo-Fr 08:30-12:00, Tu 14:00-17:00 "sur rendez-vous"'
    monthly = [Slot(1, time(14), time(17), week_of_month=2), Slot(4, time(9), time(12), week_of_month=-1)]
    assert slots_expression(monthly) == "Tu[2] 14:00-17:00; Fr[-1] 09:00-12:00"
