"""VTIMEZONE blocks: RRULE-based, deterministic, and placing every instant of 2015-2035 at
zoneinfo's UTC offset in three independent readers (icalendar, vobject, ical.js)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import icalendar
import pytest
import vobject
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.calendar_clients.readers import ical_js_instants, ical_js_instants_of, renamed
from webapp.core.vtimezone import vtimezone_lines

FIRST = datetime(2015, 1, 1, tzinfo=UTC)
LAST = datetime(2035, 12, 31, 23, 59, tzinfo=UTC)

ZONES = [
    "America/New_York",
    "America/Santiago",  # southern hemisphere, changes at 24:00 on Saturdays
    "America/St_Johns",  # half-hour offsets
    "America/Mexico_City",  # daylight saving abolished in October 2022
    "America/Asuncion",  # permanent -03 since October 2024
    "America/Bogota",  # no daylight saving
    "America/Nuuk",  # changes at -01:00, the day before
    "Europe/Dublin",  # "negative" daylight saving in the tz data
    "Australia/Lord_Howe",  # half-hour daylight saving
    "America/Port-au-Prince",  # Haiti skipped daylight saving in 2016 only
    "America/Grand_Turk",  # kept -04 all year from 2015 to 2018, then back to the rule
]


@cache
def calendar_text(zone: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    lines += vtimezone_lines(zone, FIRST, LAST)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


@cache
def icalendar_zone(zone: str) -> tzinfo:
    return icalendar.Calendar.from_ical(renamed(calendar_text(zone))).walk("VTIMEZONE")[0].to_tz()


@cache
def vobject_zone(zone: str) -> tzinfo:
    return vobject.readOne(renamed(calendar_text(zone))).vtimezone.gettzinfo()


instants = st.datetimes(
    min_value=FIRST.replace(tzinfo=None), max_value=LAST.replace(tzinfo=None)
).map(lambda value: value.replace(tzinfo=UTC))


@pytest.mark.parametrize("zone", ZONES)
@settings(max_examples=150, deadline=None)
@given(instant=instants)
def test_icalendar_reads_zoneinfos_offset_from_our_vtimezone(zone: str, instant: datetime) -> None:
    assume(not dateutil_misreads(zone, instant))
    expected = instant.astimezone(ZoneInfo(zone)).utcoffset()
    assert instant.astimezone(icalendar_zone(zone)).utcoffset() == expected


@pytest.mark.parametrize("zone", ZONES)
@settings(max_examples=150, deadline=None)
@given(instant=instants)
def test_vobject_reads_zoneinfos_offset_from_our_vtimezone(zone: str, instant: datetime) -> None:
    assume(not dateutil_misreads(zone, instant))
    expected = instant.astimezone(ZoneInfo(zone)).utcoffset()
    assert instant.astimezone(vobject_zone(zone)).utcoffset() == expected


def changes(zone: str) -> list[int]:
    """zoneinfo's changes of offset in the span, found hour by hour then to the second."""
    tz = ZoneInfo(zone)
    found = []
    at = int(FIRST.timestamp())
    end = int(LAST.timestamp())
    offset = datetime.fromtimestamp(at, tz).utcoffset()
    while at < end:
        after = datetime.fromtimestamp(at + 3600, tz).utcoffset()
        if after != offset:
            low, high = at, at + 3600
            while high - low > 1:
                middle = (low + high) // 2
                if datetime.fromtimestamp(middle, tz).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high)
            offset = after
        at += 3600
    return found


def single_reading(wall: datetime, tz: ZoneInfo) -> bool:
    """A wall-clock time that exists once (not skipped, not repeated by a change).

    Meetings refuse the others (the venue must say which); readers differ on them: ical.js
    takes the later of two equal times and the offset after a gap, against RFC 5545 3.3.5."""
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    return first.utcoffset() == second.utcoffset()


@pytest.mark.parametrize("zone", ZONES)
def test_ical_js_places_wall_clock_times_where_zoneinfo_does(zone: str) -> None:
    tz = ZoneInfo(zone)
    seeds = random.Random(zone)
    low, high = int(FIRST.timestamp()), int(LAST.timestamp())
    walls = [
        datetime(1970, 1, 1) + timedelta(seconds=seeds.randint(low, high)) for _ in range(400)
    ]
    for change in changes(zone):
        wall = datetime.fromtimestamp(change - 1, tz).replace(tzinfo=None) + timedelta(seconds=1)
        walls += [wall + timedelta(seconds=k) for k in (-7201, -3601, -1, 0, 1, 3599, 3601, 7200)]
    walls = [w for w in walls if single_reading(w, tz)]
    expected = [int(w.replace(tzinfo=tz).timestamp()) for w in walls]
    assert ical_js_instants(calendar_text(zone), zone, walls) == expected


