"""Adding people from the directory has its own page, linked from the participants page:
the entries offered a hundred at a time, with their filters carried from page to page;
adding returns to the participants page saying how many were added and how many already
took part; "everyone listed" stops at a list too long to add at once; the page is kept
between requests and follows a change made in another process."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, make_series
from tests.querycount import count_queries
from webapp.core import freshness
from webapp.directory.models import WITHDRAWN, Agency, PointOfContact
from webapp.extensions import db
from webapp.meetings.models import MeetingSeries, Participant
from webapp.meetings.offer import EVERYONE_LIMIT


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


def _officers(state: object, count: int, *, agency: str = "Customs Administration") -> None:
    """`count` active entries of one agency of `state`, named Officer 000, 001..."""
    made = Agency(member_state_id=state.id, name=agency, kind="customs")
    db.session.add(made)
    db.session.add_all(
        PointOfContact(
            member_state_id=state.id,
            agency=made,
            name=f"Officer {n:03}",
            email=f"officer{n:03}@{state.code.lower()}.example",
        )
        for n in range(count)
    )
    db.session.commit()


def _ticks(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="contacts" value="(\d+)"', page)


def test_the_participants_page_links_to_the_offer_and_no_longer_lists_it(
    client, login, organizer, member_state, contact
):
    meeting = make_series(organizer)
    contact(member_state("MX"), name="Mario Ruiz")
    login(organizer)
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/participants/add"' in page
    assert "Mario Ruiz" not in page and 'name="contacts"' not in page
    assert 'name="email"' in page  # the guest form stays


def test_a_participant_sees_neither_the_link_nor_the_page(client, login, user, organizer):
    meeting = make_series(organizer, is_public=True)
    person = user("participant", email="ana@customs.example")
    guest(meeting, organizer, person.email)
    login(person)
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "/participants/add" not in page
    assert client.get(f"/meetings/{meeting.id}/participants/add").status_code == 403


def test_a_focal_point_of_other_states_is_refused_the_page(
    client, login, user, organizer, member_state
):
    mx = member_state("MX")
    meeting = make_series(organizer, member_states=[mx], is_public=True)
    login(user("focal_point", states=[member_state("BR")]))
    assert client.get(f"/meetings/{meeting.id}/participants/add").status_code == 403
    response = client.post(
        f"/meetings/{meeting.id}/participants/add", data={"everyone": "y", "role": "delegate"}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_an_unknown_series_is_not_found(client, login, organizer):
    login(organizer)
    assert client.get("/meetings/999999/participants/add").status_code == 404
    assert client.get("/meetings/999999/participants").status_code == 404


def test_a_hundred_people_a_page_with_the_filter_carried_to_the_next(
    client, login, organizer, member_state
):
    mx = member_state("MX")
    _officers(mx, 105)
    _officers(member_state("BR"), 3)
    meeting = make_series(organizer)
    login(organizer)
    base = f"/meetings/{meeting.id}/participants/add"
    first = client.get(f"{base}?state={mx.id}").get_data(as_text=True)
    assert len(_ticks(first)) == 100 and "105 people listed" in first
    assert f"state={mx.id}" in first[first.index('rel="next"') - 120 :]
    second = client.get(f"{base}?state={mx.id}&page=2").get_data(as_text=True)
    assert len(_ticks(second)) == 5 and not set(_ticks(first)) & set(_ticks(second))
    beyond = client.get(f"{base}?state={mx.id}&page=99").get_data(as_text=True)
    assert _ticks(beyond) == _ticks(second)  # the last page


def test_adding_returns_to_the_participants_page_saying_how_many(
    client, login, organizer, member_state
):
    mx = member_state("MX")
    _officers(mx, 3)
    meeting = make_series(organizer)
    guest(meeting, organizer, "officer000@mx.example")
    ids = [str(i) for i in db.session.scalars(sa.select(PointOfContact.id))]
    login(organizer)
    response = client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"contacts": ids, "role": "delegate"},
        follow_redirects=True,
    )
    assert response.request.path == f"/meetings/{meeting.id}/participants"
    page = response.get_data(as_text=True)
    assert "2 participants added. 1 was already taking part." in page
    assert "officer002@mx.example" in page


def test_everyone_listed_beyond_the_limit_is_refused_and_adds_nobody(
    client, login, organizer, member_state
):
    mx = member_state("MX")
    _officers(mx, EVERYONE_LIMIT + 1)
    meeting = make_series(organizer)
    login(organizer)
    response = client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"everyone": "y", "state": str(mx.id), "role": "delegate"},
    )
    assert response.status_code == 400
    assert f"More than {EVERYONE_LIMIT} people are listed" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_the_kept_page_follows_changes_made_in_another_process(
    client, login, organizer, member_state, contact, changed_by_another_process
):
    for name in ("meetings", "directory"):
        freshness.touch(db.session, name)  # the rows the migrations make
    db.session.commit()
    mx, br = member_state("MX"), member_state("BR")
    contact(mx, name="Mario Ruiz")
    contact(br, name="João Lima")
    meeting = make_series(organizer, member_states=[mx])
    login(organizer)
    page = f"/meetings/{meeting.id}/participants/add"
    first = client.get(page).get_data(as_text=True)
    assert "Mario Ruiz" in first and "João Lima" not in first
    with changed_by_another_process():  # a new entry in the directory
        agency = db.session.scalar(sa.select(Agency).where(Agency.member_state_id == mx.id))
        db.session.add(
            PointOfContact(
                member_state_id=mx.id, agency=agency, name="Lucía Gómez", email="lg@mx.example"
            )
        )
    assert "Lucía Gómez" in client.get(page).get_data(as_text=True)
    with changed_by_another_process():  # and Mario's entry withdrawn
        mario = db.session.scalar(
            sa.select(PointOfContact).where(PointOfContact.name == "Mario Ruiz")
        )
        mario.status = WITHDRAWN
    assert "Mario Ruiz" not in client.get(page).get_data(as_text=True)
    # Here: the series names Brazil too.
    db.session.get(MeetingSeries, meeting.id).member_states.append(br)
    db.session.commit()
    assert "João Lima" in client.get(page).get_data(as_text=True)


def test_the_kept_page_is_reused_while_nothing_changes(
    client, login, organizer, member_state, contact
):
    for name in ("meetings", "directory"):
        freshness.touch(db.session, name)
    db.session.commit()
    contact(member_state("MX"), name="Mario Ruiz")
    meeting = make_series(organizer)
    login(organizer)
    with count_queries() as first:
        client.get(f"/meetings/{meeting.id}/participants/add")
    with count_queries() as again:
        page = client.get(f"/meetings/{meeting.id}/participants/add").get_data(as_text=True)
    assert "Mario Ruiz" in page and again.count < first.count
