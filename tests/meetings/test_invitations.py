"""Invitations, updates and cancellations as real iMIP messages, captured by a real SMTP
server and read back by icalendar and by ical.js (Thunderbird's parser)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

import pytest
import sqlalchemy as sa

from tests.calendar_clients.readers import ical_js, ical_js_occurrences, python_calendar, seconds
from tests.meetings.support import NOW, guest, make_series
from webapp.core import outbox
from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings import invitations, series
from webapp.meetings.models import CANCELLED
from webapp.meetings.participants import GuestInput, add_guest


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


def _calendar_part(message) -> tuple[str, str]:
    """The one inline text/calendar part: (its method parameter, its text)."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get("Content-Disposition") is None
    # The same calendar attached once as invite.ics, for clients that want a file.
    files = [p.get_filename() for p in message.walk() if p.get_filename()]
    assert files == ["invite.ics"]
    return parts[0].get_param("method"), parts[0].get_content()


def _send(target: object) -> int:
    count = invitations.send_invitations(target, now=NOW)
    db.session.commit()
    return count


def test_an_invitation_is_a_request_that_both_parsers_read_at_the_right_instant(
    organizer, smtp_server
):
    meeting = make_series(organizer, zone="America/Santiago")
    guest(meeting, organizer, "ana@customs.example", language="es", timezone="America/Bogota")
    assert _send(meeting) == 1
    (received,) = smtp_server.wait_for(1)
    message = received.message
    method, text = _calendar_part(message)
    assert method == "REQUEST"
    assert message["Reply-To"] == "organizer@secretariat.example"
    event = python_calendar(text).walk("VEVENT")[0]
    assert python_calendar(text)["METHOD"] == "REQUEST"
    assert str(event["ORGANIZER"]).lower() == "mailto:organizer@secretariat.example"
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == "mailto:ana@customs.example"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    (occurrence,) = ical_js_occurrences(text)
    assert occurrence.start == seconds(datetime(2027, 5, 4, 14, 0, tzinfo=UTC))
    assert ical_js(text)["method"] == ["REQUEST"]


def test_a_series_without_an_organizer_is_invited_with_no_reply_to_and_the_platform_as_organizer(
    organizer, smtp_server, app
):
    # The application always names the creator as organizer and never deletes an account,
    # but the schema allows a series with none (its organizers are rows of their own).
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    meeting.organizers = []
    db.session.commit()
    assert _send(meeting) == 1
    (received,) = smtp_server.wait_for(1)
    message = received.message
    assert received.recipients == ["ana@customs.example"]
    assert message["Reply-To"] is None
    assert db.session.scalars(sa.select(outbox.OutboxMessage)).one().reply_to is None
    method, text = _calendar_part(message)
    event = python_calendar(text).walk("VEVENT")[0]
    platform = parseaddr(app.config["MAIL_FROM"])[1]
    assert str(event["ORGANIZER"]).lower() == f"mailto:{platform}".lower()
    assert method == "REQUEST"


def test_the_mail_gives_the_time_in_the_recipients_zone_and_the_venues_in_their_language(
    organizer, smtp_server
):
    meeting = make_series(organizer, zone="America/Santiago")
    guest(meeting, organizer, "ana@customs.example", language="es", timezone="America/Bogota")
    _send(meeting)
    message = smtp_server.wait_for(1)[0].message
    body = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Invitación: Border cooperation meeting"
    assert "9:00 (America/Bogota)" in body
    assert "10:00 (America/Santiago)" in body
    assert "martes, 4 de mayo de 2027" in body
    html = message.get_body(("html",)).get_content()
    assert "10:00 (America/Santiago)" in html


def test_the_organizers_own_address_is_never_sent_an_invitation(organizer, smtp_server):
    meeting = make_series(organizer)
    guest(meeting, organizer, "organizer@secretariat.example")
    guest(meeting, organizer, "ana@customs.example")
    assert _send(meeting) == 1
    assert [r.recipients for r in smtp_server.wait_for(1)] == [["ana@customs.example"]]


def test_sending_twice_writes_nothing_new(organizer, app):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    assert _send(meeting) == 1
    assert _send(meeting) == 0
    assert db.session.scalar(sa.select(sa.func.count(outbox.OutboxMessage.id))) == 1


def test_a_draft_meeting_cannot_be_sent(organizer):
    meeting = make_series(organizer, schedule=False)
    guest(meeting, organizer, "ana@customs.example")
    with pytest.raises(RuleError):
        invitations.send_invitations(meeting, now=NOW)


