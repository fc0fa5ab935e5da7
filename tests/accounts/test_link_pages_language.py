"""Pages opened from an emailed link read as the email did (core.i18n.show_page_as): in
the recipient's language and zone, even for a visitor who is not signed in."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import get_locale, get_timezone

from tests.accounts.conftest import link_in
from webapp.core.i18n import show_page_as
from webapp.extensions import db


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


def test_show_page_as_sets_the_language_and_zone_of_this_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(get_locale()) == "en"
        show_page_as("es", "America/Lima")
        assert str(get_locale()) == "es"
        assert str(get_timezone()) == "America/Lima"


def test_show_page_as_ignores_an_unknown_language_and_zone(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        show_page_as("xx", "Factory")
        assert str(get_locale()) == "fr"
        assert str(get_timezone()) == app.config["DEFAULT_TIMEZONE"]


def test_a_language_chosen_on_this_browser_still_wins(app):
    with app.test_request_context():
        from flask import session

        session["language"] = "pt"
        show_page_as("es", None)
        assert str(get_locale()) == "pt"


def _invite(client, user, login, sent_mail, language):
    login(user("admin"))
    client.post(
        "/invite",
        data={
            "name": "Rosa",
            "email": "rosa@example.org",
            "language": language,
            "roles": ["participant"],
        },
    )
    client.post("/logout")
    [mail] = sent_mail("invitation", to="rosa@example.org")
    return link_in(mail)


def test_the_invitation_page_speaks_the_invitations_language(client, user, login, sent_mail):
    link = _invite(client, user, login, sent_mail, "es")
    page = client.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(page) == "es"


def test_the_reset_page_speaks_the_accounts_language(client, user, sent_mail):
    person = user("participant", language="fr", timezone="America/Port-au-Prince")
    client.post("/password/reset", data={"email": person.email})
    [mail] = sent_mail("password_reset")
    page = client.get(link_in(mail), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(page) == "fr"


def test_an_expired_reset_link_says_so_in_the_accounts_language(app, client, user, sent_mail):
    person = user("participant", language="pt")
    client.post("/password/reset", data={"email": person.email})
    [mail] = sent_mail("password_reset")
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    response = client.get(link_in(mail), headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert lang_of(response.get_data(as_text=True)) == "pt"


def test_the_refresh_review_page_speaks_the_focal_points_language(
    client, member_state, user, contact, requests_of
):
    from tests.directory.fixtures import NOW, TODAY
    from webapp.directory import refresh, refresh_mail

    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=400), name="Ana Souza")
    user("focal_point", states=[br], language="es", timezone="America/Sao_Paulo")
    refresh.send_due_requests(NOW)
    [request] = requests_of(br)
    db.session.commit()
    url = f"/directory/refresh/{refresh_mail.review_token(request)}"
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(page) == "es"


def test_the_refresh_review_page_shows_times_in_the_focal_points_zone(
    client, member_state, user, contact, requests_of
):
    from tests.directory.fixtures import NOW, TODAY
    from webapp.directory import refresh, refresh_mail

    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=400), name="Ana Souza")
    user("focal_point", states=[br], language="es", timezone="America/Sao_Paulo")
    refresh.send_due_requests(NOW)
    [request] = requests_of(br)
    db.session.commit()
    url = f"/directory/refresh/{refresh_mail.review_token(request)}"
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "America/Sao_Paulo" in page
    assert "America/New_York" not in page
