"""What the meetings pages list, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, selectinload

from webapp.accounts.models import User
from webapp.core.paging import Page, page_count
from webapp.extensions import db
from webapp.meetings.access import visible_series
from webapp.meetings.models import CANCELLED, MeetingSeries, Occurrence

SERIES_PER_PAGE = 50


@dataclass
class SeriesRow:
    series: sa.Row  # id, title, scope
    next_start: datetime | None  # of the next meeting not cancelled
    count: int


def page_of_series(user: User, now: datetime, page: int = 1) -> Page:
    """One page of the series one may see, newest first, with their next meeting's start
    and how many meetings they have: two queries (three past the last page), the database
    counting and paging (a series has up to hundreds of meetings, and loading them all
    made the list take most of a second; rendering every series on one page took tens of
    milliseconds more)."""
    visible = visible_series(user)

    def rows_of(page: int) -> list[sa.Row]:
        return db.session.execute(
            visible.with_only_columns(
                MeetingSeries.id,
                MeetingSeries.title,
                MeetingSeries.scope,
                sa.func.count().over().label("total"),
            )
            .order_by(MeetingSeries.id.desc())
            .limit(SERIES_PER_PAGE)
            .offset((page - 1) * SERIES_PER_PAGE)
        ).all()

    found = rows_of(page)
    if found:
        total = found[0].total
    else:  # past the last page (or none at all): the last page
        count = visible.with_only_columns(sa.func.count(MeetingSeries.id))
        total = db.session.scalar(count) or 0
        if page > page_count(total, SERIES_PER_PAGE):
            page = page_count(total, SERIES_PER_PAGE)
            found = rows_of(page)
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
    rows = [
        SeriesRow(row, figures.get(row.id, (0, None))[1], figures.get(row.id, (0, None))[0])
        for row in found
    ]
    return Page(items=rows, page=page, per_page=SERIES_PER_PAGE, total=total)


def _usable(row_id: int) -> bool:
    return 0 < row_id <= 2**31 - 1  # beyond any column's range: not found


def series_alone(series_id: int) -> MeetingSeries | None:
    """A series' own row: its states and topics are read only if asked for (to render what
    is not kept, see series_cache), its organizers not at all."""
    if not _usable(series_id):
        return None
    return db.session.scalar(
        sa.select(MeetingSeries).where(MeetingSeries.id == series_id).options(lazyload("*"))
    )


def occurrence_to_edit(occurrence_id: int) -> Occurrence | None:
    """A meeting with its series' own row and its moves, in one statement: its agenda,
    and the series' states, topics and organizers, are read only to render what is not
    kept (see occurrence_cache) or if a change needs them."""
    if not _usable(occurrence_id):
        return None
    return (
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.id == occurrence_id)
            .options(joinedload(Occurrence.series).lazyload("*"), joinedload(Occurrence.moves))
        )
        .unique()
        .first()
    )


def series_page(series: MeetingSeries) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            # The series is the one given, already loaded: joined again, it had its
            # organizers, states and topics read again too (four queries).
            .options(selectinload(Occurrence.moves), lazyload(Occurrence.series))
            .where(Occurrence.series_id == series.id)
            .order_by(Occurrence.original_start)
        )
    )
