"""Cancelling a whole series in one action: a confirmation page, then every meeting still
to come cancelled, the past ones untouched, and one CANCEL per invited participant for
the series' UID with a higher SEQUENCE, read back by icalendar and by ical.js."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.calendar_clients.readers import ical_js, python_calendar
from tests.meetings.support import NOW, guest, make_series
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.calendar import series_uid
from webapp.meetings.models import CANCELLED, HELD, SCHEDULED


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


def test_each_invited_participant_gets_one_cancel_for_the_series_with_a_higher_sequence(
    client, login, organizer, meeting, smtp_server
):
    _invite(meeting)
    guest(meeting, organizer, "bo@customs.example")  # never invited: nothing to cancel
    (invitation,) = smtp_server.wait_for(1)
    _, request_text = _calendar(invitation.message)
    sent = python_calendar(request_text).walk("VEVENT")[0]
    login(organizer)
    client.post(f"/meetings/{meeting.id}/cancel")
    received = smtp_server.wait_for(2)
    assert len(received) == 2
    cancel = received[1]
    assert cancel.recipients == ["ana@customs.example"]
    method, text = _calendar(cancel.message)
    assert method == "CANCEL"
    calendar = python_calendar(text)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == sent["UID"] == series_uid(meeting)
    assert int(event["SEQUENCE"]) > int(sent["SEQUENCE"])
    assert "RECURRENCE-ID" not in event
    assert str(event["STATUS"]) == "CANCELLED"
    assert not event.walk("VALARM")
    read = ical_js(text)
    assert read["method"] == ["CANCEL"]
    (js_event,) = read["events"]
    assert js_event["uid"] == series_uid(meeting)
    assert js_event["sequence"] == int(event["SEQUENCE"])
    assert js_event["status"] == "CANCELLED"
    assert "cancelada" in cancel.message.get_body(("plain",)).get_content()


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
