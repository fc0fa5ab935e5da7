"""The coverage page reuses where each state stands between requests, and drops it after
any change to the directory: made here, by another process, or by a bulk statement."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from tests.signin import session_key_for
from webapp.core import freshness
from webapp.core.timezones import utcnow
from webapp.directory.models import WITHDRAWN, Agency, PointOfContact
from webapp.extensions import db


def recently() -> date:
    return utcnow().date() - timedelta(days=3)


def active_contacts(client, state_name: str) -> int:
    page = client.get("/directory/coverage").get_data(as_text=True)
    start = page.index(f'<th scope="row">{state_name}</th>')
    row = page[start : page.index("</tr>", start)]
    return int(re.search(r'data-label="Active contacts">(\d+)</td>', row).group(1))


@pytest.fixture()
def brazil(member_state, user, login, contact):
    freshness.touch(db.session, "directory")  # the row the migration makes
    db.session.commit()
    state = member_state("BR")
    contact(state, verified=recently())
    user("focal_point", states=[state])
    login(user("admin"))
    return state


def test_what_was_computed_is_reused_while_nothing_changes(client, brazil):
    with count_queries() as first:
        client.get("/directory/coverage")
    with count_queries() as again:
        assert active_contacts(client, "Brazil") == 1
    assert again.count < first.count


def test_a_change_made_here_shows_at_once(client, brazil, contact):
    assert active_contacts(client, "Brazil") == 1
    contact(brazil, verified=recently())
    assert active_contacts(client, "Brazil") == 2


def test_a_change_made_by_another_process_shows_at_once(
    changed_by_another_process, client, brazil
):
    assert active_contacts(client, "Brazil") == 1
    with changed_by_another_process():
        entry = db.session.scalar(sa.select(PointOfContact))
        entry.status = WITHDRAWN
    assert active_contacts(client, "Brazil") == 0


def test_a_bulk_statement_through_the_session_shows_at_once(client, brazil):
    assert active_contacts(client, "Brazil") == 1
    db.session.execute(sa.update(PointOfContact).values(status=WITHDRAWN))
    db.session.commit()
    assert active_contacts(client, "Brazil") == 0


def test_a_new_focal_point_changes_the_status_at_once(client, member_state, user, contact):
    freshness.touch(db.session, "directory")
    db.session.commit()
    jamaica = member_state("JM")
    contact(jamaica, verified=recently())
    user_admin = user("admin")
    with client.session_transaction() as session:
        session["_user_id"] = session_key_for(user_admin)
    page = client.get("/directory/coverage").get_data(as_text=True)
    assert "status-no_focal_point" in page
    user("focal_point", states=[jamaica])
    assert "status-no_focal_point" not in client.get("/directory/coverage").get_data(as_text=True)


def test_search_results_are_reused_until_an_entry_changes(client, brazil):
    with count_queries() as first:
        client.get("/directory/")
    with count_queries() as again:
        page = client.get("/directory/").get_data(as_text=True)
    assert again.count < first.count and "1 entry" in page
    entry = db.session.scalar(sa.select(PointOfContact))
    entry.name = "Renamed Rita"
    db.session.commit()
    assert "Renamed Rita" in client.get("/directory/").get_data(as_text=True)


def test_search_results_differ_by_what_the_viewer_may_see(
    client, brazil, member_state, user, contact
):
    contact(member_state("MX"), name="Secret Sam", verified=recently())
    db.session.execute(
        sa.update(PointOfContact)
        .where(PointOfContact.name == "Secret Sam")
        .values(visibility="secretariat")
    )
    db.session.commit()
    assert "Secret Sam" in client.get("/directory/").get_data(as_text=True)  # the admin
    with client.session_transaction() as session:
        session["_user_id"] = session_key_for(user("participant"))
    assert "Secret Sam" not in client.get("/directory/").get_data(as_text=True)


def test_a_kept_coverage_page_carries_each_session_its_own_csrf_token(app, brazil, user):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        with client.session_transaction() as session:
            session["_user_id"] = session_key_for(user("admin"))
    tokens = []
    for client in (first, second):
        page = client.get("/directory/coverage").get_data(as_text=True)
        tokens.append(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1])
    assert tokens[0] != tokens[1]
    answer = second.post(
        f"/directory/coverage/{brazil.id}/request", data={"csrf_token": tokens[1]}
    )
    assert answer.status_code == 302  # accepted: the token is the second session's own


def test_a_kept_agencies_page_shows_a_new_agency_and_its_entries_at_once(client, brazil, contact):
    assert "Federal Police" not in client.get("/directory/agencies?state=BR").get_data(
        as_text=True
    )
    contact(brazil, verified=recently())  # in the first agency, which now counts two
    db.session.add(Agency(member_state_id=brazil.id, name="Federal Police", kind="police"))
    db.session.commit()
    page = client.get("/directory/agencies?state=BR").get_data(as_text=True)
    assert "Federal Police" in page
    assert re.search(r'data-label="Active entries"><a [^>]*>2</a>', page)
