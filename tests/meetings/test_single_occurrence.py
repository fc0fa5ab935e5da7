"""Inviting a guest to one meeting of a series from the participants page: they are
listed as invited to that meeting only, and the "Send invitations" action sends them a
REQUEST for that meeting alone, read back by icalendar and by ical.js."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.calendar_clients.readers import ical_js_occurrences, python_calendar, seconds
from tests.meetings.support import guest, make_series
from webapp.extensions import db
from webapp.meetings.calendar import series_uid
from webapp.meetings.models import CANCELLED, Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def meeting(organizer):
    return make_series(
        organizer, zone="America/St_Johns", first_start=datetime(2027, 5, 4, 10, 0),
        first_end=datetime(2027, 5, 4, 17, 0), rule="FREQ=YEARLY;COUNT=3",
    )  # fmt: skip


def _add(client, meeting, occurrence_id: int, email: str = "cy@customs.example"):
    return client.post(
        f"/meetings/{meeting.id}/participants/guest",
        data={"email": email, "name": "Cy Guest", "role": "observer", "state": "0",
              "language": "fr", "timezone": "America/Bogota", "occurrence": str(occurrence_id)},
    )  # fmt: skip


def test_the_guest_form_offers_each_meeting_of_the_series(client, login, organizer, meeting):
    login(organizer)
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert 'name="occurrence"' in page
    for occurrence in meeting.occurrences:
        assert f'value="{occurrence.id}"' in page


def test_a_guest_invited_to_one_meeting_is_listed_as_such(client, login, organizer, meeting):
    login(organizer)
    second = meeting.occurrences[1]
    assert _add(client, meeting, second.id).status_code == 302
    person = db.session.scalar(sa.select(Participant))
    assert person.occurrence_id == second.id and person.series_id is None
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "Cy Guest" in page and f'data-only="{second.id}"' in page


def test_a_meeting_of_another_series_or_a_cancelled_one_is_refused(
    client, login, organizer, meeting
):
    login(organizer)
    other = make_series(organizer, title="Other")
    response = _add(client, meeting, other.occurrences[0].id)
    assert response.status_code == 400
    assert "Choose a meeting of this series." in response.get_data(as_text=True)
    meeting.occurrences[2].status = CANCELLED
    db.session.commit()
    assert _add(client, meeting, meeting.occurrences[2].id).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0


def test_sending_invites_them_to_that_meeting_alone(
    client, login, organizer, meeting, smtp_server
):
    guest(meeting, organizer, "ana@customs.example")
    login(organizer)
    second = meeting.occurrences[1]
    _add(client, meeting, second.id)
    assert client.post(f"/meetings/{meeting.id}/invitations").status_code == 302
    received = smtp_server.wait_for(2)
    (mine,) = [r for r in received if r.recipients == ["cy@customs.example"]]
    (part,) = [p for p in mine.message.walk() if p.get_content_type() == "text/calendar"]
    text = part.get_content()
    (event,) = python_calendar(text).walk("VEVENT")
    assert str(event["UID"]) != series_uid(meeting)
    assert "RRULE" not in event
    (occurrence,) = ical_js_occurrences(text)
    assert occurrence.start == seconds(second.starts_at)
    assert occurrence.end == seconds(second.ends_at)


def test_the_organizer_can_remove_a_guest_invited_to_one_meeting(
    client, login, organizer, meeting
):
    login(organizer)
    _add(client, meeting, meeting.occurrences[0].id)
    person = db.session.scalar(sa.select(Participant))
    response = client.post(f"/meetings/{meeting.id}/participants/{person.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert person.is_removed
