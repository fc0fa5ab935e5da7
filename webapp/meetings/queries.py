"""What the meetings pages list, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from webapp.accounts.models import User
from webapp.core.access import ADMIN, ORGANIZER
from webapp.directory.models import ACTIVE, PointOfContact
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


def contacts_to_offer(user: User, series: MeetingSeries) -> list[PointOfContact]:
    """Directory entries one may add: of the series' states (all states when it names none);
    a focal point, only of their own states."""
    states = {s.id for s in series.member_states}
    if not user.role_names & {ADMIN, ORGANIZER}:
        mine = {s.id for s in user.member_states}
        states = (states & mine) if states else mine
    query = sa.select(PointOfContact).where(PointOfContact.status == ACTIVE)
    if states or not user.role_names & {ADMIN, ORGANIZER}:
        query = query.where(PointOfContact.member_state_id.in_(states or [0]))
    return list(
        db.session.scalars(
            query.order_by(PointOfContact.member_state_id, PointOfContact.name).limit(OFFER_LIMIT)
        )
    )
