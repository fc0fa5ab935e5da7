from __future__ import annotations

import re

from tests.accounts.conftest import link_in
from tests.signin import session_key_for
from webapp.accounts import passwords, resets
from webapp.extensions import db

SAME_ANSWER = "If an account exists for that address"
NEW = "a long and new passphrase"


def without_csrf_token(response) -> str:
    """The page, its CSRF token (signed with the current second) left out."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def ask(client, email):
    return client.post("/password/reset", data={"email": email})


def choose(client, link, password=NEW, confirm=None):
    return client.post(link, data={"password": password, "confirm": confirm or password})


def test_asking_for_a_reset_emails_a_link(client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    [mail] = sent_mail("password_reset", to=person.email)
    assert link_in(mail).startswith("/password/reset/")
    assert link_in(mail) in mail.body_html


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, user, sent_mail):
    person = user("participant")
    known = ask(client, person.email)
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert SAME_ANSWER in known.get_data(as_text=True)
    assert without_csrf_token(known) == without_csrf_token(unknown)
    assert sent_mail("password_reset", to="nobody@example.org") == []


def test_a_deactivated_account_gets_no_reset_email(client, user, sent_mail):
    person = user("participant", is_active_account=False)
    response = ask(client, person.email)
    assert SAME_ANSWER in response.get_data(as_text=True)
    assert sent_mail("password_reset") == []


def test_the_reset_email_is_in_the_accounts_language(client, user, sent_mail):
    person = user("participant", language="fr")
    ask(client, person.email)
    [mail] = sent_mail("password_reset")
    assert mail.language == "fr"
    assert "2\xa0heures" in mail.body_text


def test_repeated_requests_are_capped_per_hour(client, user, sent_mail):
    person = user("participant")
    for _ in range(resets.MAX_RESET_EMAILS_PER_HOUR + 2):
        ask(client, person.email)
    assert len(sent_mail("password_reset")) == resets.MAX_RESET_EMAILS_PER_HOUR


def test_asking_for_a_reset_does_not_sign_anyone_out(client, user, login):
    person = user("participant")
    login(person)
    ask(client, person.email)
    assert client.get("/account").status_code == 200


def test_the_link_shows_a_form_and_changes_nothing(client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    response = client.get(link_in(sent_mail("password_reset")[0]))
    assert response.status_code == 200
    assert 'name="password"' in response.get_data(as_text=True)
    db.session.refresh(person)
    assert passwords.check_password(person, person.test_password)


def test_choosing_a_new_password_sets_it_and_signs_in(client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    response = choose(client, link_in(sent_mail("password_reset")[0]))
    assert response.status_code == 302
    db.session.refresh(person)
    assert passwords.check_password(person, NEW)
    assert client.get("/account").status_code == 200


def test_a_reset_ends_the_other_sessions(app, client, user, login, sent_mail):
    person = user("participant")
    elsewhere = app.test_client()
    with elsewhere.session_transaction() as session:
        session["_user_id"] = session_key_for(person)
    ask(client, person.email)
    choose(client, link_in(sent_mail("password_reset")[0]))
    assert elsewhere.get("/account").status_code == 302


def test_a_reset_clears_the_sign_in_failures(app, client, user, sent_mail):
    person = user("participant")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": person.email, "password": "wrong password"})
    ask(client, person.email)
    choose(client, link_in(sent_mail("password_reset")[0]))
    client.post("/logout")
    response = client.post("/login", data={"email": person.email, "password": NEW})
    assert response.status_code == 302


def test_the_reset_link_works_only_once(client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    link = link_in(sent_mail("password_reset")[0])
    choose(client, link)
    response = choose(client, link, password="yet another passphrase")
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert passwords.check_password(person, NEW)


def test_using_one_reset_link_spends_the_others(client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    ask(client, person.email)
    first, second = sent_mail("password_reset")
    choose(client, link_in(second))
    assert client.get(link_in(first)).status_code == 400


def test_an_expired_reset_link_offers_a_new_one(app, client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    response = client.get(link_in(sent_mail("password_reset")[0]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "expired" in page
    assert "/password/reset" in page


def test_a_garbled_reset_link_shows_a_clear_page(client):
    response = client.get("/password/reset/not-a-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_an_invitation_link_does_not_open_the_reset_page(client, user, login, sent_mail):
    login(user("admin"))
    client.post(
        "/invite",
        data={"name": "B", "email": "b@example.org", "language": "en", "roles": ["participant"]},
    )
    token = link_in(sent_mail("invitation")[0]).rsplit("/", 1)[1]
    assert client.get(f"/password/reset/{token}").status_code == 400


def test_a_new_password_equal_to_the_email_is_refused(client, user, sent_mail):
    person = user("participant")
    ask(client, person.email)
    response = choose(client, link_in(sent_mail("password_reset")[0]), password=person.email)
    assert response.status_code == 200
    assert "must not be your email" in response.get_data(as_text=True)


def _work_of_one_request(client, email):
    """The SQL statements and templates one reset request costs."""
    from flask import template_rendered

    from tests.querycount import count_queries

    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        with count_queries() as queries:
            response = ask(client, email)
    finally:
        template_rendered.disconnect(record)
    assert response.status_code == 200
    shape = [statement.split()[0] for statement in queries.statements]
    return shape, [name.rsplit(".", 1)[-1] for name in rendered]


def test_a_reset_request_costs_the_same_work_whether_or_not_the_account_exists(
    client, user, sent_mail
):
    person = user("participant")
    ask(client, "warm-up@example.org")  # first-use caches (templates, hashers) on both paths
    ask(client, person.email)
    known = _work_of_one_request(client, person.email)
    unknown = _work_of_one_request(client, "nobody@example.org")
    assert known == unknown
    assert known[1].count("txt") == 1 and known[1].count("html") >= 2  # a mail and the page


def test_an_unknown_address_is_told_that_no_account_uses_it(client, sent_mail, app):
    ask(client, "nobody@example.org")
    [note] = sent_mail("password_reset_no_account", to="nobody@example.org")
    assert "no active account uses this address" in note.body_text
    assert app.config["SECRETARIAT_EMAIL"] in note.body_text
    assert "/password/reset/" not in note.body_text  # no link that resets anything


def test_the_note_to_an_unknown_address_is_in_the_visitors_language(client, sent_mail):
    client.post(
        "/password/reset", data={"email": "nadie@example.org"}, headers={"Accept-Language": "es"}
    )
    [note] = sent_mail("password_reset_no_account", to="nadie@example.org")
    assert note.language == "es"


def test_notes_to_an_unknown_address_are_capped_per_hour_too(client, sent_mail):
    for _ in range(resets.MAX_RESET_EMAILS_PER_HOUR + 2):
        ask(client, "nobody@example.org")
    assert len(sent_mail("password_reset_no_account")) == resets.MAX_RESET_EMAILS_PER_HOUR


def test_something_that_is_not_an_address_gets_no_mail(client, sent_mail):
    ask(client, "not an address")
    assert sent_mail("password_reset_no_account") == []
