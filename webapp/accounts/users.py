"""Accounts as an administrator sees them: finding one by email, the paged list, what an
administrator may change (roles, the member states a focal point speaks for, language,
zone), deactivating and reactivating, and the first administrator created from the
command line. Refusals are `AccountError`s tagged with the form's field; deactivation
ends every session at once. The caller commits."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from webapp.accounts import sessions
from webapp.accounts.errors import AccountError
from webapp.accounts.models import User, normalise_email
from webapp.accounts.passwords import password_problem, set_password
from webapp.core.access import ADMIN, FOCAL_POINT, ROLES
from webapp.core.addresses import email_address
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState
from webapp.core.timezones import is_valid_zone, utcnow
from webapp.extensions import db

USERS_PAGE_SIZE = 50


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def states_for(roles: set[str], state_ids: Iterable[int]) -> list[MemberState]:
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


def require_language(language: str) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Choose a language from the list."), "language")


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
    states = states_for(roles, member_state_ids)
    require_language(language)
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
        email = email_address(email, "email")
    except RuleError as error:
        raise AccountError(error.message, "email") from None
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
    sessions.sign_out_everywhere(user)


def activate(actor: User, user: User) -> None:
    user.is_active_account = True
