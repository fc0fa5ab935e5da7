"""Cancelling a whole series in one action: a confirmation page, then every meeting still
to come cancelled, the past ones untouched, and one CANCEL per invited participant for
the series' UID with a higher SEQUENCE, read back by icalendar and by ical.js."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.calendar_clients.itip import applied
from tests.calendar_clients.readers import ical_js, python_calendar, seconds
from tests.meetings.support import NOW, guest, make_series
from webapp.core.errors import RuleError
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import cancellation, invitations
from webapp.meetings import series as series_service
from webapp.meetings.calendar import series_uid
from webapp.meetings.models import CANCELLED, HELD, SCHEDULED, Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def meeting(organizer):
    """Yearly from May 2025: 2025 (held) and 2026 are past, 2027 and 2028 to come."""
    made = make_series(
        organizer, zone="America/Santiago", first_start=datetime(2025, 5, 6, 10, 0),
        first_end=datetime(2025, 5, 6, 17, 0), rule="FREQ=YEARLY;COUNT=4",
    )  # fmt: skip
    made.occurrences[0].status = HELD
    guest(made, organizer, "ana@customs.example", language="es")
    db.session.commit()
    return made


def _invite(meeting) -> None:
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()


def _calendar(message) -> tuple[str, str]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), part.get_content()


def test_the_link_opens_a_confirmation_page_that_changes_nothing(
    client, login, organizer, meeting
):
    _invite(meeting)
    login(organizer)
    page = client.get(f"/meetings/{meeting.id}")
    assert f"/meetings/{meeting.id}/cancel".encode() in page.data
    response = client.get(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 200
    assert b"These 2 meetings still to come will be cancelled" in response.data
    db.session.expire_all()
    assert [o.status for o in meeting.occurrences] == [HELD, SCHEDULED, SCHEDULED, SCHEDULED]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_confirming_cancels_the_meetings_to_come_and_leaves_the_past_as_it_was(
    client, login, organizer, meeting
):
    _invite(meeting)
    login(organizer)
    response = client.post(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert [o.status for o in meeting.occurrences] == [HELD, SCHEDULED, CANCELLED, CANCELLED]


def test_a_series_already_under_way_ends_with_a_request_that_keeps_its_past_meetings(
    client, login, organizer, meeting, smtp_server
):
    _invite(meeting)
    guest(meeting, organizer, "bo@customs.example")  # never invited: nothing to send
    (invitation,) = smtp_server.wait_for(1)
    _, request_text = _calendar(invitation.message)
    sent = python_calendar(request_text).walk("VEVENT")[0]
    login(organizer)
    client.post(f"/meetings/{meeting.id}/cancel")
    received = smtp_server.wait_for(2)
    assert len(received) == 2
    ending = received[1]
    assert ending.recipients == ["ana@customs.example"]
    method, text = _calendar(ending.message)
    assert method == "REQUEST"
    calendar = python_calendar(text)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e]
    assert event["UID"] == sent["UID"] == series_uid(meeting)
    assert int(event["SEQUENCE"]) > int(sent["SEQUENCE"])
    rule = event["RRULE"]
    assert "COUNT" not in rule
    assert rule["UNTIL"][0] == meeting.occurrences[1].original_start
    read = ical_js(text)
    assert read["method"] == ["REQUEST"]
    (js_event,) = [e for e in read["events"] if e["recurrence_id"] is None]
    assert js_event["uid"] == series_uid(meeting)
    assert js_event["sequence"] == int(event["SEQUENCE"])
    body = ending.message.get_body(("plain",)).get_content()
    assert "cancelada" in body
    assert "Sus reuniones anteriores permanecen en su calendario." in body


def test_a_series_that_has_not_started_is_cancelled_whole(client, login, organizer, smtp_server):
    later = make_series(
        organizer, zone="America/New_York", first_start=datetime(2027, 5, 4, 10, 0),
        first_end=datetime(2027, 5, 4, 12, 0), rule="FREQ=YEARLY;COUNT=3",
    )  # fmt: skip
    guest(later, organizer, "ana@customs.example", language="es")
    _invite(later)
    (invitation,) = smtp_server.wait_for(1)
    _, request_text = _calendar(invitation.message)
    login(organizer)
    client.post(f"/meetings/{later.id}/cancel")
    cancel = smtp_server.wait_for(2)[1]
    method, text = _calendar(cancel.message)
    assert method == "CANCEL"
    (event,) = python_calendar(text).walk("VEVENT")
    assert event["UID"] == series_uid(later) and "RECURRENCE-ID" not in event
    assert str(event["STATUS"]) == "CANCELLED"
    assert not event.walk("VALARM")
    (js_event,) = ical_js(text)["events"]
    assert js_event["status"] == "CANCELLED" and js_event["recurrence_id"] is None
    for reader in ("ical.js", "icalendar"):
        assert applied([request_text, text], reader) == []
    body = cancel.message.get_body(("plain",)).get_content()
    assert "cancelada" in body and "anteriores" not in body


ENDED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["America/New_York", "America/Santiago", "America/St_Johns"])
def test_after_the_invitation_and_the_ending_every_past_meeting_stays_at_its_instant_and_none_to_come_remains(  # noqa: E501 - the specification's name
    organizer, smtp_server, zone
):
    """Every six months from March 2025: both sides of each zone's daylight-saving change
    are in the past and in the future; the second meeting was moved by a day and a half
    hour. Ended on 1 November 2026: four meetings kept, two cancelled."""
    made = make_series(
        organizer, zone=zone, first_start=datetime(2025, 3, 4, 10, 0),
        first_end=datetime(2025, 3, 4, 12, 0), rule="FREQ=MONTHLY;INTERVAL=6;COUNT=6",
    )  # fmt: skip
    moved = made.occurrences[1]
    series_service.update_occurrence(
        moved,
        series_service.OccurrenceInput(
            starts=datetime(2025, 9, 5, 10, 30),
            ends=datetime(2025, 9, 5, 12, 30),
            zone=zone,
            status=SCHEDULED,
            venue=series_service.Venue(address="OAS Building, Washington"),
        ),
        now=NOW,
    )
    guest(made, organizer, "ana@customs.example")
    _invite(made)
    (invitation,) = smtp_server.wait_for(1)
    cancelled = cancellation.cancel_series(made, now=ENDED_AT)
    cancellation.send_series_cancel(made, cancelled, now=ENDED_AT)
    db.session.commit()
    ending = smtp_server.wait_for(2)[1]
    tz = ZoneInfo(zone)
    walls = [
        datetime(2025, 3, 4, 10, 0), datetime(2025, 9, 5, 10, 30),
        datetime(2026, 3, 4, 10, 0), datetime(2026, 9, 4, 10, 0),
    ]  # fmt: skip
    originals = [
        datetime(2025, 3, 4),
        datetime(2025, 9, 4),
        datetime(2026, 3, 4),
        datetime(2026, 9, 4),
    ]
    expected = [
        (seconds(original.replace(hour=10, tzinfo=tz)), seconds(wall.replace(tzinfo=tz)))
        for original, wall in zip(originals, walls, strict=True)
    ]
    assert len({ZoneInfo(zone).utcoffset(w) for w in walls}) == 2  # both sides of a change
    texts = [_calendar(invitation.message)[1], _calendar(ending.message)[1]]
    for reader in ("ical.js", "icalendar"):
        left = applied(texts, reader)
        assert [(o.recurrence_id or o.start, o.start) for o in left] == expected, reader
        assert all(o.end - o.start == 2 * 3600 for o in left), reader
        assert all(o.start < seconds(ENDED_AT) for o in left), reader
        # The invitation alone held all six, the cancelled two at their instants.
        assert len(applied(texts[:1], reader)) == 6, reader


def test_someone_invited_to_one_meeting_to_come_gets_the_cancel_of_that_meeting(
    organizer, meeting, client, login, smtp_server
):
    later = meeting.occurrences[3]
    guest(later, organizer, "cy@customs.example")
    _invite(later)
    _invite(meeting)
    login(organizer)
    client.post(f"/meetings/{meeting.id}/cancel")
    received = smtp_server.wait_for(4)
    (cancel,) = [r for r in received[2:] if r.recipients == ["cy@customs.example"]]
    method, text = _calendar(cancel.message)
    (event,) = python_calendar(text).walk("VEVENT")
    assert method == "CANCEL"
    assert event["UID"] != series_uid(meeting) and str(event["STATUS"]) == "CANCELLED"
    assert ical_js(text)["events"][0]["uid"] == str(event["UID"])


def test_a_series_with_nothing_to_come_cannot_be_cancelled_again(
    client, login, organizer, meeting
):
    login(organizer)
    client.post(f"/meetings/{meeting.id}/cancel")
    response = client.post(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 200
    assert b"No meeting of this series is still to come." in response.data


def test_only_an_organizer_may_cancel_a_series(client, login, user, meeting):
    login(user("participant", email="pat@customs.example"))
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code in (403, 404)
    db.session.expire_all()
    assert meeting.occurrences[3].status == SCHEDULED


# --- the rules of the cancellation itself, without the pages ------------------------------


def _cancel(series, now=ENDED_AT) -> int:
    cancelled = cancellation.cancel_series(series, now=now)
    written = cancellation.send_series_cancel(series, cancelled, now=now)
    db.session.commit()
    return written


def _cancels_to(smtp_server, count: int) -> dict[str, object]:
    """Who received what, after the invitations: {address: message}."""
    return {r.recipients[0]: r.message for r in smtp_server.wait_for(count)}


def test_a_meeting_that_starts_at_the_moment_of_cancelling_has_started_and_is_kept(meeting):
    starting = meeting.occurrences[2]
    cancelled = cancellation.cancel_series(meeting, now=starting.starts_at)
    assert cancelled == [meeting.occurrences[3]]
    assert starting.status == SCHEDULED


def test_a_series_with_nothing_to_come_is_refused_with_the_reason_and_nothing_changes(meeting):
    cancellation.cancel_series(meeting, now=ENDED_AT)
    sequences = [meeting.sequence] + [o.sequence for o in meeting.occurrences]
    with pytest.raises(RuleError) as refused:
        cancellation.cancel_series(meeting, now=ENDED_AT)
    assert refused.value.message == "No meeting of this series is still to come."
    assert [meeting.sequence] + [o.sequence for o in meeting.occurrences] == sequences


def test_cancelling_raises_each_sequence_by_one_and_leaves_the_kept_meetings_alone(meeting):
    meeting.sequence, meeting.occurrences[3].sequence = 4, 2
    db.session.commit()
    before = [o.sequence for o in meeting.occurrences]
    cancellation.cancel_series(meeting, now=ENDED_AT)
    assert meeting.sequence == 5
    assert [o.sequence for o in meeting.occurrences] == [
        before[0],
        before[1],
        before[2] + 1,
        before[3] + 1,
    ]


def test_each_person_invited_gets_one_message_and_nobody_else_does(
    organizer, meeting, smtp_server
):
    other = make_series(organizer, title="Another meeting", rule="FREQ=YEARLY;COUNT=2")
    guest(other, organizer, "zoe@customs.example")
    guest(meeting, organizer, "bo@customs.example", name="Bo Berg")
    _invite(other)
    _invite(meeting)
    left = guest(meeting, organizer, "lee@customs.example")
    _invite(meeting)
    invitations.remove_participant(left, now=NOW)  # told at once, then gone
    db.session.commit()
    sent_before = len(smtp_server.wait_for(5))
    assert sent_before == 5
    assert _cancel(meeting) == 2
    received = smtp_server.wait_for(sent_before + 2)[sent_before:]
    assert sorted(r.recipients[0] for r in received) == [
        "ana@customs.example",
        "bo@customs.example",
    ]
    time.sleep(0.2)
    assert len(smtp_server.received) == sent_before + 2


def test_an_organizer_among_the_participants_is_not_sent_the_cancel_and_the_others_are(
    organizer, user, smtp_server
):
    made = make_series(organizer, zone="America/Santiago", rule="FREQ=YEARLY;COUNT=2")
    guest(made, organizer, "CO@customs.example", name="Carla Co")  # before the others
    guest(made, organizer, "ana@customs.example")
    _invite(made)
    # Invited as a participant, then made an organizer too: their own calendar holds the
    # meeting as its organizer's, and a cancel sent to them would be read as an attendee's.
    co_organizer = user("organizer", email="co@customs.example")
    made.organizers.append(co_organizer)
    db.session.commit()
    assert len(smtp_server.wait_for(2)) == 2
    assert _cancel(made) == 1
    received = smtp_server.wait_for(3)
    assert [r.recipients for r in received[2:]] == [["ana@customs.example"]]
    time.sleep(0.2)
    assert len(smtp_server.received) == 3


def test_the_cancel_greets_by_name_names_the_series_and_is_answered_to_the_organizer(
    organizer, meeting, smtp_server
):
    _invite(meeting)
    assert _cancel(meeting) == 1
    message = smtp_server.wait_for(2)[1].message
    assert message["To"] == "ana@customs.example"
    assert message.get_body(("plain",)).get_content().startswith("Apreciable Ana Pérez:")
    assert message["Reply-To"] == "organizer@secretariat.example"
    assert meeting.title in message["Subject"]
    assert message["Subject"] != "Cancelled: "


def test_a_series_without_an_organizer_is_cancelled_with_no_reply_to(
    organizer, meeting, smtp_server
):
    _invite(meeting)
    meeting.organizers = []  # the schema allows it; the pages never make one
    db.session.commit()
    assert _cancel(meeting) == 1
    message = smtp_server.wait_for(2)[1].message
    assert message["Reply-To"] is None
    assert _calendar(message)[0] == "REQUEST"


def test_after_the_ending_the_participant_holds_the_current_version_and_its_message(
    organizer, meeting, smtp_server
):
    _invite(meeting)
    person = db.session.scalars(sa.select(Participant)).one()
    assert _cancel(meeting) == 1
    db.session.expire_all()
    assert person.invited_sequence == invitations.current_sequence(person)
    latest = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert latest.recipient == "ana@customs.example" and latest.kind == invitations.CANCEL
    assert person.last_message_id == latest.id
    # Nothing more is owed to them: sending the invitations again sends them nothing.
    assert invitations.send_invitations(meeting, now=ENDED_AT) == 0
