"""A contact's page is kept between requests and shows any change at once: made here, by
another process, or by a bulk statement; and each viewer still sees only what they may."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from tests.signin import session_key_for
from webapp.core import freshness
from webapp.directory.models import SECRETARIAT_ONLY, WITHDRAWN, PointOfContact
from webapp.extensions import db


@pytest.fixture()
def entry(member_state, contact, user, login):
    freshness.touch(db.session, "directory")  # the row the migration makes
    db.session.commit()
    made = contact(member_state("BR"), name="Rita Reis", title="Inspector")
    login(user("admin"))
    return made


def page(client, entry) -> str:
    return client.get(f"/directory/contacts/{entry.id}").get_data(as_text=True)


def sign_in_as(client, person) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = session_key_for(person)


def test_the_page_is_reused_while_nothing_changes(client, entry):
    assert "Inspector" in page(client, entry)
    with count_queries() as again:
        assert "Inspector" in page(client, entry)
    assert again.count == 2  # who is signed in, and the directory's token


def test_an_edit_shows_at_once_with_its_history(client, entry):
    assert "Inspector" in page(client, entry)
    entry.title = "Chief Inspector"
    db.session.commit()
    shown = page(client, entry)
    assert "<dd>Chief Inspector</dd>" in shown
    assert re.search(r"<td>Inspector</td>\s*<td>Chief Inspector</td>", shown)


def test_an_edit_made_by_another_process_shows_at_once(changed_by_another_process, client, entry):
    assert "Inspector" in page(client, entry)
    with changed_by_another_process():
        db.session.get(PointOfContact, entry.id).title = "Deputy Director"
    assert "<dd>Deputy Director</dd>" in page(client, entry)


def test_a_bulk_statement_shows_at_once(client, entry):
    assert "Rita Reis" in page(client, entry)
    db.session.execute(sa.update(PointOfContact).values(name="Rita Souza"))
    db.session.commit()
    assert "<h1>Rita Souza</h1>" in page(client, entry)


def test_an_entry_made_secretariat_only_is_hidden_from_a_participant_at_once(client, entry, user):
    participant = user("participant")
    sign_in_as(client, participant)
    assert client.get(f"/directory/contacts/{entry.id}").status_code == 200
    entry.visibility = SECRETARIAT_ONLY
    db.session.commit()
    assert client.get(f"/directory/contacts/{entry.id}").status_code == 404


def test_a_withdrawn_entry_kept_for_an_editor_is_not_shown_to_a_participant(client, entry, user):
    entry.status = WITHDRAWN
    db.session.commit()
    assert "Rita Reis" in page(client, entry)  # the admin, for its history
    sign_in_as(client, user("participant"))
    assert client.get(f"/directory/contacts/{entry.id}").status_code == 404


def test_the_editors_actions_are_not_kept_for_a_reader(client, entry, user):
    assert "/withdraw" in page(client, entry)
    sign_in_as(client, user("finance"))
    shown = page(client, entry)
    assert "Rita Reis" in shown and "/withdraw" not in shown


def test_a_kept_page_carries_each_session_its_own_csrf_token(app, entry, user):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        sign_in_as(client, user("admin"))
    tokens = [
        re.search(r'name="csrf_token" value="([^"]+)"', page(client, entry))[1]
        for client in (first, second)
    ]
    assert tokens[0] != tokens[1]
    answer = second.post(
        f"/directory/contacts/{entry.id}/withdraw", data={"csrf_token": tokens[1]}
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(PointOfContact, entry.id).status == WITHDRAWN
