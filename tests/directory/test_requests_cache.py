"""A focal point's refresh requests page is kept between requests and follows every change
it shows, made in any process: a request answered or sent; its review links open the
review page; one focal point's page is never served to another."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.directory.fixtures import NOW, TODAY
from tests.querycount import count_queries
from webapp.accounts.models import User
from webapp.core.reference import MemberState
from webapp.directory import refresh
from webapp.directory.models import CONFIRMED, RefreshRequest
from webapp.extensions import db

OLD = TODAY - timedelta(days=183)
PAGE = "/directory/refresh-requests"


@pytest.fixture()
def asked(contact, member_state, user):
    """Brazil, an entry due for review, its focal point asked."""
    brazil = member_state("BR")
    contact(brazil, verified=OLD, name="Ana Souza")
    person = user("focal_point", states=[brazil])
    refresh.send_due_requests(NOW)
    db.session.commit()
    return person


def review_links(page: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/directory/refresh/[^"]+)"', page)))


def test_a_kept_page_reads_only_the_reader_and_the_token(client, login, asked):
    login(asked)
    client.get(PAGE)
    with count_queries() as again:
        page = client.get(PAGE).get_data(as_text=True)
    assert again.count == 2  # the signed-in session, then the freshness token
    assert len(review_links(page)) == 1


def test_the_kept_review_link_opens_the_review_page(client, login, asked):
    login(asked)
    client.get(PAGE)
    [link] = review_links(client.get(PAGE).get_data(as_text=True))
    assert "Ana Souza" in client.get(link).get_data(as_text=True)


def test_a_request_answered_in_another_process_leaves_the_open_ones_at_once(
    changed_by_another_process, client, login, asked
):
    login(asked)
    assert len(review_links(client.get(PAGE).get_data(as_text=True))) == 1
    with changed_by_another_process():
        request = db.session.scalar(sa.select(RefreshRequest))
        refresh.answer_request(request, CONFIRMED, NOW + timedelta(hours=1))
    assert review_links(client.get(PAGE).get_data(as_text=True)) == []


def test_a_request_sent_in_another_process_shows_at_once(
    changed_by_another_process, client, login, contact, member_state, asked
):
    mexico = member_state("MX")
    contact(mexico, verified=OLD, name="Luis Pérez")
    login(asked)
    assert "Mexico" not in client.get(PAGE).get_data(as_text=True)
    # Mexico made theirs first: their states are in the page's key, the request is not.
    with changed_by_another_process():
        person = db.session.get(User, asked.id)
        person.member_states.append(db.session.get(MemberState, mexico.id))
    assert len(review_links(client.get(PAGE).get_data(as_text=True))) == 1  # kept
    with changed_by_another_process():
        refresh.send_due_requests(NOW)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Mexico" in page and len(review_links(page)) == 2


def test_one_focal_point_is_never_served_another_ones_kept_page(
    client, login, user, member_state, asked
):
    login(asked)
    assert len(review_links(client.get(PAGE).get_data(as_text=True))) == 1
    login(user("focal_point", states=[member_state("BR")]))
    assert review_links(client.get(PAGE).get_data(as_text=True)) == []