# Readers built on dateutil (icalendar, vobject) convert from UTC with Python's fromutc
# algorithm, which assumes a fixed standard offset: where a zone changed its standard offset
# and then began daylight saving (Nuuk in 2024, Ojinaga in 2023), they place the last hour
# before that first change an hour late. ical.js reads those right (the tests above).
DATEUTIL_MISREADS = {
    ("America/Nuuk", datetime(2024, 3, 31, 1, 0, tzinfo=UTC)),
    ("America/Godthab", datetime(2024, 3, 31, 1, 0, tzinfo=UTC)),
    ("America/Ojinaga", datetime(2023, 3, 12, 8, 0, tzinfo=UTC)),
}


def dateutil_misreads(zone: str, instant: datetime) -> bool:
    return any(
        zone == known and change - timedelta(hours=1) <= instant < change
        for known, change in DATEUTIL_MISREADS
    )


def test_every_zone_of_the_americas_reads_back_at_zoneinfos_offsets() -> None:
    """icalendar's reading of our VTIMEZONE around every change of 2015-2035 (found day by
    day, then to the second) and at random instants, for each of the region's zones."""
    wrong = []
    for zone in sorted(z for z in available_timezones() if z.startswith("America/")):
        tz, theirs = ZoneInfo(zone), icalendar_zone(zone)
        seeds = random.Random(zone)
        low, high = int(FIRST.timestamp()), int(LAST.timestamp())
        sample = [seeds.randint(low, high) for _ in range(20)] + midyears()
        for day in range(low, high - 86400, 86400):
            if (
                datetime.fromtimestamp(day, tz).utcoffset()
                != datetime.fromtimestamp(day + 86400, tz).utcoffset()
            ):
                change = first_change(tz, day, day + 86400)
                sample += [change - 3601, change - 1, change, change + 1]
        for at in sample:
            instant = datetime.fromtimestamp(at, UTC)
            if dateutil_misreads(zone, instant):
                continue
            if instant.astimezone(theirs).utcoffset() != instant.astimezone(tz).utcoffset():
                wrong.append((zone, instant))
                break
    assert wrong == []


def test_ical_js_places_wall_clock_times_of_every_zone_of_the_americas() -> None:
    """One calendar holding every zone of the region, read once by ical.js: the wall-clock
    times around each change of 2015-2035 and at random land on zoneinfo's instants."""
    zones = sorted(z for z in available_timezones() if z.startswith("America/"))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    asked: dict[str, list[datetime]] = {}
    expected: dict[str, list[int]] = {}
    low, high = int(FIRST.timestamp()), int(LAST.timestamp())
    for zone in zones:
        lines += vtimezone_lines(zone, FIRST, LAST)
        tz = ZoneInfo(zone)
        seeds = random.Random(zone)
        sample = [seeds.randint(low, high) for _ in range(10)] + midyears()
        for day in range(low, high - 86400, 86400):
            if (
                datetime.fromtimestamp(day, tz).utcoffset()
                != datetime.fromtimestamp(day + 86400, tz).utcoffset()
            ):
                change = first_change(tz, day, day + 86400)
                sample += [change - 3601, change - 1, change, change + 3600]
        walls = [(datetime.fromtimestamp(at, tz).replace(tzinfo=None), at) for at in sample]
        kept = [(wall, at) for wall, at in walls if single_reading(wall, tz)]
        asked[zone] = [wall for wall, _ in kept]
        expected[zone] = [at for _, at in kept]
    lines.append("END:VCALENDAR")
    read = ical_js_instants_of("\r\n".join(lines) + "\r\n", asked)
    assert [zone for zone in zones if read[zone] != expected[zone]] == []


def midyears() -> list[int]:
    """Mid-January and mid-July of every year: a year that skipped a change shows there."""
    return [
        int(datetime(year, month, 15, 12, tzinfo=UTC).timestamp())
        for year in range(FIRST.year, LAST.year + 1)
        for month in (1, 7)
    ]


def first_change(tz: ZoneInfo, low: int, high: int) -> int:
    """The first second in (low, high] whose offset differs from low's."""
    offset = datetime.fromtimestamp(low, tz).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high


