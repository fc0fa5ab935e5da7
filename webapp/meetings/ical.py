"""iCalendar text for meetings: iTIP REQUEST and CANCEL (RFC 5545/5546) and subscription feeds.

Contract:
- Inputs are frozen dataclasses; times are *aware* datetimes (any tzinfo, UTC is fine) and
  each event names its venue's IANA `zone`; DTSTART/DTEND/EXDATE/RECURRENCE-ID are written
  as wall-clock times in that zone with `TZID=<zone>` and a VTIMEZONE built by
  `webapp.core.vtimezone` (RRULE blocks, historic observances when the rules changed).
- A series is one master `Event` with a `Recurrence` (RRULE) and `exdates`; a moved or
  renamed occurrence is another `Event` with the same uid and `recurrence_id` set to the
  occurrence's *original* start. A one-off meeting is an `Event` without recurrence.
- `request`/`cancel` take the events of ONE uid (the master and/or overrides) and return
  the whole VCALENDAR text: CRLF line ends, lines folded at 75 octets on UTF-8 character
  boundaries, text values escaped so that every parser reads back the same string.
  Same input, same text (deterministic), so tests and idempotency keys can compare it.
  `feed` takes the events of many uids (METHOD:PUBLISH) for a subscription URL.
- `occurrence_starts` expands a rule exactly as the clients will (wall-clock repeats).
- What cannot be written faithfully raises ValueError (naive times, an unknown zone, a
  second-of-two wall-clock time as a series start, an unbounded rule, a uid or address
  that would break the line); services turn it into a RuleError before saving.
- Nothing here touches the database, the request or the clock: the caller passes `dtstamp`.
- Proof: tests/meetings/test_ical_*.py read every message back with ical.js (Thunderbird's
  parser, under Node), icalendar + recurring-ical-events and vobject, against zoneinfo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du

from webapp.core.vtimezone import vtimezone_lines

from . import _ics_text as ics

Role = Literal["CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"]
PartStat = Literal["NEEDS-ACTION", "ACCEPTED", "TENTATIVE", "DECLINED", "DELEGATED"]
Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
Frequency = Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]

PRODID = "-//Puerto//Meetings//EN"

_UID = re.compile(r"^[A-Za-z0-9@._\-+=/:]{1,255}$")
_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class Attendee:
    """One ATTENDEE line. `delegated_to`/`delegated_from` are email addresses."""

    email: str
    name: str = ""
    role: Role = "REQ-PARTICIPANT"
    partstat: PartStat = "NEEDS-ACTION"
    rsvp: bool = True
    delegated_to: str | None = None
    delegated_from: str | None = None

    def __post_init__(self) -> None:
        if self.role not in get_args(Role):
            raise ValueError(f"unknown ROLE {self.role!r}")
        if self.partstat not in get_args(PartStat):
            raise ValueError(f"unknown PARTSTAT {self.partstat!r}")


@dataclass(frozen=True)
class Recurrence:
    """An RRULE. Exactly one of `count`/`until` must be set (we never write unbounded series).

    `by_day` items are RFC 5545 weekdays with an optional ordinal: "TU", "1TU", "-1FR".
    `until` is an aware datetime (the last allowed occurrence start, inclusive); it is
    written in UTC as RFC 5545 requires when DTSTART has a TZID.

    Examples: yearly in May `Recurrence("YEARLY", by_month=(5,), count=5)` (day and time
    from the event's start); every six months `Recurrence("MONTHLY", interval=6, count=4)`;
    first Tuesday of each quarter `Recurrence("MONTHLY", interval=3, by_day=("1TU",), ...)`
    or `Recurrence("YEARLY", by_month=(1, 4, 7, 10), by_day=("1TU",), ...)`.
    """

    freq: Frequency
    interval: int = 1
    count: int | None = None
    until: datetime | None = None
    by_month: tuple[int, ...] = ()
    by_day: tuple[str, ...] = ()
    by_month_day: tuple[int, ...] = ()
    by_set_pos: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.freq not in get_args(Frequency):
            raise ValueError(f"unknown FREQ {self.freq!r}")
        if (self.count is None) == (self.until is None):
            raise ValueError("a recurrence needs exactly one of count or until")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1")
        if self.until is not None and self.until.tzinfo is None:
            raise ValueError("until must be an aware datetime")
        if self.interval < 1:
            raise ValueError("interval must be at least 1")
        if any(not 1 <= m <= 12 for m in self.by_month):
            raise ValueError("by_month values are 1..12")
        if any(not _BYDAY.match(d) for d in self.by_day):
            raise ValueError("by_day values look like TU, 1TU or -1FR")
        if any(d == 0 or not -31 <= d <= 31 for d in self.by_month_day):
            raise ValueError("by_month_day values are 1..31 or -31..-1")
        if any(p == 0 or not -366 <= p <= 366 for p in self.by_set_pos):
            raise ValueError("by_set_pos values are 1..366 or -366..-1")

    def rrule(self) -> str:
        """The RRULE value, e.g. `FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU;UNTIL=20301231T230000Z`."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        for name, values in (
            ("BYMONTH", self.by_month),
            ("BYDAY", self.by_day),
            ("BYMONTHDAY", self.by_month_day),
            ("BYSETPOS", self.by_set_pos),
        ):
            if values:
                parts.append(f"{name}={','.join(str(v) for v in values)}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={ics.utc(self.until)}")
        return ";".join(parts)


