"""Signing a person in on a test browser without a password check: a real server-side
session (accounts.sessions), its key in the signed cookie as Flask-Login keeps it."""

from __future__ import annotations

from flask.testing import FlaskClient

from webapp.accounts import sessions
from webapp.core.timezones import utcnow
from webapp.extensions import db


def session_key_for(person: object) -> str:
    """A new session for `person`, committed; the value for the cookie's `_user_id`."""
    key = sessions.start(person, user_agent="pytest", address="127.0.0.1", now=utcnow())
    db.session.commit()
    return key


def sign_in(browser: FlaskClient, person: object) -> FlaskClient:
    key = session_key_for(person)
    with browser.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return browser
