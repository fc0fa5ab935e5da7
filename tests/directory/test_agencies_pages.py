"""A state's agencies page shows its agencies a page at a time (a state has hundreds), each
page kept between requests and following any change made in any process."""

from __future__ import annotations

import re

import pytest

from webapp.core.reference import MemberState
from webapp.directory.agencies_cache import PER_PAGE
from webapp.directory.models import Agency
from webapp.extensions import db

COUNT = PER_PAGE + 3


@pytest.fixture()
def brazil(member_state, agency, user, login):
    state = member_state("BR")
    for i in range(COUNT):
        agency(state, f"Agency {i:03d}", "customs")
    db.session.commit()
    login(user("admin"))
    return state


def names(client, path: str) -> list[str]:
    page = client.get(path).get_data(as_text=True)
    return re.findall(r"<td>(Agency \d{3})</td>", page)


def test_the_agencies_show_a_page_at_a_time_and_together_every_one(client, brazil):
    first = names(client, "/directory/agencies?state=BR")
    second = names(client, "/directory/agencies?state=BR&page=2")
    assert first == [f"Agency {i:03d}" for i in range(PER_PAGE)]
    assert second == [f"Agency {i:03d}" for i in range(PER_PAGE, COUNT)]
    page = client.get("/directory/agencies?state=BR").get_data(as_text=True)
    assert "Page 1 of 2" in page and 'href="/directory/agencies?page=2&amp;state=BR"' in page


def test_a_page_past_the_last_shows_the_last(client, brazil):
    assert names(client, "/directory/agencies?state=BR&page=99")[0] == f"Agency {PER_PAGE:03d}"


def test_an_agency_added_by_another_process_shows_at_once_on_its_page(
    changed_by_another_process, client, brazil
):
    assert "Agency 999" not in names(client, "/directory/agencies?state=BR&page=2")
    with changed_by_another_process():
        state = db.session.get(MemberState, brazil.id)
        db.session.add(Agency(member_state=state, name="Agency 999", kind="customs"))
    assert names(client, "/directory/agencies?state=BR&page=2")[-1] == "Agency 999"
