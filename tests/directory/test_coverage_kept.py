"""The coverage page is kept between requests with its blank verification period form:
the form offers every state shown, follows a state added by another process, goes only to
those who may set a period, and a refused period is shown as it was sent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.querycount import count_queries
from webapp.core.reference import MemberState
from webapp.core.timezones import utcnow
from webapp.extensions import db

PAGE = "/directory/coverage"


@pytest.fixture()
def world(contact, member_state, user):
    """Brazil and Mexico with an entry each, an organizer."""
    for code in ("BR", "MX"):
        contact(member_state(code), verified=utcnow().date() - timedelta(days=5))
    return user("organizer")


def period_states(page: str) -> list[str]:
    select = re.search(r'<select id="state" name="state"[^>]*>(.*?)</select>', page, re.S)[1]
    return re.findall(r">([^<]+)</option>", select)


def test_a_kept_page_with_its_form_reads_only_the_reader_and_the_token(client, login, world):
    login(world)
    client.get(PAGE)
    with count_queries() as again:
        page = client.get(PAGE).get_data(as_text=True)
    assert again.count == 2  # the signed-in session, then the freshness token
    assert period_states(page) == ["Brazil", "Mexico"]
    assert "__puerto_csrf_token__" not in page and 'name="csrf_token"' in page


def test_a_state_added_by_another_process_is_offered_at_once(
    changed_by_another_process, client, login, world
):
    login(world)
    assert "Canada" not in period_states(client.get(PAGE).get_data(as_text=True))
    with changed_by_another_process():
        names = {f"name_{lang}": "Canada" for lang in ("en", "es", "fr", "pt")}
        db.session.add(MemberState(code="CA", code3="CAN", **names))
    assert "Canada" in period_states(client.get(PAGE).get_data(as_text=True))


def test_the_kept_form_goes_only_to_those_who_may_set_a_period(client, login, user, world):
    login(world)
    assert "Save the period" in client.get(PAGE).get_data(as_text=True)
    login(user("finance"))
    assert "Save the period" not in client.get(PAGE).get_data(as_text=True)


def test_a_refused_period_is_shown_as_sent_and_the_kept_form_stays_blank(
    client, login, world, member_state
):
    login(world)
    client.get(PAGE)
    brazil = member_state("BR")
    refused = client.post("/directory/coverage/period", data={"state": brazil.id, "days": "0"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Enter a whole number of days from 1 to 3650." in text and 'value="0"' in text
    assert text.count("Save the period") == 1
    blank = client.get(PAGE).get_data(as_text=True)
    assert "Enter a whole number" not in blank and 'value="0"' not in blank
