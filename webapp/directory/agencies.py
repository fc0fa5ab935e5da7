"""The directory's areas and each member state's agencies."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.accounts.models import User
from webapp.core import grammar
from webapp.core.errors import NotAllowed
from webapp.core.reference import MemberState
from webapp.directory.errors import InvalidEntry
from webapp.directory.models import ACTIVE, AGENCY_KINDS, Agency, Area, PointOfContact
from webapp.directory.permissions import require_edit_state
from webapp.extensions import db


def active_areas() -> list[Area]:
    return list(
        db.session.scalars(
            sa.select(Area).where(Area.is_active).order_by(Area.position, Area.name_en)
        )
    )


def agencies_of(member_state_id: int, include_inactive: bool = False) -> list[Agency]:
    query = (
        sa.select(Agency).where(Agency.member_state_id == member_state_id).order_by(Agency.name)
    )
    if not include_inactive:
        query = query.where(Agency.is_active)
    return list(db.session.scalars(query))


def _check_agency_name(state: MemberState, name: str, agency_id: int | None) -> None:
    clash = db.session.scalar(
        sa.select(Agency.id).where(
            Agency.member_state_id == state.id,
            sa.func.lower(Agency.name) == name.lower(),
            Agency.id != (agency_id or 0),
        )
    )
    if clash is not None:
        raise InvalidEntry(
            ngettext(
                "%(state)s already has an agency named “%(name)s”.",
                "%(state)s already have an agency named “%(name)s”.",
                grammar.state_number(state),
                state=grammar.state_name(state, "subject", start=True),
                name=name,
            ),
            "name",
        )


def save_agency(
    user: User,
    state: MemberState,
    name: str,
    acronym: str | None,
    kind: str,
    agency: Agency | None = None,
) -> Agency:
    require_edit_state(user, state.id)
    if agency is not None and agency.member_state_id != state.id:
        raise NotAllowed("the agency belongs to another member state")
    name = name.strip()
    if not name:
        raise InvalidEntry(_("Enter the agency's name."), "name")
    if kind not in AGENCY_KINDS:
        raise InvalidEntry(_("Choose a kind of agency from the list."), "kind")
    _check_agency_name(state, name, agency.id if agency else None)
    if agency is None:
        agency = Agency(member_state=state)
        db.session.add(agency)
    agency.name = name
    agency.acronym = (acronym or "").strip() or None
    agency.kind = kind
    db.session.flush()
    return agency


def active_contacts_by_agency(member_state_id: int) -> dict[int, int]:
    """How many active entries each agency of a state has."""
    return dict(
        db.session.execute(
            sa.select(PointOfContact.agency_id, sa.func.count())
            .where(
                PointOfContact.member_state_id == member_state_id,
                PointOfContact.status == ACTIVE,
            )
            .group_by(PointOfContact.agency_id)
        ).all()
    )


def state_by_code(code: str) -> MemberState | None:
    return db.session.scalar(sa.select(MemberState).where(MemberState.code == code.upper()))
