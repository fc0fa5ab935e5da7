"""Password resets. `request_password_reset` mails the address either a signed reset
link (when an account that may sign in uses it) or a note that none does, doing the same
work on both paths so that neither the page nor its timing tells which addresses have
accounts, and sends at most `MAX_RESET_EMAILS_PER_HOUR` to one address. A reset link is
single-use; using it sets the password, ends every other session and clears the
sign-in failures. The caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.accounts.errors import LinkError
from webapp.accounts.links import send_link_mail, signed_link, user_from_link, valid_for_text
from webapp.accounts.mail import PASSWORD_RESET_MAIL, PASSWORD_RESET_NO_ACCOUNT_MAIL
from webapp.accounts.models import User, normalise_email
from webapp.accounts.passwords import require_good_password, set_password
from webapp.accounts.signin import forget_failures
from webapp.core import mailer, outbox, tokens
from webapp.core.audit import acting_as
from webapp.core.links import external_url
from webapp.core.timezones import utcnow
from webapp.extensions import db

PASSWORD_RESET = "password-reset"  # the links' signing purpose
SUBJECT = _l("Reset your Puerto password")
# A reset form can be sent again and again; the inbox behind it should not fill up.
MAX_RESET_EMAILS_PER_HOUR = 5
RESET_KINDS = (PASSWORD_RESET_MAIL, PASSWORD_RESET_NO_ACCOUNT_MAIL)


def request_password_reset(email: str, language: str) -> None:
    """Email the address: a reset link when an account that may sign in uses it, else a
    note that none does. Both paths do the same work (two lookups, one signed link, one
    message rendered and queued), so neither the page nor its timing tells which
    addresses have accounts. `language` is the visitor's, for the note."""
    address = normalise_email(email)
    deliverable = _deliverable(address)
    user = db.session.scalar(
        sa.select(User).where(User.email == address).options(sa.orm.lazyload("*"))
    )
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(outbox.OutboxMessage)
        .where(
            outbox.OutboxMessage.kind.in_(RESET_KINDS),
            outbox.OutboxMessage.recipient == address,
            outbox.OutboxMessage.created_at >= since,
        )
    )
    if recent >= MAX_RESET_EMAILS_PER_HOUR:
        return
    valid_for = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    if user is not None and user.is_active_account:
        link, nonce = signed_link(user, PASSWORD_RESET, "accounts.reset_password")
        send_link_mail(
            user,
            kind=PASSWORD_RESET_MAIL,
            key=f"password-reset:{user.id}:{nonce}",
            subject=SUBJECT,
            link=link,
            valid_for_seconds=valid_for,
        )
        return
    if not deliverable:
        return  # not an address anyone can hold: nothing to send, nothing to learn
    # The same steps for nobody: a signed token, a link, a message rendered and queued.
    nonce = secrets.token_urlsafe(9)
    tokens.sign(PASSWORD_RESET, {"u": 0, "f": _fingerprint_of_nobody(address), "n": nonce})
    mailer.compose(
        PASSWORD_RESET_NO_ACCOUNT_MAIL,
        mailer.Recipient(address, None, language, None),
        subject=lambda: str(SUBJECT),
        template="accounts/email/password_reset_no_account",
        key=f"password-reset-no-account:{address}:{nonce}",
        context=lambda: {
            "email": address,
            "link": external_url("accounts.request_password_reset"),
            "secretariat": current_app.config["SECRETARIAT_EMAIL"],
            "valid_for": valid_for_text(valid_for),
        },
    )


def _deliverable(address: str) -> bool:
    """Whether mail could be sent to this address at all (its syntax; no DNS lookup)."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _fingerprint_of_nobody(address: str) -> str:
    return hashlib.sha256(f"{PASSWORD_RESET}:{address}".encode()).hexdigest()[:24]


def user_from_reset(token: str) -> User:
    user, fresh = user_from_link(
        PASSWORD_RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    )
    if not fresh:
        raise LinkError(LinkError.USED, user)
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; every other session ends."""
    user = user_from_reset(token)
    require_good_password(user, password)
    with acting_as(user.id, user.email):
        set_password(user, password)
        if user.activated_at is None:
            user.activated_at = utcnow()
        user.last_login_at = utcnow()
        forget_failures(user.email)
        db.session.flush()
    return user
