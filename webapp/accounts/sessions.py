"""Server-side sessions: one `UserSession` row per signed-in browser.

The signed session cookie carries only a random key (as Flask-Login's user id); the row
it names must exist for the cookie to open pages. Signing out deletes the row, so a copy
of the cookie taken before is worthless afterwards; "sign out everywhere", a new password
and deactivation delete every row of the account. The caller commits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from webapp.accounts.models import User, UserSession, new_session_token
from webapp.extensions import db

# Writing "last seen" on every request would make every page a write; this is enough to
# tell an abandoned session from one in use.
LAST_SEEN_PRECISION = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User, *, user_agent: str, address: str, now: datetime) -> str:
    """A new session for `user`; returns the key for the cookie (also set on `user`)."""
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            key_hash=_digest(key),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            user_agent=(user_agent or "")[:300],
            address=(address or "")[:64],
        )
    )
    user.session_key = key
    return key


@functools.cache
def _session_by_key() -> sa.Select:
    """The session a key's digest names, with its account and the account's member states
    in the same statement: every page asks for them (what the viewer may see), and a second
    round trip per request was a tenth of a page. Built once: building it (loader options
    and all) took as long as running it, on every request."""
    return (
        sa.select(UserSession)
        .join(UserSession.user)
        .where(UserSession.key_hash == sa.bindparam("key_hash"))
        .options(sa.orm.contains_eager(UserSession.user).joinedload(User.member_states))
    )


def user_for(key: str, now: datetime) -> tuple[User | None, bool]:
    """The account a cookie's key opens (None when the session ended, went idle too long
    or the account may not sign in), and whether "last seen" was updated."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return None, False
    row = db.session.scalars(_session_by_key(), {"key_hash": _digest(key)}).unique().first()
    if row is None or not row.user.is_active:
        return None, False
    # Statements, not changed objects: this runs while the request looks up who acts (the
    # audit log's flush hook asks too), so it must not start a flush of its own.
    idle = timedelta(seconds=current_app.config["SESSION_MAX_IDLE_SECONDS"])
    if now - row.last_seen_at > idle:
        db.session.execute(sa.delete(UserSession).where(UserSession.id == row.id))
        return None, True
    touched = now - row.last_seen_at > LAST_SEEN_PRECISION
    if touched:
        db.session.execute(
            sa.update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
        )
    row.user.session_key = key
    return row.user, touched


def end_key(key: str | None) -> None:
    """End the session this key opens (signing out)."""
    if isinstance(key, str) and key:
        db.session.execute(sa.delete(UserSession).where(UserSession.key_hash == _digest(key)))


def end(user: User, session_id: int) -> bool:
    """End one of `user`'s sessions; False if it is not theirs or already ended."""
    result = db.session.execute(
        sa.delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    return bool(result.rowcount)


def end_all(user: User) -> None:
    """End every session of the account (sign out everywhere, new password, deactivation)."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


def sign_out_everywhere(user: User) -> None:
    """End every session of the account; links sent before stop working too (their
    fingerprint includes the session token)."""
    user.session_token = new_session_token()
    end_all(user)


def active(user: User) -> list[UserSession]:
    """The account's sessions, the most recently used first."""
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def is_current(row: UserSession, key: str | None) -> bool:
    return bool(key) and row.key_hash == _digest(key)  # type: ignore[arg-type]
