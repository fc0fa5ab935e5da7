"""Invitations: who may invite whom with which roles, creating the account (or
refreshing one not yet accepted) and mailing it a signed link, and accepting that link
with a first password. Each new link makes the earlier ones stale; a link already used
or replaced is refused with a `LinkError` saying which. Refusals of the form are
`AccountError`s tagged with its field. The caller commits."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.errors import AccountError, LinkError
from webapp.accounts.links import send_link_mail, signed_link, user_from_link
from webapp.accounts.mail import INVITATION_MAIL
from webapp.accounts.models import (
    ACTIVE,
    DEACTIVATED,
    INVITED,
    User,
    new_session_token,
    normalise_email,
)
from webapp.accounts.passwords import require_good_password, set_password
from webapp.accounts.users import find_user, require_language, states_for
from webapp.core.access import ADMIN, ORGANIZER, PARTICIPANT, ROLES
from webapp.core.audit import acting_as
from webapp.core.timezones import utcnow
from webapp.extensions import db

INVITATION = "invitation"  # the links' signing purpose
SUBJECT = _l("You are invited to Puerto")


def invitable_roles(inviter: User) -> tuple[str, ...]:
    """Admins give any role; organizers invite participants only."""
    if inviter.has_role(ADMIN):
        return ROLES
    if inviter.has_role(ORGANIZER):
        return (PARTICIPANT,)
    return ()


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
    states = states_for(roles, member_state_ids)
    require_language(language)
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
    link, nonce = signed_link(user, INVITATION, "accounts.accept_invitation")
    send_link_mail(
        user,
        kind=INVITATION_MAIL,
        key=f"invite:{user.id}:{nonce}",
        subject=SUBJECT,
        link=link,
        inviter=inviter,
        valid_for_seconds=current_app.config["INVITATION_MAX_AGE_SECONDS"],
    )


def user_from_invitation(token: str) -> User:
    """The invited person, or LinkError saying why the link cannot be used."""
    user, fresh = user_from_link(
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
    require_good_password(user, password)
    with acting_as(user.id, user.email):
        set_password(user, password)
        user.activated_at = utcnow()
        user.last_login_at = utcnow()
        db.session.flush()
    return user
