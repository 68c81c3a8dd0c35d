"""Opening hours: parsing free text into slots, OpenStreetMap `opening_hours` expressions,
"open now / opens at", and the hours written in French.

Kept free of Django models so that the rules are read (and tested) in one place. Every
schedule is evaluated as an OpenStreetMap `opening_hours` expression (the format of
data·inclusion's feeds) by opening-hours-py, a maintained parser (public holidays of France,
week and month ranges, `Tu[2]`, `off`, comments, several rules): a structure's slots are
written as one (`slots_expression`), an imported expression is read as it is.
"""

import functools
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours as osm
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


class WeekOfMonth(models.IntegerChoices):
    """Which week of the month a slot holds ("le 2e mardi du mois"); none: every week."""

    FIRST = 1, gettext_lazy("1er")
    SECOND = 2, gettext_lazy("2e")
    THIRD = 3, gettext_lazy("3e")
    FOURTH = 4, gettext_lazy("4e")
    LAST = -1, gettext_lazy("dernier")


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = lundi
    opens: time
    closes: time
    walk_in: bool = True  # True: sans rendez-vous; False: sur rendez-vous
    week_of_month: int | None = None  # WeekOfMonth; None: every week


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


# --- OpenStreetMap expressions ------------------------------------------------------------

# Public holidays (`PH`) are France's, from the parser's own calendar.
HOLIDAYS_COUNTRY = "FR"
OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
OSM_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
APPOINTMENT_COMMENT = "sur rendez-vous"


@functools.lru_cache(maxsize=4096)
def compiled(expression):
    """The parsed expression (cached: dozens of places share a few schedules), or None when
    it is empty or not an `opening_hours` expression."""
    expression = (expression or "").strip()
    if not expression:
        return None
    try:
        return osm.OpeningHours(expression, timezone=PARIS, country=HOLIDAYS_COUNTRY)
    except (osm.ParserError, SyntaxError, ValueError):
        return None


def check_expression(expression):
    """Raise OpeningHoursParseError when a non-empty text is not an `opening_hours` expression."""
    if (expression or "").strip() and compiled(expression) is None:
        raise OpeningHoursParseError(expression)


def _day_groups(slots):
    """[(first_day, last_day, week_of_month, walk_in, "08:30-12:00,14:00-17:00")]: consecutive
    days with the same ranges share a group."""
    by_day = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.opens)):
        key = (slot.week_of_month, slot.walk_in)
        by_day.setdefault(key, {}).setdefault(slot.weekday, []).append(
            f"{slot.opens:%H:%M}-{slot.closes:%H:%M}"
        )
    groups = []
    for (week, walk_in), days in sorted(by_day.items(), key=lambda kv: (kv[0][1] is False, kv[0][0] or 0)):
        current = []
        for day in range(7):
            ranges = ",".join(days.get(day, []))
            if current and ranges and current[-1][4] == ranges and current[-1][1] == day - 1:
                current[-1][1] = day
            elif ranges:
                current.append([day, day, week, walk_in, ranges])
        groups += current
    # Every week's hours first, then each week of the month's, in the order of the days.
    return sorted(groups, key=lambda g: (not g[3], g[2] is not None, g[0]))


def slots_expression(slots):
    """Slots as one `opening_hours` expression, e.g.
    `Mo-Fr 08:30-12:00; Tu 14:00-17:00 "sur rendez-vous"`, or "" for none.

    A rule whose days another rule already names is joined with ", " (OSM's additional rule):
    with "; " it would replace the hours of those days instead of adding to them."""
    rules, named = [], set()
    for first, last, week, walk_in, ranges in _day_groups(slots):
        days = OSM_DAYS[first] if first == last else f"{OSM_DAYS[first]}-{OSM_DAYS[last]}"
        if week:
            days = ",".join(f"{OSM_DAYS[d]}[{week}]" for d in range(first, last + 1))
        rule = f"{days} {ranges}" + ("" if walk_in else f' "{APPOINTMENT_COMMENT}"')
        span = set(range(first, last + 1))
        separator = ", " if span & named else "; "
        named |= span
        rules.append((separator, rule))
    return "".join((sep if i else "") + rule for i, (sep, rule) in enumerate(rules))


# --- Open now / opens at -------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    label: str
    known: bool = True  # False: nothing says whether the place is open (never shown as closed)


def _fmt(t):
    return t.strftime("%H:%M").replace(":", " h ")


def _access(comment):
    """A rule's comment says how the place receives: "sur rendez-vous", or its own words."""
    comment = (comment or "").strip()
    if not comment:
        return _("sans rendez-vous")
    if "rendez-vous" in comment.lower():
        return _("sur rendez-vous")
    return comment


