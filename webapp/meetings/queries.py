"""What the meetings pages list, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.access import ADMIN, ORGANIZER
from webapp.core.reference import MemberState
from webapp.directory.models import ACTIVE, Agency, PointOfContact
from webapp.extensions import db
from webapp.meetings.access import visible_series
from webapp.meetings.models import CANCELLED, MeetingSeries, Occurrence

OFFER_LIMIT = 500


@dataclass
class SeriesRow:
    series: sa.Row  # id, title, scope
    next_start: datetime | None  # of the next meeting not cancelled
    count: int


def page_of_series(user: User, now: datetime, limit: int = 200) -> list[SeriesRow]:
    """The newest series one may see, with their next meeting's start and how many
    meetings they have: two queries, the database counting (a series has up to hundreds
    of meetings, and loading them all made the list take most of a second)."""
    found = db.session.execute(
        visible_series(user)
        .with_only_columns(MeetingSeries.id, MeetingSeries.title, MeetingSeries.scope)
        .order_by(MeetingSeries.id.desc())
        .limit(limit)
    ).all()
    upcoming = sa.case(
        (sa.and_(Occurrence.starts_at > now, Occurrence.status != CANCELLED), Occurrence.starts_at)
    )
    figures = {
        series_id: (count, first)
        for series_id, count, first in db.session.execute(
            sa.select(
                Occurrence.series_id,
                sa.func.count(),
                sa.func.min(sa.type_coerce(upcoming, Occurrence.starts_at.type)),
            )
            .where(Occurrence.series_id.in_([row.id for row in found] or [0]))
            .group_by(Occurrence.series_id)
        )
    }
    return [
        SeriesRow(row, figures.get(row.id, (0, None))[1], figures.get(row.id, (0, None))[0])
        for row in found
    ]


def series_page(series: MeetingSeries) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id)
            .order_by(Occurrence.original_start)
        )
    )


def contacts_to_offer(user: User, series: MeetingSeries) -> list[sa.Row]:
    """Directory entries one may add (id, name, agency_name, state_code): of the series'
    states (all states when it names none); a focal point, only of their own states.
    Only the columns the form shows are read: it offers hundreds."""
    states = {s.id for s in series.member_states}
    if not user.role_names & {ADMIN, ORGANIZER}:
        mine = {s.id for s in user.member_states}
        states = (states & mine) if states else mine
    query = (
        sa.select(
            PointOfContact.id,
            PointOfContact.name,
            Agency.name.label("agency_name"),
            MemberState.code.label("state_code"),
        )
        .join(Agency, Agency.id == PointOfContact.agency_id)
        .join(MemberState, MemberState.id == PointOfContact.member_state_id)
        .where(PointOfContact.status == ACTIVE)
    )
    if states or not user.role_names & {ADMIN, ORGANIZER}:
        query = query.where(PointOfContact.member_state_id.in_(states or [0]))
    return list(
        db.session.execute(
            query.order_by(PointOfContact.member_state_id, PointOfContact.name).limit(OFFER_LIMIT)
        )
    )
