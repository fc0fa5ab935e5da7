"""Every occurrence of a series lands at the same UTC instant in ical.js (Thunderbird), in
icalendar + recurring-ical-events, and in Python's zoneinfo reading of the venue's wall clock,
on both sides of daylight-saving changes, in both hemispheres, in a half-hour zone and in
zones whose rules changed while the series ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.calendar_clients.readers import (
    Occurrence,
    ical_js,
    ical_js_occurrences,
    python_occurrences,
    seconds,
)
from webapp.meetings import ical

DTSTAMP = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ORGANIZER = "secretariat@puerto.example"


def first_weekday(year: int, month: int, weekday: int) -> date:
    """The first `weekday` (Monday = 0) of a month, by plain arithmetic."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def quarters(first_year: int, count: int) -> list[date]:
    months = [(y, m) for y in range(first_year, first_year + 10) for m in (1, 4, 7, 10)]
    return [first_weekday(y, m, 1) for y, m in months[:count]]


@dataclass(frozen=True)
class Series:
    """A series as the venue sees it: wall-clock starts, one moved and one cancelled."""

    name: str
    zone: str
    at: tuple[int, int]  # hour, minute of every occurrence
    minutes: int
    recurrence: ical.Recurrence
    days: list[date]  # every day the rule gives, written out independently of it
    moved: tuple[int, datetime]  # (index of the occurrence, its new wall-clock start)
    cancelled: int  # index of the cancelled occurrence

    def wall(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, *self.at, tzinfo=ZoneInfo(self.zone))

    def end(self, start: datetime) -> datetime:
        """Minutes of real time later (not of wall-clock time across a change)."""
        return start.astimezone(UTC) + timedelta(minutes=self.minutes)

    def events(self) -> list[ical.Event]:
        start = self.wall(self.days[0])
        master = ical.Event(
            uid=f"series-{self.name}@puerto.example",
            sequence=3,
            summary=f"Meeting {self.name}",
            start=start,
            end=self.end(start),
            zone=self.zone,
            organizer_email=ORGANIZER,
            attendees=(ical.Attendee("delegate@state.example", "Delegate"),),
            recurrence=self.recurrence,
            exdates=(self.wall(self.days[self.cancelled]),),
        )
        index, new_start = self.moved
        override = ical.Event(
            uid=master.uid,
            sequence=4,
            summary=f"Meeting {self.name} (moved)",
            start=new_start,
            end=self.end(new_start),
            zone=self.zone,
            organizer_email=ORGANIZER,
            attendees=master.attendees,
            recurrence_id=self.wall(self.days[index]),
        )
        return [master, override]

    def expected(self) -> list[Occurrence]:
        """zoneinfo's reading of each wall-clock time, with the move and the cancellation."""
        found = []
        for index, day in enumerate(self.days):
            if index == self.cancelled:
                continue
            original = self.wall(day)
            start, summary = original, f"Meeting {self.name}"
            if index == self.moved[0]:
                start, summary = self.moved[1], f"Meeting {self.name} (moved)"
            end = self.end(start)
            found.append(Occurrence(seconds(original), seconds(start), seconds(end), summary))
        return sorted(found)


