from __future__ import annotations

from datetime import UTC, datetime

from tests.signin import session_key_for
from webapp.accounts import passwords
from webapp.extensions import db

NEW = "a long and new passphrase"


def other_session(app, person):
    """A second browser signed in as the same person."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = session_key_for(person)
    return browser


def test_the_account_page_needs_a_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_account_page_shows_the_persons_settings(client, user, login):
    login(user("participant", name="Rosa Díaz", language="es", timezone="America/Bogota"))
    page = client.get("/account").get_data(as_text=True)
    assert 'value="Rosa Díaz"' in page
    assert '<option selected value="America/Bogota">' in page


def test_saving_the_account_page_changes_name_language_and_zone(client, user, login):
    person = user("participant")
    login(person)
    response = client.post(
        "/account", data={"name": "New Name", "language": "fr", "timezone": "America/Lima"}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.name, person.language, person.timezone) == (
        "New Name",
        "fr",
        "America/Lima",
    )


def test_an_unknown_time_zone_is_refused(client, user, login):
    person = user("participant", timezone="America/Lima")
    login(person)
    response = client.post(
        "/account", data={"name": "X", "language": "en", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    db.session.refresh(person)
    assert person.timezone == "America/Lima"


def test_times_are_shown_in_the_persons_zone_with_the_zone_named(client, user, login):
    person = user("participant", language="en", timezone="America/Sao_Paulo")
    person.last_login_at = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    db.session.commit()
    login(person)
    page = client.get("/account").get_data(as_text=True)
    assert "9:00\u202fAM" in page  # 12:00 UTC is 09:00 in São Paulo
    assert "(America/Sao_Paulo)" in page


def test_changing_the_password_needs_the_current_one(client, user, login):
    person = user("participant")
    login(person)
    response = client.post(
        "/account/password",
        data={"current_password": "not it at all", "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 200
    assert "Your current password is not correct." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert passwords.check_password(person, person.test_password)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, user, login):
    person = user("participant")
    login(person)
    elsewhere = other_session(app, person)
    response = client.post(
        "/account/password",
        data={"current_password": person.test_password, "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    db.session.refresh(person)
    assert passwords.check_password(person, NEW)


def test_a_new_password_too_short_is_refused(client, user, login):
    person = user("participant")
    login(person)
    response = client.post(
        "/account/password",
        data={"current_password": person.test_password, "password": "short", "confirm": "short"},
    )
    assert "at least 12 characters" in response.get_data(as_text=True)


def test_wrong_current_passwords_are_rate_limited(app, client, user, login):
    person = user("participant")
    login(person)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post(
            "/account/password",
            data={"current_password": "wrong guess", "password": NEW, "confirm": NEW},
        )
    response = client.post(
        "/account/password",
        data={"current_password": person.test_password, "password": NEW, "confirm": NEW},
    )
    assert "Too many failed attempts" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert passwords.check_password(person, person.test_password)


def test_sign_out_everywhere_ends_every_session_including_this_one(app, client, user, login):
    person = user("participant")
    login(person)
    elsewhere = other_session(app, person)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert elsewhere.get("/account").status_code == 302


def test_after_signing_out_everywhere_the_password_still_works(client, user, login):
    person = user("participant")
    login(person)
    client.post("/account/sign-out-everywhere")
    response = client.post(
        "/login", data={"email": person.email, "password": person.test_password}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_the_account_page_has_a_sign_out_everywhere_button(client, user, login):
    login(user("participant"))
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in page
