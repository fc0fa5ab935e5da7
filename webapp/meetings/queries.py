"""What the meetings pages list, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from webapp.accounts.models import User
from webapp.core.access import ADMIN, ORGANIZER
from webapp.directory.models import ACTIVE, Agency, Area, PointOfContact
from webapp.extensions import db
from webapp.meetings.access import visible_series
from webapp.meetings.models import CANCELLED, MeetingSeries, Occurrence

OFFER_LIMIT = 500


@dataclass
class SeriesRow:
    series: MeetingSeries
    next: Occurrence | None
    count: int


def page_of_series(user: User, now: datetime, limit: int = 200) -> list[SeriesRow]:
    found = db.session.scalars(
        visible_series(user)
        .options(selectinload(MeetingSeries.occurrences))
        .order_by(MeetingSeries.id.desc())
        .limit(limit)
    ).all()
    rows = []
    for item in found:
        upcoming = [o for o in item.occurrences if o.starts_at > now and o.status != CANCELLED]
        rows.append(SeriesRow(item, upcoming[0] if upcoming else None, len(item.occurrences)))
    return rows


def series_page(series: MeetingSeries) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .options(selectinload(Occurrence.moves))
            .where(Occurrence.series_id == series.id)
            .order_by(Occurrence.original_start)
        )
    )


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


def contacts_to_offer(
    user: User, series: MeetingSeries, where: ContactFilter | None = None
) -> list[PointOfContact]:
    """Directory entries one may add (see `offer_states`), narrowed by `where`."""
    states = offer_states(user, series)
    where = where or ContactFilter()
    query = sa.select(PointOfContact).where(PointOfContact.status == ACTIVE)
    if states is not None:
        query = query.where(PointOfContact.member_state_id.in_(states or [0]))
    if where.state_id:
        query = query.where(PointOfContact.member_state_id == where.state_id)
    if where.area_id:
        query = query.where(PointOfContact.areas.any(Area.id == where.area_id))
    if where.agency_id:
        query = query.where(PointOfContact.agency_id == where.agency_id)
    return list(
        db.session.scalars(
            query.order_by(PointOfContact.member_state_id, PointOfContact.name).limit(OFFER_LIMIT)
        )
    )


def agencies_to_offer(user: User, series: MeetingSeries) -> list[Agency]:
    """The agencies of the states one may add people from, for the directory filter."""
    states = offer_states(user, series)
    query = sa.select(Agency).where(Agency.is_active)
    if states is not None:
        query = query.where(Agency.member_state_id.in_(states or [0]))
    return list(
        db.session.scalars(query.order_by(Agency.member_state_id, Agency.name).limit(OFFER_LIMIT))
    )