def is_walk_in(comment):
    return "rendez-vous" not in (comment or "").lower()


def opening_status(hours, at, closed_from=None, closed_until=None):
    """Say whether a place is open at `at` (aware datetime, read in Europe/Paris time).

    `hours`: [Slot] or an `opening_hours` expression. A temporary closure (dates inclusive)
    wins over the hours. When closed, the label names the next opening (within two months),
    after the closure if there is one. Hours that are missing, unreadable or `unknown` are
    said to be unknown, never closed.
    """
    expression = hours if isinstance(hours, str) else slots_expression(hours)
    now = at.astimezone(PARIS)
    today = now.date()
    closed = (
        closed_from is not None and closed_from <= today and (closed_until is None or today <= closed_until)
    )
    schedule = compiled(expression)
    if closed and (closed_until is None or schedule is None):
        return OpeningStatus(False, _("Fermé temporairement"))
    if schedule is None:
        return OpeningStatus(False, _("Horaires non renseignés"), known=False)
    start = now
    if closed:
        start = datetime.combine(closed_until + timedelta(days=1), time(0, 0), tzinfo=PARIS)
    else:
        state, comment = schedule.state(now)
        if state == osm.State.OPEN:
            closes = schedule.next_change(now)
            if closes is not None and closes.astimezone(PARIS).date() == today:
                label = _("Ouvert maintenant jusqu’à %(closes)s (%(access)s)") % {
                    "closes": _fmt(closes.astimezone(PARIS)),
                    "access": _access(comment),
                }
            else:
                label = _("Ouvert maintenant (%(access)s)") % {"access": _access(comment)}
            return OpeningStatus(True, label)
        if state == osm.State.UNKNOWN:
            return OpeningStatus(False, comment or _("Horaires à confirmer"), known=False)
    prefix = _("Fermé temporairement") if closed else _("Fermé")
    nxt = _next_opening(schedule, start)
    if nxt is None:
        return OpeningStatus(False, prefix)
    opens, comment = nxt
    day = opens.date()
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
        "opens": _fmt(opens),
        "access": _access(comment),
    }
    return OpeningStatus(False, label)


def _next_opening(schedule, start):
    """(aware datetime, comment) of the next open interval from `start`, within two months."""
    for begin, _end, state, comment in schedule.intervals(start, start + timedelta(days=62)):
        if state == osm.State.OPEN:
            return max(begin, start).astimezone(PARIS), comment
    return None


def is_open_at(expression, at, walk_in=False):
    """Whether the expression says open at `at`; `walk_in`: open "sans rendez-vous"."""
    schedule = compiled(expression)
    if schedule is None:
        return False
    state, comment = schedule.state(at.astimezone(PARIS))
    return state == osm.State.OPEN and (not walk_in or is_walk_in(comment))


def has_walk_in_hours(expression):
    """Whether some rule of the expression opens without an appointment."""
    return compiled(expression) is not None and any(
        re.search(r"\d:\d\d|24/7", rule) and not re.search(r"\b(off|closed)\b", rule) and is_walk_in(rule)
        for rule in split_rules(expression)
    )


# --- Hours written in French ----------------------------------------------------------------

_DAY_RE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:\[([-\d,]+)\])?(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_MONTH_RE = re.compile(
    r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))?$"
)
_TIMES_RE = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}(?:,\d{1,2}:\d{2}-\d{1,2}:\d{2})*$")
_WEEKS_RE = re.compile(r"^(\d{1,2})(?:-(\d{1,2}))?$")
_MONTH_NAMES = [
    gettext_lazy("janvier"),
    gettext_lazy("février"),
    gettext_lazy("mars"),
    gettext_lazy("avril"),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juillet"),
    gettext_lazy("août"),
    gettext_lazy("septembre"),
    gettext_lazy("octobre"),
    gettext_lazy("novembre"),
    gettext_lazy("décembre"),
]


class _Unreadable(Exception):
    pass


def split_rules(expression):
    """The rules of an expression: split at ";", "||" and at ", " before a selector (OSM's
    additional rule), never inside a comment."""
    rules, current, quoted, i = [], "", False, 0
    while i < len(expression):
        char = expression[i]
        if char == '"':
            quoted = not quoted
        elif not quoted and (char == ";" or expression.startswith("||", i)):
            rules.append(current)
            current = ""
            i += 2 if char == "|" else 1
            continue
        elif not quoted and char == "," and re.match(r",\s+[A-Za-z]", expression[i:]):
            rules.append(current)
            current = ""
            i += 1
            continue
        current += char
        i += 1
    rules.append(current)
    return [r.strip() for r in rules if r.strip()]