def _at(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


NY, SCL, NST, MEX, ASU = (
    "America/New_York",
    "America/Santiago",
    "America/St_Johns",
    "America/Mexico_City",
    "America/Asuncion",
)

SERIES = [
    Series(
        "ny-weekly",
        NY,
        (10, 0),
        90,
        ical.Recurrence("WEEKLY", count=12),
        [date(2026, 2, 17) + timedelta(weeks=n) for n in range(12)],  # over 8 March
        (3, _at(NY, 2026, 3, 11, 16, 30)),
        4,
    ),
    Series(
        "ny-quarterly",
        NY,
        (9, 0),
        120,
        ical.Recurrence("YEARLY", by_month=(1, 4, 7, 10), by_day=("1TU",), count=8),
        quarters(2026, 8),
        (2, _at(NY, 2026, 11, 3, 9, 0)),  # July moved into November's standard time
        5,
    ),
    Series(
        "scl-six-months",
        SCL,
        (10, 0),
        60,
        ical.Recurrence("MONTHLY", interval=6, count=8),
        [date(2026 + n // 2, 4 if n % 2 == 0 else 10, 20) for n in range(8)],
        (1, _at(SCL, 2026, 9, 5, 23, 30)),  # the night before daylight time begins
        4,
    ),
    Series(
        "scl-quarterly-setpos",
        SCL,
        (15, 0),
        60,
        ical.Recurrence("MONTHLY", interval=3, by_day=("TU",), by_set_pos=(1,), count=8),
        quarters(2026, 8),
        (3, _at(SCL, 2026, 10, 7, 15, 0)),
        1,
    ),
    Series(
        "scl-yearly-may",
        SCL,
        (9, 0),
        480,
        ical.Recurrence("YEARLY", by_month=(5,), until=_at(SCL, 2031, 5, 12, 9, 0)),
        [date(y, 5, 12) for y in range(2026, 2032)],
        (2, _at(SCL, 2028, 9, 12, 9, 0)),  # May (standard) moved to September (daylight)
        3,
    ),
    Series(
        "nst-weekly",
        NST,
        (8, 30),
        45,
        ical.Recurrence("WEEKLY", interval=2, until=_at(NST, 2027, 4, 6, 8, 30)),
        [date(2026, 10, 20) + timedelta(weeks=2 * n) for n in range(13)],
        (5, _at(NST, 2026, 12, 30, 12, 0)),
        9,
    ),
    Series(
        "nst-six-months",
        NST,
        (14, 0),
        60,
        ical.Recurrence("MONTHLY", interval=6, count=6),
        [date(2026 + n // 2, 1 if n % 2 == 0 else 7, 15) for n in range(6)],
        (0, _at(NST, 2026, 3, 15, 14, 0)),
        3,
    ),
    Series(
        "mex-2021-2024-six-months",
        MEX,
        (10, 0),
        120,
        ical.Recurrence("MONTHLY", interval=6, until=_at(MEX, 2024, 12, 31, 0, 0)),
        [date(2021 + n // 2, 1 if n % 2 == 0 else 7, 12) for n in range(8)],
        (3, _at(MEX, 2022, 8, 1, 10, 0)),  # still daylight time, its last summer
        5,
    ),
    Series(
        "mex-2021-2024-yearly-may",
        MEX,
        (9, 0),
        60,
        ical.Recurrence("YEARLY", by_month=(5,), count=4),
        [date(y, 5, 10) for y in range(2021, 2025)],
        (3, _at(MEX, 2024, 4, 2, 9, 0)),
        0,
    ),
    Series(
        "mex-quarterly",
        MEX,
        (11, 0),
        60,
        ical.Recurrence("MONTHLY", interval=3, by_day=("1TU",), count=14),
        quarters(2021, 14),
        (6, _at(MEX, 2022, 10, 31, 11, 0)),  # the day after the last change
        7,
    ),
    Series(
        "asu-2023-2026",
        ASU,
        (10, 0),
        60,
        ical.Recurrence("MONTHLY", interval=6, count=8),
        [date(2023 + n // 2, 1 if n % 2 == 0 else 7, 16) for n in range(8)],
        (4, _at(ASU, 2025, 2, 3, 10, 0)),
        2,
    ),
]


@pytest.fixture(scope="module", params=SERIES, ids=[s.name for s in SERIES])
def series(request: pytest.FixtureRequest) -> Series:
    return request.param


@pytest.fixture(scope="module")
def invitation(series: Series) -> str:
    return ical.request(series.events(), dtstamp=DTSTAMP)


def test_the_series_crosses_a_change_of_utc_offset(series: Series) -> None:
    offsets = {series.wall(day).utcoffset() for day in series.days}
    offsets.add(series.moved[1].utcoffset())
    assert len(offsets) > 1, "a series that never changes offset proves nothing"


def test_our_expansion_matches_the_written_out_days(series: Series) -> None:
    starts = ical.occurrence_starts(series.wall(series.days[0]), series.zone, series.recurrence)
    assert starts == [series.wall(day).astimezone(UTC) for day in series.days]


def test_ical_js_places_every_occurrence_where_zoneinfo_does(
    series: Series, invitation: str
) -> None:
    assert ical_js_occurrences(invitation) == series.expected()


def test_recurring_ical_events_places_every_occurrence_where_zoneinfo_does(
    series: Series, invitation: str
) -> None:
    assert python_occurrences(invitation) == series.expected()


def test_a_cancelled_occurrence_reads_as_cancelled_at_its_original_instant(
    series: Series,
) -> None:
    master, _ = series.events()
    original = series.wall(series.days[series.cancelled])
    one = ical.Event(
        uid=master.uid,
        sequence=5,
        summary=master.summary,
        start=original,
        end=series.end(original),
        zone=series.zone,
        organizer_email=ORGANIZER,
        attendees=master.attendees,
        recurrence_id=original,
    )
    read = ical_js(ical.cancel([one], dtstamp=DTSTAMP))
    assert read["method"] == ["CANCEL"]
    (event,) = read["events"]
    assert event["status"] == "CANCELLED"
    assert event["recurrence_id_utc"] == seconds(original)
    assert event["valarms"] == 0
    assert [o["start_utc"] for o in read["occurrences"]] == [seconds(original)]