def blocks(lines: list[str]) -> list[list[str]]:
    found, current = [], None
    for line in lines:
        if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT"):
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith("END:"):
                found.append(current)
                current = None
    return found


def span(zone: str, first: str, last: str) -> list[str]:
    return vtimezone_lines(
        zone,
        datetime.fromisoformat(first + "T00:00+00:00"),
        datetime.fromisoformat(last + "T00:00+00:00"),
    )


@pytest.mark.parametrize("zone", ZONES)
def test_no_rdate_ever(zone: str) -> None:
    assert not [line for line in vtimezone_lines(zone, FIRST, LAST) if line.startswith("RDATE")]


def test_a_zone_under_one_rule_is_one_standard_and_one_daylight_block_with_yearly_rules() -> None:
    found = blocks(span("America/New_York", "2026-03-01", "2027-12-01"))
    assert [b[0] for b in found] == ["BEGIN:DAYLIGHT", "BEGIN:STANDARD"]
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU" in found[0]
    assert "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU" in found[1]
    assert "TZOFFSETTO:-0400" in found[0]
    assert "TZOFFSETTO:-0500" in found[1]


def test_a_change_at_24_00_on_saturday_is_the_following_sunday() -> None:
    rules = [
        line for line in span("America/Santiago", "2026-01-01", "2026-12-31") if "RRULE" in line
    ]
    assert rules == [
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8",
        "RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8",
    ]


def test_a_half_hour_zone_keeps_its_minutes() -> None:
    lines = span("America/St_Johns", "2026-01-01", "2026-12-31")
    assert {"TZOFFSETFROM:-0330", "TZOFFSETTO:-0230"} <= set(lines)


def test_a_zone_without_daylight_saving_is_a_single_standard_block() -> None:
    found = blocks(span("America/Bogota", "2026-01-01", "2030-12-31"))
    assert len(found) == 1
    assert found[0][0] == "BEGIN:STANDARD"
    assert {"TZOFFSETFROM:-0500", "TZOFFSETTO:-0500"} <= set(found[0])
    assert not [line for line in found[0] if line.startswith("RRULE")]


def test_after_mexico_abolished_daylight_saving_one_standard_block_remains() -> None:
    found = blocks(span("America/Mexico_City", "2023-01-01", "2026-12-31"))
    assert len(found) == 1
    assert found[0][0] == "BEGIN:STANDARD"
    assert {"TZOFFSETFROM:-0600", "TZOFFSETTO:-0600"} <= set(found[0])


def test_a_span_before_mexicos_change_carries_the_daylight_time_it_had() -> None:
    found = blocks(span("America/Mexico_City", "2021-01-01", "2024-12-31"))
    starts = [line for b in found for line in b if line.startswith("DTSTART")]
    assert "DTSTART:20210404T020000" in starts  # into daylight time, 2021
    assert "DTSTART:20220403T020000" in starts  # into daylight time, 2022
    assert "DTSTART:20221030T020000" in starts  # back to standard time, for good
    assert found[-1][:5] == [
        "BEGIN:STANDARD",
        "DTSTART:20221031T010000",
        "TZOFFSETFROM:-0600",
        "TZOFFSETTO:-0600",
        "TZNAME:CST",
    ]


def test_asuncions_permanent_offset_is_its_standard_time() -> None:
    found = blocks(span("America/Asuncion", "2025-01-01", "2027-12-31"))
    assert len(found) == 1
    assert found[0][0] == "BEGIN:STANDARD"
    assert {"TZOFFSETFROM:-0300", "TZOFFSETTO:-0300"} <= set(found[0])


def test_the_same_years_give_the_same_text() -> None:
    one = span("America/Santiago", "2026-02-01", "2026-03-01")
    two = span("America/Santiago", "2026-10-01", "2026-12-01")
    assert one == two


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        vtimezone_lines("Mars/Olympus_Mons", FIRST, LAST)
    with pytest.raises(ValueError):
        vtimezone_lines("../../etc/passwd", FIRST, LAST)


def test_changes_are_found_in_the_sample() -> None:
    # The ical.js test is only as good as the changes it probes around.
    assert len(changes("America/New_York")) == 42
    assert len(changes("America/Bogota")) == 0
    assert datetime.fromtimestamp(changes("America/Mexico_City")[-1], UTC) == datetime(
        2022, 10, 30, 7, 0, tzinfo=UTC
    ) - timedelta(seconds=0)
