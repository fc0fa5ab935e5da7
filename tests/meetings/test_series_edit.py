"""An organizer edits what describes a series after creating it: title, scope, states,
topics, visibility and the default reminders; bad input changes nothing."""

from __future__ import annotations

import pytest

from tests.meetings.support import make_series
from webapp.extensions import db
from webapp.meetings.models import DEFAULT_REMINDERS


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


def test_an_organizer_edits_the_series_and_its_reminders(
    client, login, organizer, member_state, area
):
    meeting = make_series(organizer, title="Border meeting")
    br, customs = member_state("BR"), area("customs")
    login(organizer)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/edit" in page and "14, 1" in page
    form = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Border meeting"' in form
    response = client.post(
        f"/meetings/{meeting.id}/edit",
        data={
            "title": "Border meeting; Caribbean, \\ ports",
            "description": "Second session",
            "scope": "subregional",
            "is_public": "y",
            "states": [str(br.id)],
            "topics": [str(customs.id)],
            "reminders": "30, 7",
        },
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.title == "Border meeting; Caribbean, \\ ports"
    assert (meeting.scope, meeting.is_public, meeting.description) == (
        "subregional",
        True,
        "Second session",
    )
    assert [s.code for s in meeting.member_states] == ["BR"]
    assert [a.code for a in meeting.topics] == ["customs"]
    assert meeting.reminder_offsets == f"{30 * 1440},{7 * 1440}"
    assert meeting.occurrences[0].offsets == [30 * 1440, 7 * 1440]
    # Emptied, the reminders go back to the default.
    client.post(
        f"/meetings/{meeting.id}/edit",
        data={"title": "Border meeting", "scope": "regional", "reminders": ""},
    )
    db.session.refresh(meeting)
    assert meeting.reminder_offsets == DEFAULT_REMINDERS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Two\nlines", "scope": "regional"}, "without line breaks"),
        ({"title": "", "scope": "regional"}, "This field is required."),
        ({"title": "T", "scope": "regional", "reminders": "soon"}, "as numbers"),
        ({"title": "T", "scope": "regional", "reminders": "400"}, "1 minute to 1 year"),
        ({"title": "T", "scope": "galactic"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client, login, organizer, data, message
):
    meeting = make_series(organizer, title="Border meeting")
    login(organizer)
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert (meeting.title, meeting.reminder_offsets) == ("Border meeting", DEFAULT_REMINDERS)


def test_only_organizers_edit_a_series(client, login, user, organizer, member_state):
    br = member_state("BR")
    meeting = make_series(organizer, title="Border meeting", member_states=[br])
    login(user("focal_point", states=[br]))
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.post(f"/meetings/{meeting.id}/edit", data={"title": "X"}).status_code == 403
    db.session.refresh(meeting)
    assert meeting.title == "Border meeting"