def _ordinal(n):
    n = int(n)
    if n == -1:
        return str(WeekOfMonth.LAST.label)
    return str(WeekOfMonth(n).label) if n in WeekOfMonth.values else f"{n}e"


def _days_label(token):
    labels = choice_labels(Weekday)
    parts = []
    for part in re.split(r",(?![^\[]*\])", token):
        if part in ("PH", "SH"):
            parts.append(_("jours fériés") if part == "PH" else _("vacances scolaires"))
            continue
        match = _DAY_RE.match(part)
        if not match:
            raise _Unreadable(part)
        first, nth, last = match.groups()
        name = labels[OSM_DAYS.index(first)]
        if nth and last:
            raise _Unreadable(part)
        if nth:
            indexes = nth.split(",")
            if not all(re.fullmatch(r"-?[1-5]", i) for i in indexes):
                raise _Unreadable(part)
            ordinals = [_ordinal(i) for i in indexes]
            which = (
                ordinals[0]
                if len(ordinals) == 1
                else _("%(first)s et %(last)s")
                % {
                    "first": ", ".join(ordinals[:-1]),
                    "last": ordinals[-1],
                }
            )
            parts.append(_("%(which)s %(day)s du mois") % {"which": which, "day": name})
        elif last:
            parts.append(f"{name} – {labels[OSM_DAYS.index(last)]}")
        else:
            parts.append(name)
    return ", ".join(parts)


def _months_label(token):
    parts = []
    for part in token.split(","):
        match = _MONTH_RE.match(part)
        if not match:
            raise _Unreadable(part)
        first, last = match.groups()
        name = str(_MONTH_NAMES[OSM_MONTHS.index(first)])
        parts.append(f"{name} – {_MONTH_NAMES[OSM_MONTHS.index(last)]}" if last else name)
    return ", ".join(parts)


def _weeks_label(token):
    parts = []
    for part in token.split(","):
        match = _WEEKS_RE.match(part)
        if not match:
            raise _Unreadable(part)
        first, last = match.groups()
        if last:
            parts.append(_("semaines %(first)s à %(last)s") % {"first": int(first), "last": int(last)})
        else:
            parts.append(_("semaine %(number)s") % {"number": int(first)})
    return ", ".join(parts)


def _describe_rule(rule):
    comment = ""
    match = re.search(r'"([^"]*)"\s*$', rule)
    if match:
        comment, rule = match.group(1).strip(), rule[: match.start()].strip()
    rule = re.sub(r",\s+(?=\d)", ",", rule)  # "09:00-12:00, 14:00-17:00"
    when, text, words = [], None, rule.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word == "24/7":
            text = _("24 h sur 24")
        elif word in ("off", "closed"):
            text = _("fermé")
        elif word == "open":
            text = text or _("ouvert")
        elif word == "unknown":
            text = _("horaires à confirmer")
        elif word == "week" and i + 1 < len(words):
            i += 1
            when.append(_weeks_label(words[i]))
        elif _TIMES_RE.match(word):
            text = " · ".join(
                "–".join(f"{int(t[:-3]):02d}:{t[-2:]}" for t in span.split("-")) for span in word.split(",")
            )
        elif word in OSM_MONTHS and i + 1 < len(words) and words[i + 1].isdigit():
            i += 1
            when.append(f"{int(words[i])} {_MONTH_NAMES[OSM_MONTHS.index(word)]}")
        elif word[:3] in OSM_MONTHS:
            when.append(_months_label(word))
        else:
            when.append(_days_label(word))
        i += 1
    if text is None and comment and not when:
        return (str(_("autrement")), comment)  # a fallback rule's comment: `|| "sur rendez-vous"`
    if text is None:
        text = _("ouvert") if when else _("horaires à confirmer")
    if comment:
        text = f"{text} ({_access(comment)})"
    return (", ".join(str(w) for w in when) or _("tous les jours"), str(text))


def describe(expression):
    """An `opening_hours` expression in French, one (when, hours) pair per rule, e.g.
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off" → [("lundi – vendredi", "09:00–12:00 · 14:00–17:00"),
    ("jours fériés", "fermé")]. A rule beyond what it reads is given as written, with an
    empty first member."""
    lines = []
    for rule in split_rules(expression or ""):
        try:
            lines.append(_describe_rule(rule))
        except _Unreadable:
            lines.append(("", rule))
    return lines


def describe_text(expression):
    """The hours in French on one line ("lundi – vendredi : 09:00–12:00 ; jours fériés :
    fermé"); a text that is not an expression is given back as it is."""
    if compiled(expression) is None:
        return (expression or "").strip()
    return " ; ".join(f"{when} : {text}" if when else text for when, text in describe(expression))
