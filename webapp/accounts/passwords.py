"""Passwords: hashing with Argon2 at the configured cost, checking (and upgrading an old
hash on the way), and the rule a new password must meet. `set_password` ends every
session of the account, so a changed password locks out whoever knew the old one;
`require_good_password` refuses with an `AccountError` tagged with the form's field.
Nothing here commits."""

from __future__ import annotations

import contextlib
from functools import lru_cache

from argon2 import PasswordHasher
from argon2 import profiles as argon2_profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.accounts import sessions
from webapp.accounts.errors import AccountError
from webapp.accounts.models import User, normalise_email

MIN_PASSWORD_LENGTH = 12
# argon2-cffi's default: 64 MiB, 3 passes (RFC 9106's low-memory recommendation).
DEFAULT_HASH_PROFILE = "RFC_9106_LOW_MEMORY"


@lru_cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(argon2_profiles, profile))


def _profile() -> str:
    return current_app.config.get("PASSWORD_HASH_PROFILE", DEFAULT_HASH_PROFILE)


def _hasher() -> PasswordHasher:
    """Argon2 with the configured cost (tests use the cheapest; hashes carry their own
    parameters, so any hash verifies and is upgraded on the next sign-in)."""
    return _hasher_for(_profile())


@lru_cache
def _dummy_hash(profile: str) -> str:
    """Verified against when the account does not exist, so timing does not reveal
    accounts."""
    return _hasher_for(profile).hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def check_no_password(password: str) -> None:
    """The work of `check_password` for an account that does not exist."""
    profile = _profile()
    with contextlib.suppress(VerificationError):
        _hasher_for(profile).verify(_dummy_hash(profile), password)


def set_password(user: User, password: str) -> None:
    """Every session ends with the old password (the caller may start a new one)."""
    user.password_hash = hash_password(password)
    sessions.sign_out_everywhere(user)


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext(
            "Use at least %(num)d character.",
            "Use at least %(num)d characters.",
            MIN_PASSWORD_LENGTH,
        )
    if normalise_email(password) == normalise_email(email):
        return _("Your password must not be your email address.")
    return None


def require_good_password(user: User, password: str, field: str = "password") -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, field)
