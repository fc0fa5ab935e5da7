"""Wall-clock times in a venue's zone, and recurrence rules, checked before anything is
saved: a time the clocks skip or pass twice, an unknown zone, a rule without end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from webapp.core.errors import RuleError
from webapp.core.i18n import datetime_pattern
from webapp.core.timezones import is_valid_zone

# A series makes at most this many occurrences: a rule must be bounded.
MAX_OCCURRENCES = 60

# What the repeat menu offers, as RRULE values without COUNT/UNTIL.
REPEATS = {
    "once": "",
    "yearly": "FREQ=YEARLY",
    "semiannual": "FREQ=MONTHLY;INTERVAL=6",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "monthly": "FREQ=MONTHLY",
    "weekly": "FREQ=WEEKLY",
}


def check_zone(zone: str | None, field: str = "zone") -> str:
    if not is_valid_zone(zone):
        raise RuleError(_("Choose a time zone from the list."), field)
    return zone  # type: ignore[return-value]


def check_line(text: str | None, field: str, *, required: bool = False, limit: int = 300) -> str:
    """One line of text: no line breaks or control characters, within `limit`."""
    value = (text or "").strip()
    if required and not value:
        raise RuleError(_("This field is required."), field)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise RuleError(_("Write this on one line, without line breaks."), field)
    if len(value) > limit:
        raise RuleError(
            ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", limit),
            field,
        )
    return value


def wall_to_utc(naive: datetime, zone: str, fold: int | None, field: str) -> datetime:
    """The UTC instant of a wall-clock time in `zone`. Refuses a time the clocks skip, and
    one they pass twice unless `fold` says which (0: the first, 1: the second)."""
    tz = ZoneInfo(check_zone(zone))
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    shown = format_datetime(naive, datetime_pattern(), rebase=False)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise RuleError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks go forward then. "
                "Choose another time.",
                time=shown,
                zone=zone,
            ),
            field,
        )
    if first.utcoffset() != second.utcoffset():
        if fold not in (0, 1):
            raise RuleError(
                _(
                    "%(time)s happens twice in %(zone)s: the clocks go back then. "
                    "Choose the first (UTC%(first)s) or the second (UTC%(second)s).",
                    time=shown,
                    zone=zone,
                    first=_offset(first.utcoffset()),
                    second=_offset(second.utcoffset()),
                ),
                "fold",
            )
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def build_rule(repeat: str, count: int | None, until: str | None, custom: str = "") -> str:
    """The RRULE value for the repeat menu's choice, bounded by COUNT or UNTIL."""
    if repeat == "custom":
        return normalise_rule(custom)
    if repeat not in REPEATS:
        raise RuleError(_("Choose how the meeting repeats."), "repeat")
    base = REPEATS[repeat]
    if not base:
        return ""
    if count:
        return f"{base};COUNT={count}"
    if until:
        return f"{base};UNTIL={until}"
    raise RuleError(
        _("A repeating series needs an end: a number of meetings or a last date."), "count"
    )


def normalise_rule(text: str | None) -> str:
    value = (text or "").strip().upper()
    if any(c in value for c in "\r\n"):
        raise RuleError(_("This repetition rule cannot be read."), "rule")
    return value.removeprefix("RRULE:")


def _wall_clock_until(rule: str, zone: str) -> str:
    """The rule with its UNTIL as the wall clock in `zone`, read as calendars read it
    (`calendar.parse_rule`): a date is the end of that day there (its meetings take
    place), an instant in UTC the same instant there, a floating time that time there."""
    parts = []
    for part in rule.split(";"):
        key, _sep, value = part.partition("=")
        if key == "UNTIL" and len(value) == 8:
            part = f"UNTIL={value}T235959"
        elif key == "UNTIL" and value.endswith("Z"):
            moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            part = f"UNTIL={moment.astimezone(ZoneInfo(zone)):%Y%m%dT%H%M%S}"
        parts.append(part)
    return ";".join(parts)


def expand(rule: str, first_start: datetime, zone: str) -> list[datetime]:
    """The wall-clock starts (naive) a bounded rule gives from `first_start` in `zone`:
    the meetings the series' calendar event holds, no more, no fewer."""
    if not rule:
        return [first_start]
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RuleError(
            _("A repeating series needs an end: a number of meetings or a last date."), "rule"
        )
    try:
        wall_rule = _wall_clock_until(rule, zone)
        recurrence = rrulestr(f"RRULE:{wall_rule}", dtstart=first_start, ignoretz=True)
        starts = list(islice(recurrence, MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise RuleError(_("This repetition rule cannot be read."), "rule") from exc
    if len(starts) > MAX_OCCURRENCES:
        raise RuleError(
            ngettext(
                "A series can have at most %(num)d meeting.",
                "A series can have at most %(num)d meetings.",
                MAX_OCCURRENCES,
            ),
            "rule",
        )
    if not starts:
        raise RuleError(_("This repetition rule gives no meeting."), "rule")
    return starts
