from __future__ import annotations

import re

from webapp.accounts.models import LoginAttempt
from webapp.extensions import db

WRONG = "The email or password is not correct."
LIMITED = "Too many failed attempts"


def sign_in(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_right_password_signs_in_and_goes_home(client, user):
    person = user("participant")
    response = sign_in(client, person.email, person.test_password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_sign_in_ignores_case_and_spaces_in_the_email(client, user):
    person = user("participant", email="ana@example.org")
    response = sign_in(client, "  Ana@Example.org ", person.test_password)
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_message_naming_neither(client, user):
    person = user("participant")
    response = sign_in(client, person.email, "not the password")
    assert response.status_code == 200
    assert WRONG in response.get_data(as_text=True)


def test_unknown_account_gets_the_same_message_as_a_wrong_password(client):
    response = sign_in(client, "nobody@example.org", "whatever password")
    assert WRONG in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, user):
    person = user("participant", is_active_account=False)
    response = sign_in(client, person.email, person.test_password)
    assert response.status_code == 200
    assert WRONG in response.get_data(as_text=True)


def test_invited_account_without_password_cannot_sign_in(client, user):
    person = user("participant")
    person.password_hash = None
    db.session.commit()
    response = sign_in(client, person.email, "")
    assert response.status_code == 200
    assert client.get("/account").status_code == 302


def test_sign_in_follows_a_same_site_next_page(client, user):
    person = user("participant")
    response = sign_in(client, person.email, person.test_password, next="/account")
    assert response.headers["Location"] == "/account"


def test_sign_in_ignores_a_next_page_on_another_site(client, user):
    person = user("participant")
    response = sign_in(client, person.email, person.test_password, next="//evil.example/x")
    assert response.headers["Location"] == "/"


def test_after_max_failures_the_right_password_is_refused(app, client, user):
    person = user("participant")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, person.email, "wrong password")
    response = sign_in(client, person.email, person.test_password)
    assert response.status_code == 429
    assert LIMITED in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_limited_unknown_account_gets_the_same_message_as_a_limited_real_one(app, client, user):
    person = user("participant")
    for email in (person.email, "nobody@example.org"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            sign_in(client, email, "wrong password")
    real = sign_in(client, person.email, person.test_password)
    unknown = sign_in(client, "nobody@example.org", "wrong password")
    assert real.status_code == unknown.status_code == 429
    # Only the CSRF token may differ: it is signed with the current second.
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    assert token.sub("", real.get_data(as_text=True)) == token.sub(
        "", unknown.get_data(as_text=True).replace("nobody@example.org", person.email)
    )


def test_failures_below_the_limit_do_not_block_the_right_password(app, client, user):
    person = user("participant")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        sign_in(client, person.email, "wrong password")
    assert sign_in(client, person.email, person.test_password).status_code == 302


def test_a_successful_sign_in_clears_the_account_failures(app, client, user):
    person = user("participant")
    sign_in(client, person.email, "wrong password")
    sign_in(client, person.email, person.test_password)
    assert db.session.query(LoginAttempt).filter_by(email=person.email).count() == 0


def test_one_address_trying_many_accounts_is_limited(app, client, user):
    person = user("participant")
    attempts = app.config["LOGIN_MAX_FAILURES"] * 4
    for n in range(attempts):
        sign_in(client, f"someone{n}@example.org", "wrong password")
    response = sign_in(client, person.email, person.test_password)
    assert response.status_code == 429


def test_failures_older_than_the_window_no_longer_count(app, client, user):
    person = user("participant")
    app.config["LOGIN_FAILURE_WINDOW_SECONDS"] = 0
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, person.email, "wrong password")
    assert sign_in(client, person.email, person.test_password).status_code == 302


def test_sign_out_ends_the_session(client, user, login):
    login(user("participant"))
    client.post("/logout")
    assert client.get("/account").status_code == 302
