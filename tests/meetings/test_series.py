"""Series and occurrences: bounded rules, wall-clock times in the venue's zone, and
changes to one occurrence or to the rule from a date on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.calendar_clients.itip import READERS, applied
from tests.calendar_clients.readers import python_calendar, seconds
from tests.meetings.support import NOW, guest, invite, make_series
from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings import series
from webapp.meetings.models import CANCELLED, DRAFT, SCHEDULED, MeetingSeries, Occurrence
from webapp.meetings.wallclock import MAX_OCCURRENCES, build_rule


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


def test_a_one_off_meeting_is_a_series_of_one_stored_in_utc_with_its_zone(organizer):
    made = make_series(organizer, zone="America/Santiago")
    (occurrence,) = made.occurrences
    assert made.is_one_off
    assert occurrence.zone == "America/Santiago"
    # 10:00 in Santiago in May (UTC-4) is 14:00 UTC.
    assert occurrence.starts_at == datetime(2027, 5, 4, 14, 0, tzinfo=UTC)
    assert occurrence.original_start == occurrence.starts_at


def test_a_yearly_rule_keeps_the_wall_clock_time_across_daylight_saving(organizer):
    made = make_series(
        organizer,
        zone="America/New_York",
        first_start=datetime(2026, 1, 15, 10, 0),
        first_end=datetime(2026, 1, 15, 12, 0),
        rule="FREQ=MONTHLY;INTERVAL=6;COUNT=4",
    )
    starts = [o.starts_at for o in made.occurrences]
    assert starts == [
        datetime(2026, 1, 15, 15, 0, tzinfo=UTC),  # EST
        datetime(2026, 7, 15, 14, 0, tzinfo=UTC),  # EDT
        datetime(2027, 1, 15, 15, 0, tzinfo=UTC),
        datetime(2027, 7, 15, 14, 0, tzinfo=UTC),
    ]
    assert all(o.ends_at - o.starts_at == timedelta(hours=2) for o in made.occurrences)


def test_the_first_tuesday_of_each_quarter_in_a_half_hour_zone(organizer):
    made = make_series(
        organizer,
        zone="America/St_Johns",
        first_start=datetime(2026, 1, 6, 9, 0),
        first_end=datetime(2026, 1, 6, 10, 0),
        rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU;UNTIL=20261231",
    )
    assert [o.starts_at for o in made.occurrences] == [
        datetime(2026, 1, 6, 12, 30, tzinfo=UTC),
        datetime(2026, 4, 7, 11, 30, tzinfo=UTC),
        datetime(2026, 7, 7, 11, 30, tzinfo=UTC),
        datetime(2026, 10, 6, 11, 30, tzinfo=UTC),
    ]


def test_a_rule_without_end_is_refused_and_nothing_is_saved(organizer):
    with pytest.raises(RuleError) as refused:
        make_series(organizer, rule="FREQ=YEARLY")
    assert "end" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(MeetingSeries.id))) == 0


def test_a_rule_giving_too_many_meetings_is_refused(organizer):
    with pytest.raises(RuleError) as refused:
        make_series(organizer, rule=f"FREQ=WEEKLY;COUNT={MAX_OCCURRENCES + 1}")
    assert str(MAX_OCCURRENCES) in refused.value.message


def test_the_repeat_menu_needs_a_count_or_a_last_date():
    assert build_rule("yearly", 5, None) == "FREQ=YEARLY;COUNT=5"
    assert build_rule("once", None, None) == ""
    with pytest.raises(RuleError):
        build_rule("quarterly", None, None)


def test_an_end_before_the_start_is_refused(organizer):
    with pytest.raises(RuleError) as refused:
        make_series(organizer, first_end=datetime(2026, 5, 5, 9, 0))
    assert refused.value.field == "ends"


def test_an_unknown_zone_is_refused(organizer):
    with pytest.raises(RuleError) as refused:
        make_series(organizer, zone="Mars/Olympus_Mons")
    assert refused.value.field == "zone"


def test_a_time_the_clocks_skip_is_refused_and_named(organizer):
    with pytest.raises(RuleError) as refused:
        make_series(
            organizer,
            zone="America/New_York",
            first_start=datetime(2026, 3, 8, 2, 30),
            first_end=datetime(2026, 3, 8, 4, 0),
        )
    assert "does not exist" in refused.value.message
    assert "America/New_York" in refused.value.message


def test_a_time_that_happens_twice_asks_which_and_the_choice_is_kept(organizer):
    start, end = datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 3, 0)
    with pytest.raises(RuleError) as refused:
        make_series(organizer, zone="America/New_York", first_start=start, first_end=end)
    assert refused.value.field == "fold"
    assert "UTC-04:00" in refused.value.message and "UTC-05:00" in refused.value.message
    db.session.rollback()
    made = make_series(
        organizer, zone="America/New_York", first_start=start, first_end=end, fold=1
    )
    assert made.occurrences[0].starts_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("title", ["Line one\nline two", "Tab\there", "Bell\x07"])
def test_a_title_with_line_breaks_or_control_characters_is_refused(organizer, title):
    with pytest.raises(RuleError) as refused:
        make_series(organizer, title=title)
    assert refused.value.field == "title"


def test_a_title_with_calendar_syntax_is_kept_as_typed(organizer):
    title = "Ports; borders, and BEGIN:VEVENT"
    assert make_series(organizer, title=title).title == title


def _edit(occurrence: Occurrence, **changes: object) -> series.Changes:
    starts, ends = series.wall_clock(occurrence)
    data = series.OccurrenceInput(
        starts=changes.pop("starts", starts),
        ends=changes.pop("ends", ends),
        zone=changes.pop("zone", occurrence.zone),
        title=changes.pop("title", occurrence.title_override or ""),
        venue=changes.pop(
            "venue", series.Venue(occurrence.venue_address, None, occurrence.online_url)
        ),
        status=changes.pop("status", occurrence.status),
        **changes,
    )
    return series.update_occurrence(occurrence, data, now=NOW)


def test_moving_one_occurrence_raises_its_sequence_and_keeps_its_recurrence_id(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=3")
    occurrence = made.occurrences[1]
    original = occurrence.original_start
    changes = _edit(
        occurrence, starts=datetime(2028, 5, 6, 10, 0), ends=datetime(2028, 5, 6, 17, 0)
    )
    assert changes.what == [series.TIME] and changes.notify
    assert occurrence.sequence == 1
    assert occurrence.original_start == original
    assert occurrence.starts_at == datetime(2028, 5, 6, 15, 0, tzinfo=UTC)
    assert [o.sequence for o in made.occurrences] == [0, 1, 0]


def test_renaming_alone_is_not_an_update_to_send(organizer):
    occurrence = make_series(organizer).occurrences[0]
    changes = _edit(occurrence, title="Special session")
    assert changes.what == [series.TITLE] and not changes.notify
    assert occurrence.title == "Special session" and occurrence.sequence == 0


def test_relocating_and_cancelling_are_updates(organizer):
    occurrence = make_series(organizer).occurrences[0]
    assert _edit(occurrence, venue=series.Venue("Kingston")).what == [series.PLACE]
    assert _edit(occurrence, status=CANCELLED).what == [series.STATUS]
    assert occurrence.sequence == 2


def test_a_cancelled_occurrence_cannot_be_scheduled_again(organizer):
    occurrence = make_series(organizer).occurrences[0]
    _edit(occurrence, status=CANCELLED)
    with pytest.raises(RuleError):
        _edit(occurrence, status=SCHEDULED)


def test_the_rule_changes_from_a_date_on_without_rewriting_the_past(organizer):
    made = make_series(
        organizer,
        first_start=datetime(2025, 5, 5, 10, 0),
        first_end=datetime(2025, 5, 5, 12, 0),
        rule="FREQ=YEARLY;COUNT=4",
    )
    past = made.occurrences[1]  # May 2026 is after NOW; 2025 is past
    first = made.occurrences[0]
    first_values = (first.id, first.starts_at, first.status)
    cancelled = series.change_rule(
        made,
        rule="FREQ=MONTHLY;INTERVAL=6;COUNT=2",
        first_start=datetime(2026, 11, 10, 10, 0),
        fold=None,
        now=NOW,
    )
    db.session.commit()
    kept = {o.original_start: o for o in made.occurrences}
    assert (first.id, first.starts_at, first.status) == first_values
    assert past.original_start in kept and past.status == SCHEDULED
    # 2027 and 2028 were scheduled: cancelled (their participants get a CANCEL), not deleted.
    assert [o.starts_at.year for o in cancelled] == [2027, 2028]
    new = [o for o in made.occurrences if o.status == DRAFT]
    assert [o.starts_at.date().isoformat() for o in new] == ["2026-11-10", "2027-05-10"]


def test_a_new_rule_cannot_start_in_the_past(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=2")
    with pytest.raises(RuleError):
        series.change_rule(
            made, rule="FREQ=YEARLY;COUNT=2", first_start=datetime(2020, 1, 1, 10), fold=None,
            now=NOW,
        )  # fmt: skip


# --- what a calendar holds: exactly the meetings scheduled, whatever bounds the rule -----


def _invitation_calendar(made: MeetingSeries, organizer, smtp_server) -> str:
    for occurrence in made.occurrences:
        occurrence.status = SCHEDULED
    guest(made, organizer, "ana@customs.example")
    invite(made)
    (received,) = smtp_server.wait_for(1)
    (part,) = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_content()


def _held_by_each_calendar(text: str) -> dict[str, list[int]]:
    return {reader: [o.start for o in applied([text], reader)] for reader in READERS}


def test_a_series_repeating_until_a_last_date_chosen_on_the_form_ends_on_that_day(
    client, login, organizer, smtp_server
):
    login(organizer)
    response = client.post(
        "/meetings/new",
        data={
            "title": "Monthly border coordination",
            "scope": "regional",
            "starts": "2027-02-09T10:00",
            "ends": "2027-02-09T12:00",
            "zone": "America/New_York",
            "repeat": "monthly",
            "until": "2027-05-09",  # the day of the last meeting: it takes place
            "venue_address": "OAS Building, Washington",
            "languages": ["en"],
        },
    )
    assert response.status_code == 302
    made = db.session.scalar(sa.select(MeetingSeries))
    new_york = ZoneInfo("America/New_York")
    expected = [
        seconds(datetime(2027, month, 9, 10, 0, tzinfo=new_york)) for month in (2, 3, 4, 5)
    ]
    assert [seconds(o.starts_at) for o in made.occurrences] == expected  # across 14 March
    text = _invitation_calendar(made, organizer, smtp_server)
    (event,) = python_calendar(text).walk("VEVENT")
    assert "COUNT" not in event["RRULE"] and event["RRULE"]["UNTIL"]
    assert _held_by_each_calendar(text) == dict.fromkeys(READERS, expected)


@pytest.mark.parametrize(
    ("first_start", "rule", "days"),
    [
        # Bounded by an instant in UTC; two days a week, across the change to summer time.
        (datetime(2027, 3, 2, 10, 0), "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270318T150000Z",
         [(3, 2), (3, 4), (3, 9), (3, 11), (3, 16), (3, 18)]),
        # Bounded by an instant in UTC that falls before the last Tuesday's noon in New York
        # (16:00 UTC) though after noon as a wall clock: that Tuesday is not a meeting.
        (datetime(2027, 3, 2, 12, 0), "FREQ=WEEKLY;UNTIL=20270316T150000Z", [(3, 2), (3, 9)]),
        # Two days of each month.
        (datetime(2027, 2, 9, 10, 0), "FREQ=MONTHLY;BYMONTHDAY=9,23;COUNT=4",
         [(2, 9), (2, 23), (3, 9), (3, 23)]),
        # The second Tuesday of each month.
        (datetime(2027, 2, 9, 10, 0), "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=3",
         [(2, 9), (3, 9), (4, 13)]),
    ],
)  # fmt: skip
def test_every_calendar_holds_exactly_the_meetings_a_rule_scheduled(
    organizer, smtp_server, first_start, rule, days
):
    made = make_series(
        organizer, zone="America/New_York", first_start=first_start,
        first_end=first_start + timedelta(hours=2), rule=rule,
    )  # fmt: skip
    new_york = ZoneInfo("America/New_York")
    hour = first_start.hour
    expected = [seconds(datetime(2027, m, d, hour, 0, tzinfo=new_york)) for m, d in days]
    assert [seconds(o.starts_at) for o in made.occurrences] == expected
    text = _invitation_calendar(made, organizer, smtp_server)
    assert _held_by_each_calendar(text) == dict.fromkeys(READERS, expected)