def test_a_series_is_one_event_with_its_rule_and_a_moved_occurrence_as_an_override(
    organizer, smtp_server
):
    meeting = make_series(
        organizer,
        zone="America/New_York",
        first_start=datetime(2026, 5, 5, 10, 0),
        first_end=datetime(2026, 5, 5, 12, 0),
        rule="FREQ=MONTHLY;INTERVAL=6;COUNT=3",
    )
    moved = meeting.occurrences[1]
    series.update_occurrence(
        moved,
        series.OccurrenceInput(
            starts=datetime(2026, 11, 12, 10, 0),
            ends=datetime(2026, 11, 12, 12, 0),
            zone="America/New_York",
            status=moved.status,
            venue=series.Venue("OAS Building, Washington"),
        ),
        now=NOW,
    )
    db.session.commit()
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    _, text = _calendar_part(smtp_server.wait_for(1)[0].message)
    events = python_calendar(text).walk("VEVENT")
    assert len({str(e["UID"]) for e in events}) == 1
    assert "RRULE" in events[0]
    starts = sorted(o.start for o in ical_js_occurrences(text))
    assert starts == [
        seconds(datetime(2026, 5, 5, 14, 0, tzinfo=UTC)),
        seconds(datetime(2026, 11, 12, 15, 0, tzinfo=UTC)),
        seconds(datetime(2027, 5, 5, 14, 0, tzinfo=UTC)),
    ]


def test_moving_a_meeting_sends_an_update_with_the_same_uid_a_higher_sequence_and_plain_words(
    organizer, smtp_server
):
    meeting = make_series(organizer, zone="America/Bogota")
    guest(meeting, organizer, "ana@customs.example", language="en", timezone="America/Bogota")
    _send(meeting)
    (first,) = smtp_server.wait_for(1)
    occurrence = meeting.occurrences[0]
    changes = series.update_occurrence(
        occurrence,
        series.OccurrenceInput(
            starts=datetime(2027, 5, 5, 11, 0),
            ends=datetime(2027, 5, 5, 17, 0),
            zone="America/Bogota",
            status=occurrence.status,
            venue=series.Venue("OAS Building, Washington"),
        ),
        now=NOW,
    )
    assert invitations.send_updates(occurrence, changes, now=NOW) == 1
    db.session.commit()
    second = smtp_server.wait_for(2)[1].message
    before = python_calendar(_calendar_part(first.message)[1]).walk("VEVENT")[0]
    after = python_calendar(_calendar_part(second)[1]).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "RECURRENCE-ID" not in after  # a one-off is one event, not an override
    (placed,) = ical_js_occurrences(_calendar_part(second)[1])
    assert placed.start == seconds(datetime(2027, 5, 5, 16, 0, tzinfo=UTC))
    body = second.get_body(("plain",)).get_content().replace("\u202f", " ")
    assert "New time: Wednesday, May 5, 2027, 11:00 AM (America/Bogota)" in body
    assert "before: Tuesday, May 4, 2027, 10:00 AM (America/Bogota)" in body


def test_moving_one_occurrence_of_a_series_sends_just_that_override(organizer, smtp_server):
    meeting = make_series(organizer, zone="America/Santiago", rule="FREQ=YEARLY;COUNT=3")
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    moved = meeting.occurrences[1]
    changes = series.update_occurrence(
        moved,
        series.OccurrenceInput(
            starts=datetime(2028, 9, 12, 10, 0), ends=datetime(2028, 9, 12, 17, 0),
            zone="America/Santiago", status=moved.status,
            venue=series.Venue("OAS Building, Washington"),
        ),
        now=NOW,
    )  # fmt: skip
    invitations.send_updates(moved, changes, now=NOW)
    db.session.commit()
    first, second = smtp_server.wait_for(2)
    master = python_calendar(_calendar_part(first.message)[1]).walk("VEVENT")[0]
    (override,) = python_calendar(_calendar_part(second.message)[1]).walk("VEVENT")
    assert override["UID"] == master["UID"]
    assert override["RECURRENCE-ID"].dt.astimezone(UTC) == moved.original_start
    # September in Santiago is after the change to summer time (UTC-3).
    assert override["DTSTART"].dt.astimezone(UTC) == datetime(2028, 9, 12, 13, 0, tzinfo=UTC)


