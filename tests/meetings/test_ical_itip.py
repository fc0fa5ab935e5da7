"""The iTIP messages themselves (RFC 5545/5546): what Outlook, Gmail, Apple Calendar and
Thunderbird need to show an invitation with its buttons, and text that every parser reads
back exactly as it was typed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.calendar_clients.readers import ical_js, python_calendar, seconds
from webapp.meetings import ical

NY = ZoneInfo("America/New_York")
DTSTAMP = datetime(2026, 11, 30, 21, 5, 7, tzinfo=UTC)
UID = ical.uid_for("series", 12, "puerto.example")
DELEGATE = ical.Attendee("ana@customs.example", "Ana Pérez")
OBSERVER = ical.Attendee(
    "obs@org.example",
    "Observer, the",
    role="OPT-PARTICIPANT",
    partstat="DELEGATED",
    rsvp=False,
    delegated_to="deputy@org.example",
)
CHAIR = ical.Attendee("chair@puerto.example", "Chair", role="CHAIR", partstat="ACCEPTED")


def master(**changes: object) -> ical.Event:
    start = datetime(2026, 3, 3, 10, 0, tzinfo=NY)
    values = {
        "uid": UID,
        "sequence": 2,
        "summary": "Customs cooperation",
        "start": start,
        "end": start + timedelta(hours=2),
        "zone": "America/New_York",
        "organizer_email": "organizer@puerto.example",
        "organizer_name": "Program officer",
        "organizer_sent_by": "puerto@puerto.example",
        "attendees": (CHAIR, DELEGATE, OBSERVER),
        "location": "Port of Spain",
        "recurrence": ical.Recurrence(
            "MONTHLY", interval=3, by_day=("1TU",), until=datetime(2027, 12, 31, 23, tzinfo=NY)
        ),
        "exdates": (datetime(2026, 6, 2, 10, 0, tzinfo=NY),),
    }
    values.update(changes)
    return ical.Event(**values)  # type: ignore[arg-type]


def moved() -> ical.Event:
    return ical.Event(
        uid=UID,
        sequence=3,
        summary="Customs cooperation",
        start=datetime(2026, 9, 2, 14, 0, tzinfo=NY),
        end=datetime(2026, 9, 2, 16, 0, tzinfo=NY),
        zone="America/New_York",
        organizer_email="organizer@puerto.example",
        attendees=(DELEGATE,),
        recurrence_id=datetime(2026, 9, 1, 10, 0, tzinfo=NY),
    )


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_a_request_has_exactly_one_method_and_it_is_request() -> None:
    text = ical.request([master(), moved()], dtstamp=DTSTAMP)
    assert [line for line in unfolded(text) if line.startswith("METHOD")] == ["METHOD:REQUEST"]
    assert ical_js(text)["method"] == ["REQUEST"]


def test_invitation_update_and_cancel_share_the_uid_and_carry_their_sequence() -> None:
    invitation = ical_js(ical.request([master()], dtstamp=DTSTAMP))
    update = ical_js(ical.request([master(sequence=3, location="Kingston")], dtstamp=DTSTAMP))
    cancel = ical_js(ical.cancel([master(sequence=4)], dtstamp=DTSTAMP))
    assert [r["events"][0]["uid"] for r in (invitation, update, cancel)] == [UID] * 3
    assert [r["events"][0]["sequence"] for r in (invitation, update, cancel)] == [2, 3, 4]
    assert cancel["method"] == ["CANCEL"]
    assert cancel["events"][0]["status"] == "CANCELLED"
    assert update["events"][0]["location"] == "Kingston"


def test_every_vevent_of_a_message_has_the_same_uid_and_overrides_a_higher_sequence() -> None:
    events = ical_js(ical.request([master(), moved()], dtstamp=DTSTAMP))["events"]
    assert {e["uid"] for e in events} == {UID}
    assert [e["sequence"] for e in events] == [2, 3]


def test_events_of_two_uids_are_refused_in_one_itip_message() -> None:
    with pytest.raises(ValueError):
        ical.request([master(), master(uid="series-13@puerto.example")], dtstamp=DTSTAMP)


def test_organizer_and_attendees_carry_what_clients_need_for_their_buttons() -> None:
    event = ical_js(ical.request([master()], dtstamp=DTSTAMP))["events"][0]
    assert event["organizer"]["value"] == "mailto:organizer@puerto.example"
    assert event["organizer"]["params"] == {
        "cn": "Program officer",
        "sent-by": "mailto:puerto@puerto.example",
    }
    attendees = {a["values"][0]: a["params"] for a in event["attendees"]}
    assert attendees["mailto:ana@customs.example"] == {
        "cutype": "INDIVIDUAL",
        "role": "REQ-PARTICIPANT",
        "partstat": "NEEDS-ACTION",
        "rsvp": "TRUE",
        "cn": "Ana Pérez",
    }
    assert attendees["mailto:obs@org.example"] == {
        "cutype": "INDIVIDUAL",
        "role": "OPT-PARTICIPANT",
        "partstat": "DELEGATED",
        "rsvp": "FALSE",
        "cn": "Observer, the",
        "delegated-to": "mailto:deputy@org.example",
    }
    assert attendees["mailto:chair@puerto.example"]["role"] == "CHAIR"


def test_dtstamp_is_utc() -> None:
    event = ical_js(ical.request([master()], dtstamp=DTSTAMP))["events"][0]
    assert event["dtstamp"]["value"] == "2026-11-30T21:05:07Z"
    assert "DTSTAMP:20261130T210507Z" in unfolded(ical.request([master()], dtstamp=DTSTAMP))


def test_until_is_utc_when_dtstart_has_a_tzid() -> None:
    lines = unfolded(ical.request([master()], dtstamp=DTSTAMP))
    lines = lines[lines.index("BEGIN:VEVENT") :]
    assert "DTSTART;TZID=America/New_York:20260303T100000" in lines
    (rule,) = [line for line in lines if line.startswith("RRULE:")]
    assert rule == "RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU;UNTIL=20280101T040000Z"


def test_exdate_and_recurrence_id_have_the_tzid_and_value_type_of_dtstart() -> None:
    events = ical_js(ical.request([master(), moved()], dtstamp=DTSTAMP))["events"]
    dtstart = events[0]["dtstart"]
    (exdate,) = events[0]["exdate"]
    recurrence_id = events[1]["recurrence_id"]
    for value in (exdate, recurrence_id):
        assert value["params"] == dtstart["params"] == {"tzid": "America/New_York"}
        assert value["type"] == dtstart["type"] == "date-time"
    assert exdate["values"] == ["2026-06-02T10:00:00"]
    assert recurrence_id["value"] == "2026-09-01T10:00:00"


def test_a_cancel_has_no_alarm_and_cancels_one_occurrence_by_its_recurrence_id() -> None:
    original = datetime(2026, 12, 1, 10, 0, tzinfo=NY)
    one = ical.Event(
        uid=UID,
        sequence=5,
        summary="Customs cooperation",
        start=original,
        end=original + timedelta(hours=2),
        zone="America/New_York",
        organizer_email="organizer@puerto.example",
        attendees=(DELEGATE,),
        recurrence_id=original,
    )
    text = ical.cancel([one], dtstamp=DTSTAMP)
    assert "VALARM" not in text
    read = ical_js(text)
    assert read["method"] == ["CANCEL"]
    (event,) = read["events"]
    assert event["status"] == "CANCELLED"
    assert event["recurrence_id_utc"] == seconds(original)


def test_a_one_off_at_a_time_that_happens_twice_is_placed_right_by_every_reader() -> None:
    # 01:30 on 1 November 2026 happens twice in New York; this is the first (EDT).
    start = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    one_off = master(start=start, end=start + timedelta(minutes=20), recurrence=None, exdates=())
    text = ical.request([one_off], dtstamp=DTSTAMP)
    (occurrence,) = ical_js(text)["occurrences"]
    assert (
        occurrence["start_utc"]
        == seconds(start)
        == seconds(datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    )
    event = python_calendar(text).walk("VEVENT")[0]
    assert seconds(event["DTSTART"].dt) == seconds(start)


def test_a_series_cannot_start_at_the_second_of_two_equal_times() -> None:
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY)
    with pytest.raises(ValueError):
        ical.request([master(start=second, end=second + timedelta(hours=1))], dtstamp=DTSTAMP)


def test_the_same_input_gives_the_same_text() -> None:
    assert ical.request([master(), moved()], dtstamp=DTSTAMP) == ical.request(
        [master(), moved()], dtstamp=DTSTAMP
    )


def test_a_feed_lists_several_uids_with_a_name() -> None:
    other = master(uid="meeting-7@puerto.example", recurrence=None, exdates=())
    text = ical.feed([master(), moved(), other], name="Meetings, Ana; 2026", dtstamp=DTSTAMP)
    read = ical_js(text)
    assert read["method"] == ["PUBLISH"]
    assert {e["uid"] for e in read["events"]} == {UID, "meeting-7@puerto.example"}
    calendar = python_calendar(text)
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "Meetings Ana 2026"


# --- text that reads back the same everywhere -------------------------------------------------

NASTY = [
    "Line one\nLine two\r\nLine three\rLine four",
    "Commas, semicolons; and a backslash \\ and \\n literally",
    "BEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\nBEGIN:VCALENDAR",
    "\nEND:VCALENDAR",
    "Quotes \"double\" and 'single', colon: yes",
    "Reunión anual — Ñandú, São Tomé, Français; 日本語 " * 6,
    "🇨🇱🇨🇴 emoji across the fold " * 5,
    "tab\there and trailing spaces   ",
    "ATTENDEE;RSVP=TRUE:mailto:intruder@evil.example",
    "x" * 74 + "é" + "y" * 73 + "\\,",
]


def expected_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def with_text(value: str, index: int) -> ical.Event:
    return master(
        uid=f"meeting-{index}@puerto.example",
        summary=value,
        description=value,
        location=value,
        recurrence=None,
        exdates=(),
    )


def test_ical_js_reads_back_every_text_exactly() -> None:
    text = ical.feed([with_text(v, i) for i, v in enumerate(NASTY)], name="x", dtstamp=DTSTAMP)
    events = {e["uid"]: e for e in ical_js(text)["events"]}
    assert len(events) == len(NASTY)
    for index, value in enumerate(NASTY):
        event = events[f"meeting-{index}@puerto.example"]
        assert (
            event["summary"] == event["description"] == event["location"] == expected_text(value)
        )
        assert (
            event["attendees"]
            == ical_js(ical.request([master()], dtstamp=DTSTAMP))["events"][0]["attendees"]
        )


def test_icalendar_and_vobject_read_back_every_text_exactly() -> None:
    text = ical.feed([with_text(v, i) for i, v in enumerate(NASTY)], name="x", dtstamp=DTSTAMP)
    by_icalendar = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    by_vobject = {e.uid.value: e for e in vobject.readOne(text).vevent_list}
    for index, value in enumerate(NASTY):
        uid = f"meeting-{index}@puerto.example"
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            assert str(by_icalendar[uid][name]) == expected_text(value)
            assert getattr(by_vobject[uid], name.lower()).value == expected_text(value)
        assert len(by_icalendar[uid].get("ATTENDEE")) == 3


pieces = st.sampled_from(["\n", "\r\n", "\r", ",", ";", "\\", ":", '"', "\\n", "BEGIN:VEVENT"])
printable = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f")
        | st.just("\t"),
        max_size=30,
    )
    | pieces,
    max_size=12,
).map("".join)


@settings(max_examples=100, deadline=None)
@given(value=printable)
def test_any_text_reads_back_the_same_in_icalendar_and_vobject(value: str) -> None:
    text = ical.request(
        [master(summary=value, description=value, location=value)], dtstamp=DTSTAMP
    )
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == expected_text(value)
    assert str(event.get("DESCRIPTION", "")) == expected_text(value)
    read = vobject.readOne(text).vevent
    assert (read.location.value if "location" in read.contents else "") == expected_text(value)


@settings(max_examples=100, deadline=None)
@given(value=printable)
def test_lines_are_crlf_and_at_most_75_octets_cut_between_characters(value: str) -> None:
    data = ical.request([master(summary=value, location=value * 3)], dtstamp=DTSTAMP).encode()
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no multi-byte character split across a fold


def test_a_name_with_quotes_and_line_breaks_stays_one_parameter() -> None:
    someone = ical.Attendee("x@state.example", 'Dr. "Quote"\nBEGIN:VEVENT;ROLE=CHAIR')
    text = ical.request([master(attendees=(someone,))], dtstamp=DTSTAMP)
    (attendee,) = ical_js(text)["events"][0]["attendees"]
    assert attendee["params"]["role"] == "REQ-PARTICIPANT"
    assert attendee["params"]["cn"] == "Dr. 'Quote' BEGIN:VEVENT;ROLE=CHAIR"
    assert not re.search(r"^BEGIN:VEVENT;", text, flags=re.MULTILINE)


def test_an_address_that_would_break_the_line_is_refused() -> None:
    with pytest.raises(ValueError):
        ical.request(
            [master(attendees=(ical.Attendee('a@b.example:mailto:"x'),))], dtstamp=DTSTAMP
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"zone": "Mars/Olympus_Mons"},
        {"start": datetime(2026, 3, 3, 10, 0)},  # naive: which zone?
        {"end": datetime(2026, 3, 3, 9, 0, tzinfo=NY)},  # before the start
        {"uid": "series 12@puerto.example"},
        {"uid": "series-12@puerto.example\r\nATTENDEE:mailto:x@evil.example"},
        {"sequence": -1},
        {"recurrence_id": datetime(2026, 9, 1, 10, 0, tzinfo=NY)},  # an override with an RRULE
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_an_event_that_cannot_be_written_faithfully_is_refused(changes: dict) -> None:
    with pytest.raises(ValueError):
        ical.request([master(**changes)], dtstamp=DTSTAMP)


def test_a_series_without_an_end_or_with_an_unknown_part_is_refused() -> None:
    with pytest.raises(ValueError):
        ical.Recurrence("YEARLY")  # neither count nor until: unbounded
    with pytest.raises(ValueError):
        ical.Recurrence("YEARLY", count=3, until=datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError):
        ical.Recurrence("HOURLY", count=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ical.Recurrence("MONTHLY", count=3, by_day=("1XX",))
    with pytest.raises(ValueError):
        ical.Attendee("a@b.example", partstat="NEEDS_ACTION")  # type: ignore[arg-type]


def test_a_huge_series_is_refused_by_the_expansion_guard() -> None:
    with pytest.raises(ValueError):
        ical.occurrence_starts(
            datetime(2026, 1, 1, 9, tzinfo=NY),
            "America/New_York",
            ical.Recurrence("DAILY", count=5000),
        )


def test_an_update_of_one_occurrence_alone_reads_as_that_occurrence_moved() -> None:
    text = ical.request([moved()], dtstamp=DTSTAMP)
    read = ical_js(text)
    (event,) = read["events"]
    assert event["recurrence_id_utc"] == seconds(datetime(2026, 9, 1, 10, 0, tzinfo=NY))
    (occurrence,) = read["occurrences"]
    assert occurrence["start_utc"] == seconds(datetime(2026, 9, 2, 14, 0, tzinfo=NY))
    (python,) = python_calendar(text).walk("VEVENT")
    assert seconds(python["RECURRENCE-ID"].dt) == event["recurrence_id_utc"]


def test_cancelling_the_series_cancels_every_occurrence_and_keeps_its_rule() -> None:
    read = ical_js(ical.cancel([master(sequence=9)], dtstamp=DTSTAMP))
    (event,) = read["events"]
    assert event["rrule"]["value"] == "FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU;UNTIL=20280101T040000Z"
    assert event["recurrence_id"] is None
    assert len(read["occurrences"]) == 7  # eight first Tuesdays of a quarter, one excluded
    assert {o["status"] for o in read["occurrences"]} == {"CANCELLED"}


def test_a_link_that_would_break_the_line_is_refused() -> None:
    with pytest.raises(ValueError):
        ical.request([master(url="https://meet.example/a b\r\nATTENDEE:x")], dtstamp=DTSTAMP)
    text = ical.request([master(url="https://meet.example/j/1?pwd=a,b;c")], dtstamp=DTSTAMP)
    assert "URL:https://meet.example/j/1?pwd=a,b;c" in unfolded(text)
