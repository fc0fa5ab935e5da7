"""Signed, single-use links for invitations and password resets, and the mail that
carries them. A link names the account and a fingerprint of its session token and
password hash, so setting a password (or sending a newer link) makes every earlier link
stale; `user_from_link` tells expired, invalid and stale links apart and raises a
`LinkError` naming the owner when it is known. `send_link_mail` composes the message in
the owner's language through the one mailer; the caller commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import format_timedelta

from webapp.accounts.errors import LinkError
from webapp.accounts.models import User
from webapp.core import mailer, tokens
from webapp.core.links import external_url
from webapp.extensions import db


def fingerprint(user: User, purpose: str) -> str:
    """Changes when the password is set or the session token turns over, which makes a
    link single-use: the link carries the fingerprint it was made with."""
    material = f"{purpose}:{user.session_token}:{user.password_hash or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def signed_link(user: User, purpose: str, endpoint: str) -> tuple[str, str]:
    """(url, nonce). The nonce makes each email distinct for the outbox."""
    nonce = secrets.token_urlsafe(9)
    token = tokens.sign(purpose, {"u": user.id, "f": fingerprint(user, purpose), "n": nonce})
    return external_url(endpoint, token=token), nonce


def user_from_link(purpose: str, token: str, max_age: int) -> tuple[User, bool]:
    """The user a link is for, and whether its fingerprint still matches."""
    try:
        payload = tokens.verify(purpose, token, max_age)
    except tokens.InvalidToken as exc:
        if exc.expired:
            raise LinkError(LinkError.EXPIRED, _link_owner(exc.payload)) from exc
        raise LinkError(LinkError.INVALID) from exc
    user = _link_owner(payload)
    if user is None or not user.is_active_account:
        raise LinkError(LinkError.INVALID)
    fresh = hmac.compare_digest(str(payload.get("f", "")), fingerprint(user, purpose))
    return user, fresh


def _link_owner(payload: object) -> User | None:
    """The account a (signature-checked) link payload names."""
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    if not 0 < payload["u"] < 2**31:
        return None
    return db.session.get(User, payload["u"])


def send_link_mail(
    user: User,
    *,
    kind: str,
    key: str,
    subject: object,
    valid_for_seconds: int,
    **context: object,
) -> None:
    """Render `accounts/email/<kind>.{txt,html}` for the account's owner."""
    mailer.compose(
        kind,
        mailer.Recipient(user.email, user.name, user.language, user.timezone),
        subject=lambda: str(subject),  # a lazy string, translated in their language
        template=f"accounts/email/{kind}",
        key=key,
        context=lambda: {
            **context,
            "user": user,
            "valid_for": valid_for_text(valid_for_seconds),
        },
    )


def valid_for_text(seconds: int) -> str:
    """'7 days', '2 hours' in the active language."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=False)