def test_cancelling_sends_a_cancel(organizer, smtp_server):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    occurrence = meeting.occurrences[0]
    starts, ends = series.wall_clock(occurrence)
    changes = series.update_occurrence(
        occurrence,
        series.OccurrenceInput(
            starts=starts, ends=ends, zone=occurrence.zone, status=CANCELLED,
            venue=series.Venue("OAS Building, Washington"),
        ),
        now=NOW,
    )  # fmt: skip
    invitations.send_updates(occurrence, changes, now=NOW)
    db.session.commit()
    method, text = _calendar_part(smtp_server.wait_for(2)[1].message)
    assert method == "CANCEL"
    assert python_calendar(text)["METHOD"] == "CANCEL"
    assert str(python_calendar(text).walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_removing_an_invited_participant_sends_them_a_cancel(organizer, smtp_server):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    invitations.remove_participant(person, now=NOW)
    db.session.commit()
    received = smtp_server.wait_for(2)[1]
    assert received.recipients == ["ana@customs.example"]
    assert _calendar_part(received.message)[0] == "CANCEL"


def test_removing_someone_never_invited_sends_nothing(organizer):
    meeting = make_series(organizer)
    person = add_guest(meeting, GuestInput("ana@customs.example", "Ana", "delegate"), by=organizer)
    assert invitations.remove_participant(person, now=NOW) is None
    assert person.is_removed


def test_a_title_with_calendar_syntax_reads_back_the_same(organizer, smtp_server):
    title = "Ports; borders, and END:VCALENDAR \\ more"
    meeting = make_series(organizer, title=title)
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    _, text = _calendar_part(smtp_server.wait_for(1)[0].message)
    assert str(python_calendar(text).walk("VEVENT")[0]["SUMMARY"]) == title
    assert ical_js(text)["events"][0]["summary"] == title


def test_changing_the_rule_sends_the_new_rule_as_a_new_event(organizer, smtp_server):
    meeting = make_series(organizer, rule="FREQ=YEARLY;COUNT=3")
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    cancelled = series.change_rule(
        meeting, rule="FREQ=MONTHLY;INTERVAL=6;COUNT=3",
        first_start=datetime(2028, 2, 1, 10, 0), fold=None, now=NOW,
    )  # fmt: skip
    for occurrence in cancelled:
        invitations.send_updates(occurrence, series.Changes(what=[series.STATUS]), now=NOW)
    assert invitations.send_series_update(meeting, now=NOW) == 1
    db.session.commit()
    received = smtp_server.wait_for(2 + len(cancelled))
    first = python_calendar(_calendar_part(received[0].message)[1]).walk("VEVENT")[0]
    methods = [_calendar_part(r.message)[0] for r in received]
    assert methods.count("CANCEL") == len(cancelled) == 2
    for cancel in (r for r in received[1:] if _calendar_part(r.message)[0] == "CANCEL"):
        (event,) = python_calendar(_calendar_part(cancel.message)[1]).walk("VEVENT")
        assert event["UID"] == first["UID"] and "RECURRENCE-ID" in event  # the earlier rule's
    update = next(r for r in received[1:] if _calendar_part(r.message)[0] == "REQUEST")
    master = python_calendar(_calendar_part(update.message)[1]).walk("VEVENT")[0]
    # The new rule is an event of its own (see test_rule_change.py for the earlier one's end).
    assert master["UID"] != first["UID"]
    assert "INTERVAL=6" in master["RRULE"].to_ical().decode()


def test_moving_an_occurrence_of_a_series_says_the_old_and_new_time_in_the_recipients_zone(
    organizer, smtp_server
):
    meeting = make_series(organizer, zone="America/Santiago", rule="FREQ=YEARLY;COUNT=3")
    guest(meeting, organizer, "ana@customs.example", language="en", timezone="America/St_Johns")
    _send(meeting)
    moved = meeting.occurrences[1]  # 4 May 2028, 10:00 in Santiago (UTC-4): 11:30 in St John's
    changes = series.update_occurrence(
        moved,
        series.OccurrenceInput(
            starts=datetime(2028, 9, 12, 10, 0), ends=datetime(2028, 9, 12, 17, 0),
            zone="America/Santiago", status=moved.status,
            venue=series.Venue("OAS Building, Washington"),
        ),
        now=NOW,
    )  # fmt: skip
    invitations.send_updates(moved, changes, now=NOW)
    db.session.commit()
    body = smtp_server.wait_for(2)[1].message.get_body(("plain",)).get_content()
    body = body.replace("\u202f", " ")
    # 12 September 2028, 10:00 in Santiago (UTC-3) is 10:30 in St John's (UTC-2:30).
    assert "New time: Tuesday, September 12, 2028, 10:30 AM (America/St_Johns)" in body
    assert "before: Thursday, May 4, 2028, 11:30 AM (America/St_Johns)" in body
    assert "At the venue: Tuesday, September 12, 2028, 10:00 AM (America/Santiago)" in body


def test_a_late_evening_meeting_keeps_its_own_day_on_the_venue_line(organizer, smtp_server):
    # 23:00 on Tuesday 4 May 2027 in Bogotá (UTC-5) is Wednesday 01:30 in St John's.
    meeting = make_series(
        organizer,
        zone="America/Bogota",
        first_start=datetime(2027, 5, 4, 23, 0),
        first_end=datetime(2027, 5, 4, 23, 45),
    )
    guest(meeting, organizer, "ana@customs.example", language="en", timezone="America/St_Johns")
    _send(meeting)
    body = smtp_server.wait_for(1)[0].message.get_body(("plain",)).get_content()
    assert "Tuesday, May 4, 2027, 11:00\u202fPM (America/Bogota)" in body
    assert "Wednesday, May 5, 2027, 1:30\u202fAM (America/St_Johns)" in body
