"""Account rules: passwords, sign-in and its rate limit."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from webapp.accounts.models import LoginAttempt, User, new_session_token
from webapp.core.timezones import utcnow
from webapp.extensions import db

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# Verified against when the account does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()  # other sessions end with the old password


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def is_rate_limited(email: str, address: str) -> bool:
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    limit = config["LOGIN_MAX_FAILURES"]
    recent = sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_account = db.session.scalar(recent.where(LoginAttempt.email == normalise_email(email)))
    # An address may try a few accounts (a shared office), not an unbounded number.
    by_address = db.session.scalar(recent.where(LoginAttempt.address == address))
    return by_account >= limit or by_address >= limit * 4


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user if the password is right; records a failure otherwise. The caller checks
    `is_rate_limited` first and shows the same message for every failure."""
    user = find_user(email)
    if user is not None and user.is_active and check_password(user, password):
        user.last_login_at = utcnow()
        db.session.execute(
            sa.delete(LoginAttempt).where(LoginAttempt.email == normalise_email(email))
        )
        return user
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
    db.session.add(LoginAttempt(email=normalise_email(email)[:320], address=address[:64]))
    return None


def sign_out_everywhere(user: User) -> None:
    user.session_token = new_session_token()
