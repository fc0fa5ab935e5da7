"""The participants page shows a hundred people at a time, narrowed by answer and by member
state, with the answers counted over everyone; each page is kept between requests and
follows any change, made in any process."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, make_series
from webapp.core import freshness
from webapp.extensions import db
from webapp.meetings.models import ACCEPTED, DECLINED, Participant


@pytest.fixture()
def crowd(user, login, member_state):
    """105 people: 5 from Brazil who accepted, 100 guests without a state; one invited to
    the second meeting alone."""
    freshness.touch(db.session, "meetings")  # the row the migration makes
    db.session.commit()
    organizer = user("organizer", email="organizer@secretariat.example")
    meeting = make_series(organizer, rule="FREQ=YEARLY;COUNT=2")
    brazil = member_state("BR")
    db.session.add_all(
        [
            Participant(
                series_id=meeting.id,
                email=f"p{n:03}@customs.example",
                name=f"Person {n:03}",
                member_state_id=brazil.id if n < 5 else None,
                answer=ACCEPTED if n < 5 else "needs-action",
            )
            for n in range(104)
        ]
    )
    db.session.commit()
    guest(meeting.occurrences[1], organizer, "only@police.example", name="Only Once")
    login(organizer)
    return f"/meetings/{meeting.id}/participants", brazil


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-participant="(\d+)"', page)


def test_a_hundred_people_a_page_with_the_answers_counted_over_everyone(client, crowd):
    url, _ = crowd
    first = client.get(url).get_data(as_text=True)
    assert len(rows(first)) == 100 and "105 participants" in first
    assert '<strong data-count="accepted">5</strong>' in first
    assert "Page 1 of 2" in first and "Only Once" not in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert len(rows(second)) == 5 and "Only Once" in second
    assert set(rows(first)).isdisjoint(rows(second))
    assert '<strong data-count="accepted">5</strong>' in second


def test_the_list_narrows_by_answer_and_by_member_state(client, crowd):
    url, brazil = crowd
    accepted = client.get(url + "?answer=accepted").get_data(as_text=True)
    assert len(rows(accepted)) == 5 and "5 participants" in accepted
    assert '<strong data-count="accepted">5</strong>' in accepted  # still over everyone
    from_brazil = client.get(url + f"?member_state={brazil.id}").get_data(as_text=True)
    assert len(rows(from_brazil)) == 5 and f'value="{brazil.id}" selected' in from_brazil
    both = client.get(url + f"?member_state={brazil.id}&answer=declined").get_data(as_text=True)
    assert rows(both) == [] and "0 participants" in both


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=-3", "?page=999999999999", "?answer=<b>", "?member_state=x"]
)
def test_odd_filters_and_pages_show_a_page(client, crowd, query):
    url, _ = crowd
    page = client.get(url + query)
    assert page.status_code == 200 and rows(page.get_data(as_text=True))


def test_a_page_follows_an_answer_given_in_another_process(
    changed_by_another_process, client, crowd
):
    url, _ = crowd
    assert rows(client.get(url + "?answer=declined").get_data(as_text=True)) == []
    with changed_by_another_process():
        person = db.session.scalar(
            sa.select(Participant).where(Participant.email == "p050@customs.example")
        )
        person.answer = DECLINED
    page = client.get(url + "?answer=declined").get_data(as_text=True)
    assert len(rows(page)) == 1 and '<strong data-count="declined">1</strong>' in page
