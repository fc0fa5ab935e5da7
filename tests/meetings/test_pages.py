"""The organizer's pages: create a series, add participants, send invitations, watch the
delivery; with query counts that do not grow with the number of participants."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.meetings.support import NOW, guest, make_series
from tests.querycount import count_queries
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.models import MeetingSeries, Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


def test_an_organizer_creates_a_yearly_series_from_the_form(
    client, login, organizer, member_state, area
):
    login(organizer)
    jm = member_state("JM")
    customs = area("customs")
    response = client.post(
        "/meetings/new",
        data={
            "title": "Caribbean ports meeting",
            "scope": "subregional",
            "states": [str(jm.id)],
            "topics": [str(customs.id)],
            "starts": "2027-05-04T10:00",
            "ends": "2027-05-04T17:00",
            "zone": "America/Jamaica",
            "repeat": "yearly",
            "count": "3",
            "venue_address": "Port Authority, Kingston",
            "host_state": str(jm.id),
            "languages": ["en", "es"],
            "reminders": "14, 1",
        },
    )
    assert response.status_code == 302
    made = db.session.scalar(sa.select(MeetingSeries))
    assert made.rule == "FREQ=YEARLY;COUNT=3"
    assert [o.starts_at.year for o in made.occurrences] == [2027, 2028, 2029]
    assert made.occurrences[0].host_state == jm
    assert made.reminder_offsets == "20160,1440"
    page = client.get(response.headers["Location"])
    assert "Caribbean ports meeting" in page.get_data(as_text=True)


def test_a_time_that_happens_twice_is_shown_next_to_the_form(client, login, organizer):
    login(organizer)
    page = client.post(
        "/meetings/new",
        data={
            "title": "Autumn meeting",
            "scope": "regional",
            "starts": "2027-11-07T01:30",
            "ends": "2027-11-07T03:00",
            "zone": "America/New_York",
            "repeat": "once",
        },
    )
    assert page.status_code == 400
    assert "happens twice" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MeetingSeries.id))) == 0


def test_participants_are_added_from_the_directory_with_a_guessed_language_and_zone(
    client, login, organizer, member_state, contact
):
    login(organizer)
    mx = member_state("MX")
    meeting = make_series(organizer, member_states=[mx])
    entry = contact(mx, name="Mario Ruiz", email="mario@aduanas.example")
    response = client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"contacts": [str(entry.id)], "role": "speaker"},
    )
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Participant))
    assert (person.email, person.role, person.language, person.timezone) == (
        "mario@aduanas.example",
        "speaker",
        "es",
        "America/Mexico_City",
    )


def test_send_invitations_returns_at_once_and_the_page_polls_delivery(
    client, login, organizer, smtp_server
):
    login(organizer)
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    response = client.post(f"/meetings/{meeting.id}/invitations")
    assert response.status_code == 302
    smtp_server.wait_for(1)
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "delivery.js" in page and "data-delivery-url" in page
    rows = client.get(f"/meetings/{meeting.id}/delivery.json").get_json()
    assert [(r["status"], r["label"]) for r in rows] == [("sent", "sent")]


def test_the_click_only_queues_the_work_and_a_worker_writes_the_invitations(
    client, login, organizer, app
):
    from tasks.meetings import send_invitations as write_invitations
    from webapp.core.outbox import OutboxMessage

    app.extensions["celery"].conf.task_always_eager = False  # a broker and no worker yet
    login(organizer)
    meeting = make_series(organizer)
    for n in range(3):
        guest(meeting, organizer, f"p{n}@customs.example")
    response = client.post(f"/meetings/{meeting.id}/invitations")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?sending=1")
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert write_invitations(meeting.id, NOW.isoformat()) == 3
    assert write_invitations(meeting.id, NOW.isoformat()) == 0  # running twice sends nothing
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 3
    app.extensions["celery"].control.purge()  # the queued task, which ran by hand above


def test_a_failed_delivery_shows_its_reason(client, login, organizer, smtp_server, app):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    login(organizer)
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    smtp_server.fail_next("550 5.1.1 No such mailbox")
    client.post(f"/meetings/{meeting.id}/invitations")
    (row,) = client.get(f"/meetings/{meeting.id}/delivery.json").get_json()
    assert row["status"] == "failed" and "No such mailbox" in row["error"]


def test_the_participants_page_shows_counts_by_answer_and_by_state(
    client, login, organizer, member_state
):
    login(organizer)
    br = member_state("BR")
    meeting = make_series(organizer)
    guest(meeting, organizer, "a@x.example", member_state=br).answer = "accepted"
    guest(meeting, organizer, "b@x.example", member_state=br)
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert 'data-count="accepted">1<' in page
    assert 'data-count="needs-action">1<' in page
    assert "Brazil" in page


def _add_people(meeting: MeetingSeries, organizer: object, states: list, count: int) -> None:
    for n in range(count):
        guest(meeting, organizer, f"p{n}-{meeting.id}@x.example", member_state=states[n % 2])
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()


@pytest.mark.parametrize("path", ["/meetings/{id}", "/meetings/{id}/participants"])
def test_query_counts_do_not_grow_with_the_participants(
    client, login, organizer, member_state, path
):
    login(organizer)
    states = [member_state("BR"), member_state("MX")]
    small, large = make_series(organizer), make_series(organizer)
    _add_people(small, organizer, states, 2)
    _add_people(large, organizer, states, 30)
    counts = []
    for meeting in (small, large):
        with count_queries() as counted:
            assert client.get(path.format(id=meeting.id)).status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


def test_the_list_shows_each_series_next_meeting_not_cancelled_and_how_many_it_has(
    client, login, organizer
):
    from datetime import datetime

    from webapp.meetings.models import CANCELLED

    yearly = make_series(
        organizer,
        title="Yearly ports meeting",
        first_start=datetime(2027, 5, 4, 10, 0),
        first_end=datetime(2027, 5, 4, 17, 0),
        rule="FREQ=YEARLY;COUNT=3",
    )
    yearly.occurrences[0].status = CANCELLED  # the next one is then May 2028
    make_series(organizer, title="Past meeting", first_start=datetime(2020, 1, 7, 10, 0),
                first_end=datetime(2020, 1, 7, 12, 0))  # fmt: skip
    db.session.commit()
    login(organizer)
    page = client.get("/meetings/").get_data(as_text=True)
    row = page[page.index("Yearly ports meeting") :].split("</tr>")[0]
    assert "2028" in row and "2027" not in row and ">3<" in row
    past = page[page.index("Past meeting") :].split("</tr>")[0]
    assert "—" in past and ">1<" in past
