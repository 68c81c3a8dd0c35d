from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from territories.opening_hours import OpeningHoursParseError, Slot, opening_status, parse_day

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
