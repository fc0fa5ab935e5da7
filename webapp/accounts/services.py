"""Account rules: passwords, sign-in and its rate limit, invitations, password resets,
and what an administrator may change on an account."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2 import profiles as argon2_profiles
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from webapp.accounts import sessions
from webapp.accounts.mail import (
    INVITATION_MAIL,
    PASSWORD_RESET_MAIL,
    PASSWORD_RESET_NO_ACCOUNT_MAIL,
)
from webapp.accounts.models import (
    ACTIVE,
    DEACTIVATED,
    INVITED,
    LoginAttempt,
    User,
    new_session_token,
)
from webapp.core import mailer, outbox, tokens
from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, PARTICIPANT, ROLES
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.links import external_url
from webapp.core.reference import MemberState
from webapp.core.timezones import is_valid_zone, utcnow
from webapp.extensions import db

MIN_PASSWORD_LENGTH = 12
# argon2-cffi's default: 64 MiB, 3 passes (RFC 9106's low-memory recommendation).
DEFAULT_HASH_PROFILE = "RFC_9106_LOW_MEMORY"


@lru_cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(argon2_profiles, profile))


def _hasher() -> PasswordHasher:
    """Argon2 with the configured cost (tests use the cheapest; hashes carry their own
    parameters, so any hash verifies and is upgraded on the next sign-in)."""
    return _hasher_for(current_app.config.get("PASSWORD_HASH_PROFILE", DEFAULT_HASH_PROFILE))


@lru_cache
def _dummy_hash(profile: str) -> str:
    """Verified against when the account does not exist, so timing does not reveal
    accounts."""
    return _hasher_for(profile).hash("not-a-real-password")


INVITATION = "invitation"
PASSWORD_RESET = "password-reset"
SUBJECTS = {
    INVITATION_MAIL: _l("You are invited to Puerto"),
    PASSWORD_RESET_MAIL: _l("Reset your Puerto password"),
}
# A reset form can be sent again and again; the inbox behind it should not fill up.
MAX_RESET_EMAILS_PER_HOUR = 5
USERS_PAGE_SIZE = 50


class AccountError(RuleError):
    """A rule refused the change to an account."""


class LinkError(Exception):
    """An invitation or reset link that cannot be used, and why."""

    EXPIRED, USED, REPLACED, INVALID = "expired", "used", "replaced", "invalid"

    def __init__(self, reason: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user  # whose link it was, when known: the page speaks their language


# --- passwords and sign-in ---------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


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


def set_password(user: User, password: str) -> None:
    """Every session ends with the old password (the caller may start a new one)."""
    user.password_hash = hash_password(password)
    sign_out_everywhere(user)


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


def _require_good_password(user: User, password: str, field: str = "password") -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, field)


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


def _record_failure(email: str, address: str) -> None:
    db.session.add(LoginAttempt(email=normalise_email(email)[:320], address=address[:64]))


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
        profile = current_app.config.get("PASSWORD_HASH_PROFILE", DEFAULT_HASH_PROFILE)
        with contextlib.suppress(VerificationError):
            _hasher_for(profile).verify(_dummy_hash(profile), password)
    _record_failure(email, address)
    return None


def sign_out_everywhere(user: User) -> None:
    """End every session of the account; links sent before stop working too."""
    user.session_token = new_session_token()
    sessions.end_all(user)


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
    _require_good_password(user, new)
    set_password(user, new)


# --- signed links --------------------------------------------------------------------


def _fingerprint(user: User, purpose: str) -> str:
    """Changes when the password is set or the session token turns over, which makes a
    link single-use: the link carries the fingerprint it was made with."""
    material = f"{purpose}:{user.session_token}:{user.password_hash or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def _signed_link(user: User, purpose: str, endpoint: str) -> tuple[str, str]:
    """(url, nonce). The nonce makes each email distinct for the outbox."""
    nonce = secrets.token_urlsafe(9)
    token = tokens.sign(purpose, {"u": user.id, "f": _fingerprint(user, purpose), "n": nonce})
    return external_url(endpoint, token=token), nonce


def _user_from_link(purpose: str, token: str, max_age: int) -> tuple[User, bool]:
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
    fresh = hmac.compare_digest(str(payload.get("f", "")), _fingerprint(user, purpose))
    return user, fresh


def _link_owner(payload: object) -> User | None:
    """The account a (signature-checked) link payload names."""
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    if not 0 < payload["u"] < 2**31:
        return None
    return db.session.get(User, payload["u"])


def _mail(
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


# --- invitations ---------------------------------------------------------------------


def invitable_roles(inviter: User) -> tuple[str, ...]:
    """Admins give any role; organizers invite participants only."""
    if inviter.has_role(ADMIN):
        return ROLES
    if inviter.has_role(ORGANIZER):
        return (PARTICIPANT,)
    return ()


def _states_for(roles: set[str], state_ids: Iterable[int]) -> list[MemberState]:
    """Member states belong to focal points only; a focal point needs at least one."""
    if FOCAL_POINT not in roles:
        return []
    ids = set(state_ids)
    states = (
        list(db.session.scalars(sa.select(MemberState).where(MemberState.id.in_(ids))))
        if ids
        else []
    )
    if not states:
        raise AccountError(
            _("A focal point must be tied to at least one member state."), "member_states"
        )
    return states


def _check_roles(roles: set[str], allowed: Iterable[str]) -> None:
    if not roles:
        raise AccountError(_("Choose at least one role."), "roles")
    if roles - set(allowed):
        raise AccountError(_("You may invite participants only."), "roles")


def invite(
    inviter: User,
    *,
    name: str,
    email: str,
    language: str,
    roles: Iterable[str],
    member_state_ids: Iterable[int] = (),
) -> User:
    """Create the account (or refresh one not yet accepted) and email a new link. The
    caller commits."""
    roles = set(roles)
    allowed = invitable_roles(inviter)
    _check_roles(roles, allowed)
    states = _states_for(roles, member_state_ids)
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Choose a language from the list."), "language")
    email = normalise_email(email)
    user = find_user(email)
    if user is None:
        user = User(email=email)
        db.session.add(user)
    elif user.status == DEACTIVATED:
        raise AccountError(
            _(
                "The account of %(email)s is deactivated; an administrator can reactivate it.",
                email=email,
            ),
            "email",
        )
    elif user.status == ACTIVE:
        raise AccountError(
            _(
                "%(email)s already has an account. Change its roles from the list of users.",
                email=email,
            ),
            "email",
        )
    elif not user.role_names <= set(allowed):
        raise AccountError(
            _(
                "%(email)s was invited with roles you cannot give; ask an administrator to "
                "send the invitation again.",
                email=email,
            ),
            "email",
        )
    user.name = name.strip()
    user.language = language
    user.role_names = roles
    user.member_states = states
    _send_invitation(user, inviter)
    return user


def resend_invitation(inviter: User, user: User) -> None:
    """A new link for someone who has not accepted yet; earlier links stop working."""
    if user.status != INVITED:
        raise AccountError(_("Only a pending invitation can be sent again."))
    if not user.role_names <= set(invitable_roles(inviter)):
        raise AccountError(_("You may invite participants only."))
    _send_invitation(user, inviter)


def _send_invitation(user: User, inviter: User) -> None:
    user.session_token = new_session_token()  # earlier links for this account stop working
    user.invited_at = utcnow()
    user.invited_by_id = inviter.id
    db.session.flush()
    link, nonce = _signed_link(user, INVITATION, "accounts.accept_invitation")
    _mail(
        user,
        kind=INVITATION_MAIL,
        key=f"invite:{user.id}:{nonce}",
        subject=SUBJECTS[INVITATION_MAIL],
        link=link,
        inviter=inviter,
        valid_for_seconds=current_app.config["INVITATION_MAX_AGE_SECONDS"],
    )


def user_from_invitation(token: str) -> User:
    """The invited person, or LinkError saying why the link cannot be used."""
    user, fresh = _user_from_link(
        INVITATION, token, current_app.config["INVITATION_MAX_AGE_SECONDS"]
    )
    if user.password_hash is not None:
        raise LinkError(LinkError.USED, user)
    if not fresh:
        raise LinkError(LinkError.REPLACED, user)
    return user


def accept_invitation(token: str, password: str) -> User:
    """Set the first password and activate the account. The caller commits and signs in."""
    user = user_from_invitation(token)
    _require_good_password(user, password)
    with acting_as(user.id, user.email):
        set_password(user, password)
        user.activated_at = utcnow()
        user.last_login_at = utcnow()
        db.session.flush()
    return user


# --- password reset ------------------------------------------------------------------


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
        link, nonce = _signed_link(user, PASSWORD_RESET, "accounts.reset_password")
        _mail(
            user,
            kind=PASSWORD_RESET_MAIL,
            key=f"password-reset:{user.id}:{nonce}",
            subject=SUBJECTS[PASSWORD_RESET_MAIL],
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
        subject=lambda: str(SUBJECTS[PASSWORD_RESET_MAIL]),
        template="accounts/email/password_reset_no_account",
        key=f"password-reset-no-account:{address}:{nonce}",
        context=lambda: {
            "email": address,
            "link": external_url("accounts.request_password_reset"),
            "secretariat": current_app.config["SECRETARIAT_EMAIL"],
            "valid_for": valid_for_text(valid_for),
        },
    )


RESET_KINDS = (PASSWORD_RESET_MAIL, PASSWORD_RESET_NO_ACCOUNT_MAIL)


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
    user, fresh = _user_from_link(
        PASSWORD_RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    )
    if not fresh:
        raise LinkError(LinkError.USED, user)
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; every other session ends."""
    user = user_from_reset(token)
    _require_good_password(user, password)
    with acting_as(user.id, user.email):
        set_password(user, password)
        if user.activated_at is None:
            user.activated_at = utcnow()
        user.last_login_at = utcnow()
        db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == user.email))
        db.session.flush()
    return user


