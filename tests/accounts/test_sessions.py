"""Sessions live on the server: the cookie names a session row, and ending the row (sign
out, end one session, sign out everywhere, new password) ends what the cookie opens."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.signin import session_key_for
from webapp.accounts.models import UserSession
from webapp.extensions import db

COOKIE = "session"


def sign_in(client, person):
    response = client.post(
        "/login", data={"email": person.email, "password": person.test_password}
    )
    assert response.status_code == 302
    return response


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def browser_with_cookie(app, value):
    """Another browser holding a copy of a session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, value)
    return thief


def rows(person):
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == person.id)))


def test_signing_in_stores_a_session_row_with_browser_and_address(client, user):
    person = user("participant")
    client.post(
        "/login",
        data={"email": person.email, "password": person.test_password},
        headers={"User-Agent": "Firefox/140 on Linux"},
    )
    (row,) = rows(person)
    assert row.user_agent == "Firefox/140 on Linux"
    assert row.address == "127.0.0.1"
    assert row.created_at is not None and row.last_seen_at is not None


def test_the_cookie_does_not_hold_the_stored_key(client, user):
    person = user("participant")
    sign_in(client, person)
    (row,) = rows(person)
    with client.session_transaction() as session:
        assert session["_user_id"] != row.key_hash


def test_a_cookie_copied_before_signing_out_opens_nothing_after(app, client, user):
    person = user("participant")
    sign_in(client, person)
    copied = cookie_of(client)
    assert browser_with_cookie(app, copied).get("/account").status_code == 200
    client.post("/logout")
    assert rows(person) == []
    assert browser_with_cookie(app, copied).get("/account").status_code == 302


def test_signing_out_ends_only_this_browsers_session(app, client, user):
    person = user("participant")
    elsewhere = app.test_client()
    sign_in(elsewhere, person)
    sign_in(client, person)
    client.post("/logout")
    assert elsewhere.get("/account").status_code == 200


def test_the_sessions_page_lists_each_session_and_marks_this_one(app, client, user, login):
    person = user("participant")
    sign_in(app.test_client(), person)
    sign_in(client, person)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 3  # a heading and two sessions
    assert page.count("This browser") == 1
    assert page.count("End this session") == 1


def test_ending_another_session_signs_that_browser_out(app, client, user):
    person = user("participant")
    other = app.test_client()
    sign_in(other, person)
    sign_in(client, person)
    page = client.get("/account/sessions").get_data(as_text=True)
    (end,) = re.findall(r'action="(/account/sessions/\d+/end)"', page)
    assert client.post(end).status_code == 302
    assert other.get("/account").status_code == 302
    assert client.get("/account").status_code == 200


def test_a_person_cannot_end_someone_elses_session(client, user, login):
    victim = user("participant")
    victims_browser_key = session_key_for(victim)
    (row,) = rows(victim)
    login(user("participant"))
    client.post(f"/account/sessions/{row.id}/end")
    assert [r.id for r in rows(victim)] == [row.id]
    assert victims_browser_key


def test_signing_out_everywhere_ends_every_session(app, client, user):
    person = user("participant")
    other = app.test_client()
    sign_in(other, person)
    sign_in(client, person)
    client.post("/account/sign-out-everywhere")
    assert rows(person) == []
    assert other.get("/account").status_code == 302


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, user):
    person = user("participant")
    other = app.test_client()
    sign_in(other, person)
    sign_in(client, person)
    new = "a long and new passphrase"
    response = client.post(
        "/account/password",
        data={"current_password": person.test_password, "password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert len(rows(person)) == 1


def test_the_csrf_token_changes_when_a_person_signs_in(client, user):
    person = user("participant")
    client.get("/login")
    with client.session_transaction() as session:
        before = session["csrf_token"]
    sign_in(client, person)
    client.get("/")
    with client.session_transaction() as session:
        after = session["csrf_token"]
    assert before != after


def test_signing_in_keeps_the_language_chosen_before(client, user):
    person = user("participant")
    client.post("/language", data={"language": "pt"})
    sign_in(client, person)
    with client.session_transaction() as session:
        assert session["language"] == "pt"


def _age_sessions(person, by):
    for row in rows(person):
        row.last_seen_at -= by
    db.session.commit()


def test_a_session_unused_too_long_ends(app, client, user):
    person = user("participant")
    sign_in(client, person)
    idle = app.config["SESSION_MAX_IDLE_SECONDS"]
    _age_sessions(person, timedelta(seconds=idle + 1))
    assert client.get("/account").status_code == 302
    assert rows(person) == []


def test_last_seen_is_updated_when_a_session_is_used_after_a_while(client, user):
    person = user("participant")
    sign_in(client, person)
    _age_sessions(person, timedelta(hours=1))
    (row,) = rows(person)
    earlier = row.last_seen_at
    client.get("/account")
    db.session.expire_all()
    (row,) = rows(person)
    assert row.last_seen_at > earlier


def test_the_sessions_page_needs_a_sign_in(client):
    assert client.get("/account/sessions").status_code == 302


def test_a_session_unused_for_a_while_can_sign_in_again(client, user):
    # Noting "last seen" must not commit in the middle of the sign-in's own commit.
    person = user("participant")
    sign_in(client, person)
    _age_sessions(person, timedelta(hours=1))
    assert sign_in(client, person).status_code == 302
    assert client.get("/account").status_code == 200


def test_a_session_idle_too_long_can_sign_in_again(app, client, user):
    person = user("participant")
    sign_in(client, person)
    _age_sessions(person, timedelta(seconds=app.config["SESSION_MAX_IDLE_SECONDS"] + 1))
    assert sign_in(client, person).status_code == 302
    assert client.get("/account").status_code == 200
