"""Changing a series' rule from a date on keeps the earlier meetings in attendees'
calendars: the rule in force is ended (REQUEST, same UID, higher SEQUENCE, UNTIL at its
last meeting before the change) and the new rule comes as an event of its own. Proved by
applying every message, in order, as ical.js and icalendar read them, against zoneinfo."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.calendar_clients.itip import applied
from tests.calendar_clients.readers import (
    ical_js_occurrences,
    python_calendar,
    python_occurrences,
    seconds,
)
from tests.meetings.support import NOW, guest, make_series
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.calendar import occurrence_series_uid, series_uid
from webapp.meetings.models import CANCELLED, HELD

ZONE = "America/Santiago"


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


@pytest.fixture()
def meeting(organizer, smtp_server):
    """Yearly in May from 2025: 2025 held, 2026 past, 2027 and 2028 to come."""
    made = make_series(
        organizer, zone=ZONE, first_start=datetime(2025, 5, 6, 10, 0),
        first_end=datetime(2025, 5, 6, 12, 0), rule="FREQ=YEARLY;COUNT=4",
    )  # fmt: skip
    made.occurrences[0].status = HELD
    guest(made, organizer, "ana@customs.example", language="es")
    invitations.send_invitations(made, now=NOW)
    db.session.commit()
    return made


def _change(client, meeting, starts: str, ends: str):
    return client.post(
        f"/meetings/{meeting.id}/rule",
        data={
            "starts": starts, "ends": ends, "zone": ZONE, "repeat": "semiannual",
            "count": "2",
        },
    )  # fmt: skip


def _calendar(received) -> tuple[str, str]:
    (part,) = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), part.get_content()


def _at(*parts: int) -> int:
    return seconds(datetime(*parts, tzinfo=ZoneInfo(ZONE)))


def test_the_earlier_meetings_stay_and_the_new_rule_arrives_as_its_own_event(
    client, login, organizer, meeting, smtp_server
):
    old_uid = series_uid(meeting)
    smtp_server.wait_for(1)
    login(organizer)
    response = _change(client, meeting, "2027-11-10T10:00", "2027-11-10T12:00")
    assert response.status_code == 302
    received = smtp_server.wait_for(4)
    assert [r.recipients for r in received] == [["ana@customs.example"]] * 4
    texts = [_calendar(r)[1] for r in received]
    methods = [_calendar(r)[0] for r in received]
    # The invitation; the CANCEL of May 2028; the earlier rule's end; the new rule.
    assert methods == ["REQUEST", "CANCEL", "REQUEST", "REQUEST"]
    ending = python_calendar(texts[2])
    (master,) = [e for e in ending.walk("VEVENT") if "RECURRENCE-ID" not in e]
    first = python_calendar(texts[0]).walk("VEVENT")[0]
    assert master["UID"] == old_uid and int(master["SEQUENCE"]) > int(first["SEQUENCE"])
    assert "COUNT" not in master["RRULE"]
    new = python_calendar(texts[3]).walk("VEVENT")[0]
    db.session.refresh(meeting)
    assert new["UID"] == series_uid(meeting) != old_uid
    body = received[2].message.get_body(("plain",)).get_content()
    assert "Sus reuniones anteriores permanecen en su calendario." in body
    expected = [
        _at(2025, 5, 6, 10), _at(2026, 5, 6, 10), _at(2027, 5, 6, 10),
        _at(2027, 11, 10, 10), _at(2028, 5, 10, 10),
    ]  # fmt: skip
    for reader in ("ical.js", "icalendar"):
        left = applied(texts, reader)
        assert [o.start for o in left] == expected, reader
        assert all(o.end - o.start == 2 * 3600 for o in left), reader
    # Before the change, the calendar held the four meetings of the earlier rule.
    assert len(applied(texts[:1], "ical.js")) == 4


def test_an_occurrence_of_the_earlier_rule_keeps_its_uid_for_later_updates(
    client, login, organizer, meeting
):
    old_uid = series_uid(meeting)
    login(organizer)
    _change(client, meeting, "2027-11-10T10:00", "2027-11-10T12:00")
    db.session.refresh(meeting)
    by_start = {o.original_start.date().isoformat(): o for o in meeting.occurrences}
    assert occurrence_series_uid(by_start["2027-05-06"]) == old_uid
    assert occurrence_series_uid(by_start["2028-05-06"]) == old_uid  # cancelled by the change
    assert by_start["2028-05-06"].status == CANCELLED
    assert occurrence_series_uid(by_start["2027-11-10"]) == series_uid(meeting) != old_uid


def test_a_change_before_every_meeting_cancels_the_earlier_event(
    client, login, organizer, smtp_server
):
    later = make_series(
        organizer, zone=ZONE, first_start=datetime(2027, 5, 6, 10, 0),
        first_end=datetime(2027, 5, 6, 12, 0), rule="FREQ=YEARLY;COUNT=2",
    )  # fmt: skip
    guest(later, organizer, "ana@customs.example")
    invitations.send_invitations(later, now=NOW)
    db.session.commit()
    old_uid = series_uid(later)
    login(organizer)
    _change(client, later, "2027-03-10T10:00", "2027-03-10T12:00")
    received = smtp_server.wait_for(5)
    texts = [_calendar(r)[1] for r in received]
    endings = [t for t, r in zip(texts, received, strict=True)
               if _calendar(r)[0] == "CANCEL" and "RECURRENCE-ID" not in t]  # fmt: skip
    (ending,) = endings
    assert python_calendar(ending).walk("VEVENT")[0]["UID"] == old_uid
    expected = [_at(2027, 3, 10, 10), _at(2027, 9, 10, 10)]
    for reader in ("ical.js", "icalendar"):
        assert [o.start for o in applied(texts, reader)] == expected, reader


def test_the_calendar_feed_lists_the_earlier_meetings_and_the_new_ones(
    client, login, organizer, meeting
):
    login(organizer)
    _change(client, meeting, "2027-11-10T10:00", "2027-11-10T12:00")
    page = client.get("/meetings/calendar").get_data(as_text=True)
    (path,) = set(re.findall(r"http://localhost(/meetings/feed/[^\s\"<]+)", page))
    text = client.get(path).get_data(as_text=True)
    expected = [
        _at(2025, 5, 6, 10), _at(2026, 5, 6, 10), _at(2027, 5, 6, 10),
        _at(2027, 11, 10, 10), _at(2028, 5, 10, 10),
    ]  # fmt: skip
    for occurrences in (ical_js_occurrences(text), python_occurrences(text)):
        assert sorted(o.start for o in occurrences) == expected
