"""Error pages: in the visitor's language, inside the site's layout, never a bare
traceback. (That they come out in Spanish once the catalogs exist is checked in
test_i18n.py, next to the catalog tests.)"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask, abort
from werkzeug.exceptions import HTTPException

from tests.signin import session_key_for
from webapp.accounts.models import User
from webapp.core.access import PUBLIC, allow
from webapp.extensions import db


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.fixture()
def throwaway_app(another_app) -> Flask:
    """A fresh app with routes that fail on purpose, as production would answer them
    (exceptions become error pages instead of reaching the test)."""
    fresh = another_app(PROPAGATE_EXCEPTIONS=False)

    @fresh.get("/boom")
    @allow(PUBLIC)
    def boom() -> str:
        raise RuntimeError("an unexpected failure")

    @fresh.get("/broken-transaction")
    @allow(PUBLIC)
    def broken_transaction() -> str:
        db.session.add_all([User(email="same@example.org"), User(email="same@example.org")])
        db.session.flush()  # IntegrityError: the session now needs a rollback
        return "unreachable"

    @fresh.get("/too-many")
    @allow(PUBLIC)
    def too_many() -> str:
        abort(429)

    return fresh


def test_a_missing_page_gives_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_error_pages_keep_the_layout_and_the_language_switch(client):
    page = client.get("/no/such/page").text
    assert '<main id="main"' in page
    assert 'action="/language"' in page
    assert 'href="/"' in page


def test_a_refused_page_gives_the_403_page(client, user, login):
    login(user("participant"))
    response = client.get("/admin/outbox")
    assert response.status_code == 403
    assert "You do not have permission to open this page." in response.text


def test_a_wrong_method_gives_the_405_page(client):
    response = client.get("/language")
    assert response.status_code == 405
    assert "This page cannot be used that way." in response.text


def test_a_body_over_the_limit_gives_the_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/language", data={"language": "es", "next": "x" * 1000})
    assert response.status_code == 413
    assert "The file you sent is larger than the limit." in response.text


def test_a_malformed_request_gives_the_400_page(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/language", data={"language": "es"})
    assert response.status_code == 400
    assert "The form expired or was sent from another page." in response.text


def test_error_pages_follow_the_browsers_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "es"})
    assert lang_of(response.text) == "es"


def test_an_unexpected_exception_gives_the_500_page(throwaway_app):
    response = throwaway_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "An unexpected error occurred. It has been logged." in response.text
    assert "an unexpected failure" not in response.text
    assert 'action="/language"' in response.text


def test_the_500_page_renders_after_a_failed_transaction(throwaway_app, user):
    person = user("participant")
    browser = throwaway_app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = session_key_for(person)
    response = browser.get("/broken-transaction")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert person.name in response.text  # the layout still knows who is signed in


def test_too_many_attempts_gives_the_429_page(throwaway_app):
    response = throwaway_app.test_client().get("/too-many")
    assert response.status_code == 429
    assert "Please wait a few minutes and try again." in response.text


def test_the_product_has_no_route_that_fails_on_purpose(app):
    assert "boom" not in {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not isinstance(app.view_functions.get("boom"), HTTPException)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