def valid_for_text(seconds: int) -> str:
    """'7 days', '2 hours' in the active language."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=False)


# --- administration ------------------------------------------------------------------


def list_users(search: str | None, role: str | None, page: int) -> Pagination:
    query = sa.select(User).order_by(sa.func.lower(User.name), User.email)
    if search:
        term = search.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(User.name).contains(term, autoescape=True),
                User.email.contains(term, autoescape=True),
            )
        )
    if role in ROLES:
        query = query.where(("," + User.roles + ",").contains(f",{role},"))
    return db.paginate(query, page=page, per_page=USERS_PAGE_SIZE, error_out=False)


def update_user(
    actor: User,
    user: User,
    *,
    name: str,
    roles: Iterable[str],
    member_state_ids: Iterable[int],
    language: str,
    timezone: str,
) -> None:
    """An administrator's change to an account. The caller commits."""
    roles = set(roles)
    if not roles:
        raise AccountError(_("Choose at least one role."), "roles")
    if user.id == actor.id and ADMIN not in roles:
        raise AccountError(_("You cannot remove your own administrator role."), "roles")
    if roles - set(ROLES):
        raise AccountError(_("Choose roles from the list."), "roles")
    states = _states_for(roles, member_state_ids)
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Choose a language from the list."), "language")
    if not is_valid_zone(timezone):
        raise AccountError(_("Choose a time zone from the list."), "timezone")
    user.name = name.strip()
    user.role_names = roles
    user.member_states = states
    user.language = language
    user.timezone = timezone


def create_admin(email: str, name: str, password: str) -> User:
    """The first administrator, from the command line; an existing account is promoted
    and keeps its other roles. The caller commits."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise AccountError(_("%(email)s is not a valid email address.", email=email)) from exc
    email = normalise_email(email)
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, "password")
    user = find_user(email)
    if user is None:
        user = User(email=email, name=name or email, roles="")
        db.session.add(user)
    elif name:
        user.name = name
    with acting_as(None, "flask users create-admin"):
        user.role_names = user.role_names | {ADMIN}
        user.is_active_account = True
        set_password(user, password)
        if user.activated_at is None:
            user.activated_at = utcnow()
        db.session.flush()
    return user


def deactivate(actor: User, user: User) -> None:
    """The person can no longer sign in, and every session of theirs ends now."""
    if user.id == actor.id:
        raise AccountError(_("You cannot deactivate your own account."))
    user.is_active_account = False
    sign_out_everywhere(user)


def activate(actor: User, user: User) -> None:
    user.is_active_account = True
