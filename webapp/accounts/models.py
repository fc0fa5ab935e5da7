"""People with accounts, their roles and the member states a focal point speaks for."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core import freshness
from webapp.core.access import ADMIN, FINANCE, FOCAL_POINT, ORGANIZER, PARTICIPANT, ROLES
from webapp.core.audit import Audited
from webapp.core.reference import MemberState
from webapp.core.timezones import UTCDateTime, utcnow
from webapp.extensions import db

user_states = sa.Table(
    "user_member_states",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("member_state_id", sa.ForeignKey("member_states.id"), primary_key=True),
)


ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    ORGANIZER: _l("Organizer"),
    FINANCE: _l("Finance"),
    FOCAL_POINT: _l("Focal point"),
    PARTICIPANT: _l("Participant"),
}

# What `User.status` answers.
ACTIVE, INVITED, DEACTIVATED = "active", "invited", "deactivated"
STATUS_LABELS = {
    ACTIVE: _l("active"),
    INVITED: _l("invited"),
    DEACTIVATED: _l("deactivated"),
}


def new_session_token() -> str:
    return secrets.token_hex(16)


def normalise_email(email: str) -> str:
    """The form `User.email` is stored and looked up in."""
    return email.strip().lower()


class User(UserMixin, Audited, db.Model):
    __tablename__ = "users"
    __audit_label__ = _l("Account")
    __audit_fields__ = (
        "email",
        "name",
        "roles",
        "is_active_account",
        "language",
        "timezone",
        "activated_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Comma-separated role names; see `role_names`.
    roles: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Turned over by "sign out everywhere", a new password or a new invitation: signed
    # links carry a fingerprint of it, so it makes them single-use.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member_states: Mapped[list[MemberState]] = relationship(
        secondary=user_states, order_by="MemberState.code", lazy="selectin"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r for r in (self.roles or "").split(",") if r)

    @role_names.setter
    def role_names(self, names: object) -> None:
        unknown = set(names) - set(ROLES)  # type: ignore[arg-type]
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.roles = ",".join(r for r in ROLES if r in names)  # type: ignore[operator]

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names & set(names))

    @property
    def member_state_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.member_states)

    @property
    def status(self) -> str:
        """Active, invited (no password set yet) or deactivated."""
        if not self.is_active_account:
            return DEACTIVATED
        return ACTIVE if self.password_hash is not None else INVITED

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.is_active_account and self.password_hash is not None

    # The key of the server-side session this object was loaded or signed in with
    # (accounts.sessions); not a column.
    session_key = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the signed cookie: this browser's session key."""
        if not self.session_key:
            raise RuntimeError("start a session with accounts.sessions.start() first")
        return self.session_key

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginAttempt(db.Model):
    """Failed sign-ins, counted per account and per address for rate limiting."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# Written at every sign-in (and by "sign out everywhere"); no page kept between requests
# shows either, so writing them drops none of those pages (core.freshness).
freshness.unseen("users", "last_login_at", "session_token")


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random key; only its SHA-256 is stored, so
    the table alone cannot open a session. Deleting the row ends the session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User] = relationship()
