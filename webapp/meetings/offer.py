"""The directory entries offered to a series on its "add people from the directory" page:
those of the states one may propose people from, narrowed by member state, area and
agency, a page at a time, each query reading only the columns the page shows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.access import ADMIN, ORGANIZER
from webapp.core.paging import Page, page_count
from webapp.core.reference import MemberState
from webapp.directory.models import ACTIVE, Agency, Area, PointOfContact
from webapp.extensions import db
from webapp.meetings.models import MeetingSeries

PER_PAGE = 100
# "Add everyone listed" adds at most this many people at once: more is a list to narrow.
EVERYONE_LIMIT = 500
AGENCY_LIMIT = 500


@dataclass(frozen=True)
class ContactFilter:
    """Which directory entries to offer: by member state, area and agency (0: any)."""

    state_id: int = 0
    area_id: int = 0
    agency_id: int = 0


def offer_states(user: User, series: MeetingSeries) -> set[int] | None:
    """The states whose people one may add: the series' (every state, None, when it names
    none); a focal point, only their own among them."""
    states = {s.id for s in series.member_states}
    if not user.role_names & {ADMIN, ORGANIZER}:
        mine = {s.id for s in user.member_states}
        return (states & mine) if states else mine
    return states or None


def _offered(states: set[int] | None, where: ContactFilter) -> list[sa.ColumnElement[bool]]:
    conditions = [PointOfContact.status == ACTIVE]
    if states is not None:
        conditions.append(PointOfContact.member_state_id.in_(states or [0]))
    if where.state_id:
        conditions.append(PointOfContact.member_state_id == where.state_id)
    if where.area_id:
        conditions.append(PointOfContact.areas.any(Area.id == where.area_id))
    if where.agency_id:
        conditions.append(PointOfContact.agency_id == where.agency_id)
    return conditions


def page_of_offer(states: set[int] | None, where: ContactFilter, page: int) -> Page:
    """One page of the entries offered from `states` (see `offer_states`) narrowed by
    `where`, by member state and name: rows of id, name, agency_name, state_code; the
    database counts them all."""
    conditions = _offered(states, where)
    total = db.session.scalar(sa.select(sa.func.count(PointOfContact.id)).where(*conditions))
    page = min(page, page_count(total or 0, PER_PAGE))
    rows = db.session.execute(
        sa.select(
            PointOfContact.id,
            PointOfContact.name,
            Agency.name.label("agency_name"),
            MemberState.code.label("state_code"),
        )
        .join(Agency, Agency.id == PointOfContact.agency_id)
        .join(MemberState, MemberState.id == PointOfContact.member_state_id)
        .where(*conditions)
        .order_by(PointOfContact.member_state_id, PointOfContact.name, PointOfContact.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Page(items=rows, page=page, per_page=PER_PAGE, total=total or 0)


def everyone_offered(states: set[int] | None, where: ContactFilter) -> list[int]:
    """The ids of every entry `page_of_offer` lists over all its pages, up to one more
    than `EVERYONE_LIMIT` (so that the caller sees the list is too long)."""
    return list(
        db.session.scalars(
            sa.select(PointOfContact.id)
            .where(*_offered(states, where))
            .order_by(PointOfContact.member_state_id, PointOfContact.name, PointOfContact.id)
            .limit(EVERYONE_LIMIT + 1)
        )
    )


def agencies_to_offer(states: set[int] | None) -> list[tuple[int, str]]:
    """The agencies of `states` (every state: None), for the filter: id, label."""
    query = (
        sa.select(Agency.id, Agency.name, Agency.acronym, MemberState.code)
        .join(MemberState, MemberState.id == Agency.member_state_id)
        .where(Agency.is_active)
    )
    if states is not None:
        query = query.where(Agency.member_state_id.in_(states or [0]))
    return [
        (agency_id, f"{acronym or name} ({code})")
        for agency_id, name, acronym, code in db.session.execute(
            query.order_by(Agency.member_state_id, Agency.name).limit(AGENCY_LIMIT)
        )
    ]