@dataclass(frozen=True)
class Event:
    """One VEVENT: a one-off meeting, a series' master, or one occurrence's override.

    `start`/`end` are aware datetimes; they are written as wall-clock in `zone`.
    `exdates` are the *original* starts of cancelled occurrences (master only).
    `recurrence_id` is the *original* start of the occurrence this override replaces.
    `organizer_sent_by`, if given, becomes ORGANIZER;SENT-BY (the platform's address).
    A one-off's or override's time that a change of offset repeats (01:30 on a fall-back
    night) is written in UTC, since readers disagree on which of the two a TZID means; a
    series cannot start at the second of two such times (ValueError).
    """

    uid: str
    sequence: int
    summary: str
    start: datetime
    end: datetime
    zone: str
    organizer_email: str
    organizer_name: str = ""
    attendees: tuple[Attendee, ...] = ()
    description: str = ""
    location: str | None = None
    url: str | None = None
    status: Status = "CONFIRMED"
    recurrence: Recurrence | None = None
    exdates: tuple[datetime, ...] = ()
    recurrence_id: datetime | None = None
    organizer_sent_by: str | None = None
    created: datetime | None = None
    last_modified: datetime | None = None
    categories: tuple[str, ...] = field(default=())


def uid_for(kind: str, ident: int | str, domain: str) -> str:
    """A UID derived from our own ids, never random: `uid_for("series", 12, "puerto.example")`
    -> `"series-12@puerto.example"`. Every message about that series reuses it."""
    return f"{kind}-{ident}@{domain}"


def occurrence_starts(
    start: datetime, zone: str, recurrence: Recurrence | None, *, limit: int = 1000
) -> list[datetime]:
    """The series' original starts as aware UTC datetimes, as every client expands them.

    The rule repeats the *wall-clock* time of `start` in `zone` (so 10:00 stays 10:00
    across daylight-saving changes); a wall-clock time that does not exist that day is
    read with the offset before the gap (RFC 5545 3.3.5). No exdates or overrides applied.
    Raises ValueError past `limit` occurrences (a guard against huge series).
    """
    return list(_occurrence_starts(start, zone, recurrence, limit))


