"""Who sees what: organizers manage; focal points see their states' meetings and propose
participants from their states; participants see their own meetings; nobody else sees a
non-public meeting's participants. Each account has a private, revocable feed."""

from __future__ import annotations

import pytest

from tests.meetings.support import NOW, guest, make_series
from webapp.extensions import db
from webapp.meetings import invitations


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


@pytest.fixture()
def setting(organizer, member_state):
    br, mx = member_state("BR"), member_state("MX")
    meeting = make_series(organizer, title="Brazil-Mexico bilateral", member_states=[br, mx])
    guest(meeting, organizer, "delegate@customs.example")
    return meeting, br, mx


def test_a_focal_point_of_a_concerned_state_sees_the_meeting_and_its_participants(
    client, login, user, setting
):
    meeting, br, _ = setting
    login(user("focal_point", states=[br]))
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/participants").status_code == 200


def test_a_focal_point_of_another_state_sees_nothing(client, login, user, setting, member_state):
    meeting, _, _ = setting
    login(user("focal_point", states=[member_state("CA")]))
    assert client.get("/meetings/").get_data(as_text=True).count("Brazil-Mexico") == 0
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/participants").status_code == 404


def test_a_focal_point_may_propose_only_people_of_their_states(client, login, user, setting):
    meeting, br, mx = setting
    login(user("focal_point", states=[br]))
    mine = client.post(
        f"/meetings/{meeting.id}/participants/guest",
        data={"email": "x@br.example", "name": "X", "role": "delegate", "state": str(br.id)},
    )
    assert mine.status_code == 302
    other = client.post(
        f"/meetings/{meeting.id}/participants/guest",
        data={"email": "y@mx.example", "name": "Y", "role": "delegate", "state": str(mx.id)},
    )
    assert other.status_code == 400
    assert "your own states" in other.get_data(as_text=True)


def test_a_participant_sees_their_meeting_but_not_its_participants(client, login, user, setting):
    meeting, _, _ = setting
    login(user("participant", email="delegate@customs.example"))
    assert "Brazil-Mexico" in client.get("/meetings/").get_data(as_text=True)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/participants").status_code == 404


def test_someone_not_invited_sees_nothing(client, login, user, setting):
    meeting, _, _ = setting
    login(user("participant", email="someone@else.example"))
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_the_calendar_feed_lists_my_meetings_and_can_be_revoked(client, login, user, setting):
    meeting, _, _ = setting
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()
    login(user("participant", email="delegate@customs.example"))
    page = client.get("/meetings/calendar").get_data(as_text=True)
    url = page.split('readonly value="http://localhost')[1].split('"')[0]
    feed = client.get(url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "Brazil-Mexico bilateral" in feed.get_data(as_text=True)
    assert client.post("/meetings/calendar").status_code == 302
    assert client.get(url).status_code == 404
    client.get("/logout")
    assert client.get(url).status_code == 404
