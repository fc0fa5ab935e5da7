"""The calendar writer reuses the text of an event and of its zone between messages (an
invitation to a thousand participants writes the same events a thousand times): what
differs between two participants' messages is their ATTENDEE line, and a change to the
event is never written from the text of the event before it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.calendar_clients.readers import ical_js, python_calendar
from webapp.meetings import ical

DTSTAMP = datetime(2026, 11, 30, 21, 5, 7, tzinfo=UTC)
ANA = ical.Attendee("ana@customs.example", "Ana Pérez")
LUIS = ical.Attendee("luis@police.example", "Luis, the deputy", role="OPT-PARTICIPANT")


def series(*attendees: ical.Attendee, **changes: object) -> ical.Event:
    start = datetime(2027, 3, 2, 13, 0, tzinfo=UTC)
    values = {
        "uid": ical.uid_for("series", 7, "puerto.example"),
        "sequence": 1,
        "summary": "Port security; working group",
        "start": start,
        "end": start + timedelta(hours=3),
        "zone": "America/Santiago",
        "organizer_email": "organizer@puerto.example",
        "attendees": attendees,
        "location": "Valparaíso, customs house",
        "recurrence": ical.Recurrence("MONTHLY", interval=6, count=4),
    }
    values.update(changes)
    return ical.Event(**values)  # type: ignore[arg-type]


def lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")  # unfolded


def without_attendees(text: str) -> list[str]:
    return [line for line in lines(text) if not line.startswith("ATTENDEE")]


def test_two_participants_messages_differ_only_in_their_attendee_line():
    for_ana = ical.request([series(ANA)], dtstamp=DTSTAMP)
    for_luis = ical.request([series(LUIS)], dtstamp=DTSTAMP)
    assert for_ana != for_luis
    assert without_attendees(for_ana) == without_attendees(for_luis)
    assert python_calendar(for_luis).walk("VEVENT")[0]["ATTENDEE"].params["CN"] == (
        "Luis, the deputy"
    )
    [attendee] = ical_js(for_ana)["events"][0]["attendees"]
    assert attendee["values"] == ["mailto:ana@customs.example"]


def test_several_attendees_are_written_in_order_between_organizer_and_the_rest():
    written = lines(ical.request([series(ANA, LUIS)], dtstamp=DTSTAMP))
    organizer = next(n for n, line in enumerate(written) if line.startswith("ORGANIZER"))
    assert written[organizer + 1].startswith("ATTENDEE")
    assert written[organizer + 1].endswith("mailto:ana@customs.example")
    assert written[organizer + 2].startswith("ATTENDEE")
    assert written[organizer + 2].endswith("mailto:luis@police.example")
    assert written[organizer + 3] == "END:VEVENT"


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "Port security: plenary"},
        {"sequence": 2},
        {"start": datetime(2027, 3, 2, 14, 0, tzinfo=UTC)},
        {"location": "Santiago"},
        {"recurrence": ical.Recurrence("MONTHLY", interval=6, count=5)},
    ],
    ids=["title", "sequence", "time", "place", "rule"],
)
def test_a_changed_event_is_written_anew_after_its_text_was_reused(change):
    before = ical.request([series(ANA)], dtstamp=DTSTAMP)
    ical.request([series(LUIS)], dtstamp=DTSTAMP)  # the text is reused here
    changed = series(ANA, **change)
    after = ical.request([changed], dtstamp=DTSTAMP)
    assert after != before
    event = python_calendar(after).walk("VEVENT")[0]
    expected = {
        "summary": lambda: str(event["SUMMARY"]) == changed.summary,
        "sequence": lambda: int(event["SEQUENCE"]) == changed.sequence,
        "start": lambda: event.decoded("DTSTART").astimezone(UTC) == changed.start,
        "location": lambda: str(event["LOCATION"]) == changed.location,
        "recurrence": lambda: event["RRULE"]["COUNT"] == [5],
    }
    [field] = change
    assert expected[field]()


def test_the_same_instant_given_in_another_zone_writes_the_same_text():
    # The reused text is keyed by the event's values; an instant compares equal whatever
    # zone it is given in, and the text depends on the instant alone.
    in_utc = series(ANA)
    elsewhere = replace(
        in_utc,
        start=in_utc.start.astimezone(ical.ZoneInfo("Asia/Tokyo")),
        end=in_utc.end.astimezone(ical.ZoneInfo("Asia/Tokyo")),
    )
    assert ical.request([elsewhere], dtstamp=DTSTAMP) == ical.request([in_utc], dtstamp=DTSTAMP)