@lru_cache(maxsize=256)
def _occurrence_starts(
    start: datetime, zone: str, recurrence: Recurrence | None, limit: int
) -> tuple[datetime, ...]:
    tz = ZoneInfo(zone)
    first = ics.wall_clock(start, zone).replace(tzinfo=None, fold=0)
    if recurrence is None:
        return (start.astimezone(UTC),)
    weekdays = []
    for item in recurrence.by_day:
        match = _BYDAY.match(item)
        assert match  # checked in Recurrence.__post_init__
        day = getattr(du, match.group(2))
        weekdays.append(day(int(match.group(1))) if match.group(1) else day)
    rule = du.rrule(
        {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}[
            recurrence.freq
        ],
        dtstart=first,
        interval=recurrence.interval,
        count=recurrence.count,
        # UNTIL is an instant; compare instants below, let the wall-clock rule run a day past it.
        until=(
            ics.wall_clock(recurrence.until, zone).replace(tzinfo=None) + timedelta(days=1)
            if recurrence.until
            else None
        ),
        bymonth=recurrence.by_month or None,
        byweekday=weekdays or None,
        bymonthday=recurrence.by_month_day or None,
        bysetpos=recurrence.by_set_pos or None,
    )
    starts: list[datetime] = []
    for wall in rule:
        instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if recurrence.until and instant > recurrence.until:
            break
        if len(starts) == limit:
            raise ValueError(f"more than {limit} occurrences")
        starts.append(instant)
    return tuple(starts)


def request(events: Sequence[Event], *, dtstamp: datetime) -> str:
    """METHOD:REQUEST for one uid: an invitation or an update (raise SEQUENCE yourself).

    Pass the master (with its RRULE/EXDATE) and any overrides, or just one override to
    update a single occurrence (Outlook applies those reliably only alone).
    Raises ValueError if the events do not share one uid or a time is naive.
    """
    _check_one_uid(events)
    return _calendar("REQUEST", events, dtstamp)


def cancel(events: Sequence[Event], *, dtstamp: datetime) -> str:
    """METHOD:CANCEL for one uid: STATUS:CANCELLED, no VALARM.

    The whole series: pass the master. One occurrence: pass an `Event` whose
    `recurrence_id` is that occurrence's original start (and no recurrence).
    Removing one participant: pass the event with `attendees` holding only them.
    The caller passes a SEQUENCE higher than the last one sent.
    """
    _check_one_uid(events)
    return _calendar("CANCEL", events, dtstamp, status="CANCELLED")


