"""Weekly opening hours: parsing free text into slots, and "open now / opens at".

Kept free of Django models so that the rules are read (and tested) in one place; the models
hand in their slots as plain `Slot` tuples.
"""

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")


class Weekday(models.IntegerChoices):
    MONDAY = 0, gettext_lazy("lundi")
    TUESDAY = 1, gettext_lazy("mardi")
    WEDNESDAY = 2, gettext_lazy("mercredi")
    THURSDAY = 3, gettext_lazy("jeudi")
    FRIDAY = 4, gettext_lazy("vendredi")
    SATURDAY = 5, gettext_lazy("samedi")
    SUNDAY = 6, gettext_lazy("dimanche")


def choice_labels(choices):
    """{value: label} of a choices class, in the active language, translated once per language
    (maps and cards show the hours of dozens of places per page)."""
    return _translated_labels(choices, get_language())


@functools.lru_cache(maxsize=32)
def _translated_labels(choices, language):
    return {value: str(label) for value, label in choices.choices}


_RANGE_RE = re.compile(r"^\s*(\d{1,2})[:hH](\d{2})\s*[-–à]\s*(\d{1,2})[:hH](\d{2})\s*$")


class OpeningHoursParseError(ValueError):
    pass


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = lundi
    opens: time
    closes: time
    walk_in: bool = True  # True: sans rendez-vous; False: sur rendez-vous


def parse_day(text):
    """Parse "08:45 - 11:45 / 13:15 - 17:00" into [(opens, closes), …].

    An empty text means closed that day. Anything else that is not a list of ranges raises
    OpeningHoursParseError, so that the importer can report the line instead of guessing.
    """
    text = (text or "").strip()
    if not text:
        return []
    ranges = []
    for part in text.split("/"):
        match = _RANGE_RE.match(part)
        if not match:
            raise OpeningHoursParseError(part.strip())
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
            raise OpeningHoursParseError(part.strip())
        opens = time(h1, m1)
        closes = time(23, 59) if h2 == 24 else time(h2, m2)
        if closes <= opens:
            raise OpeningHoursParseError(part.strip())
        ranges.append((opens, closes))
    return sorted(ranges)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    label: str
    slot: Slot | None = None


def _fmt(t):
    return t.strftime("%H:%M").replace(":", " h ")


def _access(slot):
    return _("sans rendez-vous") if slot.walk_in else _("sur rendez-vous")


def opening_status(slots, at, closed_from=None, closed_until=None):
    """Say whether a place is open at `at` (aware datetime, read in Europe/Paris time).

    A temporary closure (dates inclusive) wins over the weekly hours. When closed, the label
    names the next opening within the coming week, after the closure if there is one.
    """
    now = at.astimezone(PARIS)
    today = now.date()
    closed = (
        closed_from is not None and closed_from <= today and (closed_until is None or today <= closed_until)
    )
    if not closed:
        for slot in slots:
            if slot.weekday == now.weekday() and slot.opens <= now.time() < slot.closes:
                label = _("Ouvert maintenant jusqu’à %(closes)s (%(access)s)") % {
                    "closes": _fmt(slot.closes),
                    "access": _access(slot),
                }
                return OpeningStatus(True, label, slot)
    if not slots:
        return OpeningStatus(False, _("Horaires non renseignés"))
    start = now
    if closed:
        if closed_until is None:
            return OpeningStatus(False, _("Fermé temporairement"))
        start = datetime.combine(closed_until + timedelta(days=1), time(0, 0), tzinfo=PARIS)
    nxt = _next_opening(slots, start)
    prefix = _("Fermé temporairement") if closed else _("Fermé")
    if nxt is None:
        return OpeningStatus(False, prefix)
    day, slot = nxt
    if day == today:
        when = _("aujourd’hui")
    elif day == today + timedelta(days=1):
        when = _("demain")
    elif (day - today).days < 7:
        when = str(Weekday(day.weekday()).label)
    else:
        when = _("le %(date)s") % {"date": day.strftime("%d/%m/%Y")}
    label = _("%(prefix)s · ouvre %(when)s à %(opens)s (%(access)s)") % {
        "prefix": prefix,
        "when": when,
        "opens": _fmt(slot.opens),
        "access": _access(slot),
    }
    return OpeningStatus(False, label, slot)


def _next_opening(slots, start):
    for offset in range(8):
        day: date = start.date() + timedelta(days=offset)
        candidates = sorted((s for s in slots if s.weekday == day.weekday()), key=lambda s: s.opens)
        for slot in candidates:
            if offset > 0 or slot.opens > start.time():
                return day, slot
    return None
