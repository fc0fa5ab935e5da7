"""Who may see and change which directory entries.

The Secretariat (admin, organizer, finance) sees every active entry; focal points and
participants see the entries shared with all member states, and focal points also every
entry of the states they speak for. Admins and organizers edit any state, focal points
their own. Only admins revert an entry to an earlier version.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, PARTICIPANT, SECRETARIAT
from webapp.core.errors import NotAllowed
from webapp.core.reference import MemberState
from webapp.directory.models import ACTIVE, ALL_MEMBER_STATES, PointOfContact
from webapp.extensions import db


def _roles(user: User) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.role_names


def is_secretariat(user: User) -> bool:
    return bool(_roles(user) & set(SECRETARIAT))


def can_edit_state(user: User, member_state_id: int | None) -> bool:
    """Organizers and admins edit any state; focal points their own states only."""
    roles = _roles(user)
    if roles & {ADMIN, ORGANIZER}:
        return True
    return (
        FOCAL_POINT in roles
        and member_state_id is not None
        and member_state_id in user.member_state_ids
    )


def require_edit_state(user: User, member_state_id: int | None) -> None:
    if not can_edit_state(user, member_state_id):
        raise NotAllowed("not an editor of this member state")


def editable_states(user: User) -> list[MemberState]:
    query = sa.select(MemberState).order_by(MemberState.name_en)
    if not (_roles(user) & {ADMIN, ORGANIZER}):
        ids = user.member_state_ids if FOCAL_POINT in _roles(user) else frozenset()
        if not ids:
            return []
        query = query.where(MemberState.id.in_(ids))
    return list(db.session.scalars(query))


def can_add_entries(user: User, any_member_state: bool) -> bool:
    """Whether `editable_states(user)` is not empty, without reading the states: the
    Secretariat's editors may add to any state there is, a focal point to their own."""
    roles = _roles(user)
    if roles & {ADMIN, ORGANIZER}:
        return any_member_state
    return FOCAL_POINT in roles and bool(user.member_state_ids)


@dataclass(frozen=True)
class Scope:
    """What a viewer may see of the active entries."""

    everything: bool = False
    shared: bool = False  # entries visible to all member states
    own_states: frozenset[int] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.shared or self.own_states)

    def permits(self, member_state_id: int, visibility: str) -> bool:
        return (
            self.everything
            or (self.shared and visibility == ALL_MEMBER_STATES)
            or member_state_id in self.own_states
        )

    def clause(self) -> sa.ColumnElement[bool]:
        if self.everything:
            return sa.true()
        conditions: list[sa.ColumnElement[bool]] = []
        if self.shared:
            conditions.append(PointOfContact.visibility == ALL_MEMBER_STATES)
        if self.own_states:
            conditions.append(PointOfContact.member_state_id.in_(sorted(self.own_states)))
        return sa.or_(*conditions) if conditions else sa.false()


def viewer_scope(user: User) -> Scope:
    roles = _roles(user)
    if roles & set(SECRETARIAT):
        return Scope(everything=True)
    own = user.member_state_ids if FOCAL_POINT in roles else frozenset()
    return Scope(shared=bool(roles & {FOCAL_POINT, PARTICIPANT}), own_states=frozenset(own))


def can_view_contact(user: User, contact: PointOfContact) -> bool:
    """Active entries by the viewer's scope; withdrawn ones only to those who may edit
    them, for their history."""
    if contact.status != ACTIVE:
        return can_edit_state(user, contact.member_state_id)
    return viewer_scope(user).permits(contact.member_state_id, contact.visibility)


def can_revert(user: User) -> bool:
    return ADMIN in _roles(user)