def feed(events: Sequence[Event], *, name: str, dtstamp: datetime) -> str:
    """A subscription feed (METHOD:PUBLISH, X-WR-CALNAME, REFRESH-INTERVAL) with many uids."""
    # Readers treat these calendar-level names as raw text (icalendar does not unescape
    # them): say the name without characters that would need escaping.
    plain = " ".join(re.sub(r"[\\;,]", " ", name).split())
    header = [
        f"NAME:{plain}",
        f"X-WR-CALNAME:{plain}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    return _calendar("PUBLISH", events, dtstamp, header=header)


# --- writing ---------------------------------------------------------------------------------


def _check_one_uid(events: Sequence[Event]) -> None:
    if not events:
        raise ValueError("no events")
    if len({e.uid for e in events}) != 1:
        raise ValueError("an iTIP message carries the events of one uid")
    if sum(1 for e in events if e.recurrence_id is None) > 1:
        raise ValueError("one uid has at most one master event")


def _calendar(
    method: str,
    events: Sequence[Event],
    dtstamp: datetime,
    *,
    status: Status | None = None,
    header: Sequence[str] = (),
) -> str:
    for event in events:
        _check_event(event)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN"]
    lines += [f"METHOD:{method}", *header]
    parts = [ics.document(lines)]
    for zone in sorted({e.zone for e in events}):
        instants = [t for e in events if e.zone == zone for t in _instants(e)]
        parts.append(_vtimezone_text(zone, min(instants), max(instants)))
    for event in events:
        parts.append(_vevent_text(event, dtstamp, status or event.status))
    parts.append(ics.document(["END:VCALENDAR"]))
    return "".join(parts)


# An invitation to a thousand participants writes the same events a thousand times, each
# with its own ATTENDEE line: the rest of each event, and each zone's VTIMEZONE, is folded
# once and reused. The keys are the frozen inputs (instants compare as instants, which is
# all the text depends on), so a changed event is a new key, never a stale text.


@lru_cache(maxsize=256)
def _vtimezone_text(zone: str, first: datetime, last: datetime) -> str:
    return ics.document(vtimezone_lines(zone, first, last))


def _vevent_text(event: Event, dtstamp: datetime, status: Status) -> str:
    head, tail = _vevent_parts(replace(event, attendees=()), dtstamp, status)
    return head + ics.document(_attendee(a) for a in event.attendees) + tail


@lru_cache(maxsize=256)
def _vevent_parts(event: Event, dtstamp: datetime, status: Status) -> tuple[str, str]:
    """The folded text of the event before and after its ATTENDEE lines (it has none)."""
    lines = _vevent(event, dtstamp, status)
    at = lines.index(_ATTENDEES)
    return ics.document(lines[:at]), ics.document(lines[at + 1 :])


# Where `_vevent` puts the ATTENDEE lines, for `_vevent_parts` to cut there.
_ATTENDEES = "\0attendees"


def _check_event(event: Event) -> None:
    try:
        ZoneInfo(event.zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {event.zone!r}") from error
    if event.sequence < 0:
        raise ValueError("SEQUENCE starts at 0")
    times = [event.start, event.end, *event.exdates]
    if event.recurrence_id is not None:
        times.append(event.recurrence_id)
    if any(t.tzinfo is None or t.utcoffset() is None for t in times):
        raise ValueError("naive datetimes are ambiguous; pass aware datetimes")
    if not _UID.match(event.uid):
        raise ValueError("a uid is letters, digits and @ . _ - + = / : (see uid_for)")
    if event.end <= event.start:
        raise ValueError("an event must end after it starts")
    if event.recurrence_id is not None and event.recurrence is not None:
        raise ValueError("an occurrence's override cannot carry its own recurrence")
    if event.recurrence is None and event.exdates:
        raise ValueError("exdates belong to a recurring master")


def _instants(event: Event) -> Iterable[datetime]:
    yield event.start
    yield event.end
    yield from event.exdates
    if event.recurrence_id is not None:
        yield event.recurrence_id
    if event.recurrence is not None:
        starts = occurrence_starts(event.start, event.zone, event.recurrence)
        yield starts[-1] + (event.end - event.start)


def _vevent(event: Event, dtstamp: datetime, status: Status) -> list[str]:
    zone = event.zone
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{ics.utc(dtstamp)}",
        f"DTSTART{ics.local(event.start, zone, utc_if_ambiguous=event.recurrence is None)}",
        f"DTEND{ics.local(event.end, zone, utc_if_ambiguous=event.recurrence is None)}",
    ]
    if event.recurrence is not None:
        lines.append(f"RRULE:{event.recurrence.rrule()}")
        lines += [f"EXDATE{ics.local(when, zone)}" for when in sorted(event.exdates)]
    if event.recurrence_id is not None:
        lines.append(f"RECURRENCE-ID{ics.local(event.recurrence_id, zone)}")
    lines.append(f"SUMMARY:{ics.text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{ics.text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{ics.text(event.location)}")
    if event.url:
        lines.append(f"URL:{ics.uri(event.url)}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(ics.text(c) for c in event.categories))
    lines += [f"STATUS:{status}", "TRANSP:OPAQUE", "CLASS:PUBLIC"]
    organizer = "ORGANIZER"
    if event.organizer_name:
        organizer += f";CN={ics.param(event.organizer_name)}"
    if event.organizer_sent_by:
        organizer += f";SENT-BY={ics.param(ics.mailto(event.organizer_sent_by))}"
    lines.append(f"{organizer}:{ics.mailto(event.organizer_email)}")
    lines.append(_ATTENDEES)
    if event.created is not None:
        lines.append(f"CREATED:{ics.utc(event.created)}")
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{ics.utc(event.last_modified)}")
    lines.append("END:VEVENT")
    return lines


def _attendee(attendee: Attendee) -> str:
    line = (
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE={attendee.role};PARTSTAT={attendee.partstat}"
        f";RSVP={'TRUE' if attendee.rsvp else 'FALSE'}"
    )
    if attendee.name:
        line += f";CN={ics.param(attendee.name)}"
    if attendee.delegated_to:
        line += f";DELEGATED-TO={ics.param(ics.mailto(attendee.delegated_to))}"
    if attendee.delegated_from:
        line += f";DELEGATED-FROM={ics.param(ics.mailto(attendee.delegated_from))}"
    return f"{line}:{ics.mailto(attendee.email)}"
