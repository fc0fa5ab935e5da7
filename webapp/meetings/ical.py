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
- Nothing here touches the database, the request or the clock: the caller passes `dtstamp`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Role = Literal["CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"]
PartStat = Literal["NEEDS-ACTION", "ACCEPTED", "TENTATIVE", "DECLINED", "DELEGATED"]
Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
Frequency = Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]

PRODID = "-//Puerto//Meetings//EN"

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
        raise NotImplementedError


@dataclass(frozen=True)
class Event:
    """One VEVENT: a one-off meeting, a series' master, or one occurrence's override.

    `start`/`end` are aware datetimes; they are written as wall-clock in `zone`.
    `exdates` are the *original* starts of cancelled occurrences (master only).
    `recurrence_id` is the *original* start of the occurrence this override replaces.
    `organizer_sent_by`, if given, becomes ORGANIZER;SENT-BY (the platform's address).
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
    raise NotImplementedError


def request(events: Sequence[Event], *, dtstamp: datetime) -> str:
    """METHOD:REQUEST for one uid: an invitation or an update (raise SEQUENCE yourself).

    Pass the master (with its RRULE/EXDATE) and any overrides, or just one override to
    update a single occurrence (Outlook applies those reliably only alone).
    Raises ValueError if the events do not share one uid or a time is naive.
    """
    raise NotImplementedError


def cancel(events: Sequence[Event], *, dtstamp: datetime) -> str:
    """METHOD:CANCEL for one uid: STATUS:CANCELLED, no VALARM.

    The whole series: pass the master. One occurrence: pass an `Event` whose
    `recurrence_id` is that occurrence's original start (and no recurrence).
    Removing one participant: pass the event with `attendees` holding only them.
    The caller passes a SEQUENCE higher than the last one sent.
    """
    raise NotImplementedError


def feed(events: Sequence[Event], *, name: str, dtstamp: datetime) -> str:
    """A subscription feed (METHOD:PUBLISH, X-WR-CALNAME, REFRESH-INTERVAL) with many uids."""
    raise NotImplementedError
