"""Signing in and its rate limit. `authenticate` answers the user or None and records
each failure; the caller asks `is_rate_limited` first and shows one message for every
failure, and an unknown address costs the same hashing work as a known one, so neither
the page nor its timing tells which accounts exist. Wrong current passwords on the
change-password form count towards the same limit. Nothing here commits."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.accounts.errors import AccountError
from webapp.accounts.models import LoginAttempt, User, normalise_email
from webapp.accounts.passwords import (
    check_no_password,
    check_password,
    require_good_password,
    set_password,
)
from webapp.accounts.users import find_user
from webapp.core.timezones import utcnow
from webapp.extensions import db


def is_rate_limited(email: str, address: str) -> bool:
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    limit = config["LOGIN_MAX_FAILURES"]
    recent = sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_account = db.session.scalar(recent.where(LoginAttempt.email == normalise_email(email)))
    # An address may try a few accounts (a shared office), not an unbounded number.
    by_address = db.session.scalar(recent.where(LoginAttempt.address == address))
    return by_account >= limit or by_address >= limit * 4


def _record_failure(email: str, address: str) -> None:
    db.session.add(LoginAttempt(email=normalise_email(email)[:320], address=address[:64]))


def forget_failures(email: str) -> None:
    """A successful sign-in or reset clears the account's count."""
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == normalise_email(email)))


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user if the password is right; records a failure otherwise. The caller checks
    `is_rate_limited` first and shows the same message for every failure."""
    user = find_user(email)
    if user is not None and user.is_active and check_password(user, password):
        user.last_login_at = utcnow()
        forget_failures(email)
        return user
    if user is None:
        check_no_password(password)
    _record_failure(email, address)
    return None


def change_password(user: User, current: str, new: str, address: str) -> None:
    """Needs the current password; ends every other session (the caller signs the current
    one in again). Wrong guesses count towards the sign-in rate limit."""
    if is_rate_limited(user.email, address):
        raise AccountError(
            _("Too many failed attempts. Please wait a few minutes and try again."),
            "current_password",
        )
    if not check_password(user, current):
        _record_failure(user.email, address)
        raise AccountError(_("Your current password is not correct."), "current_password")
    require_good_password(user, new)
    set_password(user, new)
